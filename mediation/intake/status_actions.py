"""What a signed-in resident can do from their status page."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from mediation.audit.coverage import logs_access
from mediation.cases.models import ContactChannel, Party
from mediation.cases.references import display
from mediation.cases.services import Contact
from mediation.consent.models import ConsentPurpose
from mediation.consent.notices import CONTACT_NOTICE
from mediation.intake.forms import DESCRIPTION_MAX, ContactForm, reject_control_characters
from mediation.intake.resident_access import resident_party, sharing_partner
from mediation.intake.self_service import (
    resident_add_statement,
    resident_change_contact,
    resident_contact_for_change,
    resident_export,
    resident_request_erasure,
    resident_withdraw_consent,
    resident_withdraw_sharing,
)
from mediation.intake.status_views import resident_required

# What withdrawing each consent means, said before the resident confirms.
CONSEQUENCES = {
    ConsentPurpose.MEDIATION: _(
        "The centre will stop working on your request, and a coordinator will close your "
        "case. The other person will not be told why."
    ),
    ConsentPurpose.CONTACT: _(
        "The centre will delete your contact details and never contact you again about "
        "this case. You can still check your status here."
    ),
    ConsentPurpose.STATISTICS: _(
        "Your case will not be counted in statistics, and nothing of it is kept after "
        "the retention period."
    ),
}


def with_party(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give the view the signed-in resident's party (after ``resident_required``)."""

    @resident_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        party = resident_party(party_id=request.resident_party_id)  # type: ignore[attr-defined]
        if party is None:
            return redirect("intake:status")
        return view(request, party, *args, **kwargs)

    return wrapper


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("What would you like to add?"),
        help_text=_("The coordinator and mediators of your case will read it."),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[reject_control_characters],
        error_messages={
            "required": _("Write what you would like to add."),
            "max_length": _("Shorten this to %(limit_value)d characters or fewer."),
        },
    )


class ChangeContactForm(ContactForm):
    consent = forms.BooleanField(label=CONTACT_NOTICE.text, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("channel") not in (None, ContactChannel.NONE) and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("Tick the box to agree to be contacted, or choose “Do not contact me”."),
            )
        return cleaned


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"intake/status/{template}", context, status=status)


@logs_access("update case")
@require_http_methods(["GET", "POST"])
@with_party
def add_information(request: HttpRequest, party: Party) -> HttpResponse:
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resident_add_statement(party=party, text=form.cleaned_data["text"])
        messages.success(request, gettext("Thank you. What you wrote has been added to your case."))
        return redirect("intake:status_case")
    return _render(request, "add.html", {"form": form}, 400 if form.errors else 200)


@logs_access("view case", "update case")
@require_http_methods(["GET", "POST"])
@with_party
def change_contact(request: HttpRequest, party: Party) -> HttpResponse:
    if request.method == "POST":
        form = ChangeContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            resident_change_contact(
                party=party,
                contact=Contact(
                    channel=ContactChannel(data["channel"]),
                    detail=data["detail"],
                    times=tuple(data["times"]),
                ),
                consents_to_contact=bool(data.get("consent")),
                language=get_language() or settings.LANGUAGE_CODE,
            )
            messages.success(request, gettext("Your contact preferences have been changed."))
            return redirect("intake:status_case")
    else:
        form = ChangeContactForm(initial=resident_contact_for_change(party=party))
    return _render(request, "contact.html", {"form": form}, 400 if form.errors else 200)


@logs_access("update case")
@require_http_methods(["GET", "POST"])
@with_party
def withdraw_consent(request: HttpRequest, party: Party, purpose: str) -> HttpResponse:
    if purpose not in ConsentPurpose.values or purpose == ConsentPurpose.REFERRAL:
        raise Http404
    chosen = ConsentPurpose(purpose)
    if request.method == "POST":
        resident_withdraw_consent(party=party, purpose=chosen)
        messages.success(request, gettext("Your consent has been withdrawn."))
        return redirect("intake:status_case")
    return _render(
        request, "withdraw.html", {"caption": chosen.label, "consequence": CONSEQUENCES[chosen]}
    )


@logs_access("update case")
@require_http_methods(["GET", "POST"])
@with_party
def withdraw_sharing(request: HttpRequest, party: Party, partner: str) -> HttpResponse:
    """Withdraw the consent to share with one partner organisation (404 if none is live)."""
    found = sharing_partner(party=party, partner_slug=partner)
    if found is None:
        raise Http404
    name = found.display_name(get_language())
    if request.method == "POST":
        resident_withdraw_sharing(party=party, partner_slug=found.slug)
        messages.success(request, gettext("Your consent has been withdrawn."))
        return redirect("intake:status_case")
    consequence = gettext(
        "The centre will not share anything more about you with %(partner)s. What was "
        "already shared stays with them: ask them if you want it deleted."
    ) % {"partner": name}
    caption = gettext("Sharing with %(partner)s") % {"partner": name}
    return _render(request, "withdraw.html", {"caption": caption, "consequence": consequence})


@logs_access("download case")
@require_POST
@with_party
def download(request: HttpRequest, party: Party) -> HttpResponse:
    data = resident_export(party=party)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="mediation-{display(party.status_reference)}.json"'
    )
    return response


@logs_access("create data_subject_request")
@require_http_methods(["GET", "POST"])
@with_party
def request_erasure(request: HttpRequest, party: Party) -> HttpResponse:
    if request.method == "POST":
        erasure = resident_request_erasure(party=party)
        messages.success(
            request,
            gettext(
                "Your request to delete your data has been recorded. "
                "The centre will answer by %(date)s."
            )
            % {"date": erasure.due_by.isoformat()},
        )
        return redirect("intake:status_case")
    return _render(request, "erasure.html", {})
