"""Requests entered by staff for residents who phone, walk in or are referred.

The same questions as the public form on one page, consents given verbally
and recorded with who took them. The status code goes straight to the
resident's consented email, or is shown once here to print or read out, and
no staff page shows it again.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import Community, User
from mediation.audit.coverage import logs_access
from mediation.cases.models import ContactChannel, IntakeChannel
from mediation.cases.references import display as display_reference
from mediation.cases.selectors import case_for_coordinator
from mediation.cases.status_codes import display as display_code
from mediation.intake.notifications import send_status_code_email
from mediation.intake.services import (
    StaffIntake,
    answers_from_steps,
    request_submit,
    requester_new_code,
    staff_intake_scope,
)
from mediation.intake.steps import STEPS, Answers


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did the request reach the centre?"),
        choices=[
            (IntakeChannel.PHONE, IntakeChannel.PHONE.label),
            (IntakeChannel.WALK_IN, IntakeChannel.WALK_IN.label),
            (IntakeChannel.REFERRAL, IntakeChannel.REFERRAL.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the request reached the centre.")},
    )


def _forms(data: Any, community_ids: frozenset[int]) -> tuple[ChannelForm, list[forms.Form]]:
    answers: Answers = {}
    if data is not None:
        # The consent question depends on the contact answer given on the same page.
        answers["contact"] = {"channel": data.get("contact-channel")}
    step_forms = []
    for step in STEPS:
        form = step.form_class(data, prefix=step.slug, **step.form_kwargs(answers))
        if step.slug == "community":
            form.fields["community"].queryset = Community.objects.filter(pk__in=community_ids)  # type: ignore[attr-defined]
        step_forms.append(form)
    return ChannelForm(data, prefix="intake"), step_forms


@logs_access("create case")
@staff_verified_required
@require_http_methods(["GET", "POST"])
def staff_intake(request: HttpRequest) -> HttpResponse:
    scope = staff_intake_scope(user=cast(User, request.user))
    data = request.POST if request.method == "POST" else None
    channel_form, step_forms = _forms(data, scope.coordinator_of)
    sections = list(zip(STEPS, step_forms, strict=True))
    if data is None or not (channel_form.is_valid() and all(f.is_valid() for f in step_forms)):
        return render(
            request,
            "intake/staff_intake.html",
            {
                "channel_form": channel_form,
                "sections": sections,
                "forms": [channel_form, *step_forms],
            },
            status=400 if data is not None else 200,
        )
    answers = answers_from_steps({step.slug: form.cleaned_data for step, form in sections})
    submitted = request_submit(
        answers=answers,
        shown_in=answers.language,
        staff=StaffIntake(
            staff_user_id=scope.user_id,
            channel=IntakeChannel(channel_form.cleaned_data["channel"]),
        ),
    )
    reference = submitted.case.reference
    if answers.contact.channel == ContactChannel.EMAIL and answers.consents_to_contact:
        send_status_code_email(
            address=answers.contact.detail,
            reference=reference,
            code=submitted.status_code,
            language=answers.language,
        )
        messages.success(
            request,
            gettext("The status code was emailed to the resident. It is not shown to staff."),
        )
        return redirect("cases:detail", reference=reference)
    return render(
        request,
        "intake/staff_code_once.html",
        {
            "reference": display_reference(reference),
            "status_code": display_code(submitted.status_code),
        },
    )


@logs_access("update case")
@staff_verified_required
@require_POST
def staff_new_code(request: HttpRequest, reference: str) -> HttpResponse:
    """Give the requester a new status code at the centre, shown once to print or read out."""
    user = cast(User, request.user)
    case = case_for_coordinator(user=user, reference=reference)
    code = requester_new_code(case=case, staff_user_id=user.pk)
    return render(
        request,
        "intake/staff_code_once.html",
        {"reference": display_reference(case.reference), "status_code": display_code(code)},
    )
