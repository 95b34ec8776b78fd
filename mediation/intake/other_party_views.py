"""The coordinator's page for the other party: notice, agreement or refusal, status code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.audit.models import Action
from mediation.cases.models import ContactChannel, ContactMethod, PartyDecision, PartyRole
from mediation.cases.references import display as display_reference
from mediation.cases.selectors import case_in_scope
from mediation.cases.services import Contact
from mediation.cases.status_codes import display as display_code
from mediation.consent.notices import (
    CONTACT_NOTICE,
    MEDIATION_NOTICE,
    OTHER_PARTY_NOTICE,
    STATISTICS_NOTICE,
)
from mediation.intake.forms import ContactForm, LanguageForm
from mediation.intake.notifications import send_status_code_email
from mediation.intake.other_party import (
    Issued,
    OtherPartyRefused,
    PartyAgreement,
    other_party_agrees,
    other_party_declines,
    other_party_new_code,
    other_party_notified,
)


class NotifiedForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How did the centre reach them?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the centre reached them.")},
    )


class AgreedForm(forms.Form):
    agreed = forms.BooleanField(
        label=_("They heard the notice and agreed to take part in mediation"),
        error_messages={"required": _("Confirm that they agreed after hearing the notice.")},
    )
    name = forms.CharField(
        label=_("Their name, if they want to give it (optional)"),
        required=False,
        max_length=120,
        help_text=_(
            "Used only to check that no mediator knows them. It is not stored: only a "
            "keyed hash is kept. Without it, conflicts of interest cannot be checked."
        ),
    )
    consents_to_contact = forms.BooleanField(label=CONTACT_NOTICE.text, required=False)
    consents_to_statistics = forms.BooleanField(label=STATISTICS_NOTICE.text, required=False)


class StaffContactForm(ContactForm):
    """The resident's contact question, worded for the coordinator asking it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].label = _("How do they want the centre to contact them?")
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (ContactChannel.EMAIL, ContactChannel.EMAIL.label),
            (ContactChannel.PHONE, ContactChannel.PHONE.label),
            (ContactChannel.NONE, _("Not at all: they will check the status page")),
        ]
        self.fields["times"].label = _("When is it safe and convenient to contact them? (optional)")


class StaffLanguageForm(LanguageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].label = _("Which language should the centre use with them?")


def _forms(data: Any = None) -> dict[str, forms.Form]:
    return {
        "notified_form": NotifiedForm(data, prefix="notified"),
        "agreed_form": AgreedForm(data, prefix="agreed"),
        "contact_form": StaffContactForm(data, prefix="contact"),
        "language_form": StaffLanguageForm(data, prefix="language"),
    }


def _page(request: HttpRequest, reference: str, status: int = 200, **forms_: Any) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_in_scope(
        user=user, reference=reference, action=Action.VIEW, coordinator_only=True
    ).case
    party = case.parties.filter(role=PartyRole.OTHER_PARTY).first()
    context: dict[str, Any] = {
        "case": case,
        "party": party,
        "pending": party is not None and party.decision == PartyDecision.PENDING,
        "notice_en": OTHER_PARTY_NOTICE.text_in("en"),
        "notice_zh": OTHER_PARTY_NOTICE.text_in("zh-hans"),
        "mediation_notice": MEDIATION_NOTICE.text,
        **_forms(),
        **forms_,
    }
    context["forms"] = [
        context[name] for name in ("notified_form", "language_form", "contact_form", "agreed_form")
    ]
    context["has_errors"] = any(form.errors for form in context["forms"])
    return render(request, "intake/other_party.html", context, status=status)


@logs_access("view case")
@require_GET
@staff_verified_required
def other_party(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, reference)


@logs_access("update case", "view case")
@require_POST
@staff_verified_required
def notified(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = NotifiedForm(request.POST, prefix="notified")
    if not form.is_valid():
        return _page(request, reference, status=400, notified_form=form)
    try:
        other_party_notified(user=user, reference=reference, method=form.cleaned_data["method"])
    except OtherPartyRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, gettext("Recorded: they were reached and given the notice."))
    return redirect("intake:other_party", reference=reference)


@logs_access("update case", "view case")
@require_POST
@staff_verified_required
def agreed(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    bound = _forms(request.POST)
    if not all(form.is_valid() for form in bound.values() if form.prefix != "notified"):
        return _page(request, reference, status=400, **bound)
    agreed_data = bound["agreed_form"].cleaned_data
    contact = bound["contact_form"].cleaned_data
    answers = PartyAgreement(
        language=bound["language_form"].cleaned_data["language"],
        contact=Contact(
            channel=ContactChannel(contact["channel"]),
            detail=contact["detail"],
            times=tuple(contact.get("times", [])),
        ),
        consents_to_contact=agreed_data["consents_to_contact"],
        consents_to_statistics=agreed_data["consents_to_statistics"],
        name=agreed_data["name"],
    )
    try:
        issued = other_party_agrees(user=user, reference=reference, answers=answers)
    except OtherPartyRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("intake:other_party", reference=reference)
    return _deliver(request, issued, answers.contact, answers.consents_to_contact, answers.language)


@logs_access("update case")
@require_POST
@staff_verified_required
def declined(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.POST.get("confirm") != "yes":
        messages.error(request, gettext("Confirm that they declined mediation."))
        return redirect("intake:other_party", reference=reference)
    try:
        other_party_declines(user=user, reference=reference)
    except OtherPartyRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("intake:other_party", reference=reference)
    messages.success(
        request,
        gettext("Recorded: they declined. The case has ended; tell the requester kindly."),
    )
    return redirect("cases:detail", reference=reference)


@logs_access("update case")
@require_POST
@staff_verified_required
def new_code(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        issued = other_party_new_code(user=user, reference=reference)
    except OtherPartyRefused as refused:
        messages.error(request, str(refused.message))
        return redirect("intake:other_party", reference=reference)
    return _show_once(request, issued)


def _deliver(
    request: HttpRequest, issued: Issued, contact: Contact, consented: bool, language: str
) -> HttpResponse:
    if contact.channel == ContactChannel.EMAIL and consented:
        send_status_code_email(
            address=contact.detail, reference=issued.reference, code=issued.code, language=language
        )
        messages.success(
            request,
            gettext(
                "They agreed. Their own reference and status code were emailed to them; "
                "the code is not shown to staff."
            ),
        )
        return redirect("intake:other_party", reference=issued.party.case.reference)
    return _show_once(request, issued)


def _show_once(request: HttpRequest, issued: Issued) -> HttpResponse:
    return render(
        request,
        "intake/staff_code_once.html",
        {
            "heading": gettext("The other party's own reference and status code"),
            "reference": display_reference(issued.reference),
            "status_code": display_code(issued.code),
            "case_reference": issued.party.case.reference,
        },
    )
