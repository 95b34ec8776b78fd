"""The coordinator's referral page: choose, check the exact packet, then send.

Works without JavaScript: the first POST (``action=preview``) shows what
would be sent and the notice to read; the second (``action=send``) sends it.
Scope, consent and what may be sent are decided by the selectors and the
service, never here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.cases.models import PacketLanguage
from mediation.cases.referral_forms import ConfirmForm, ReferralForm
from mediation.cases.referral_selectors import (
    ReferralPage,
    ReferralPreview,
    referral_page_for_user,
    referral_preview_for_user,
)
from mediation.cases.referral_services import (
    ReferralRefused,
    referral_consent_withdraw,
    referral_send,
)

PREVIEW, SEND, CHANGE = "preview", "send", "change"


def _referral_page(reference: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:referral", kwargs={"reference": reference}))


def _choose_form(page: ReferralPage, data: Any = None) -> ReferralForm:
    language = get_language()
    return ReferralForm(
        data,
        parties=[(str(line.party.pk), str(line.party.get_role_display())) for line in page.parties],
        partners=[
            (str(partner.pk), f"{partner.display_name(language)} ({partner.get_kind_display()})")
            for partner in page.partners
        ],
    )


def _render(
    request: HttpRequest,
    page: ReferralPage,
    form: ReferralForm,
    *,
    preview: ReferralPreview | None = None,
    confirm: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    language = get_language()
    forms = [form] + ([confirm] if confirm is not None else [])
    context: dict[str, Any] = {
        "page": page,
        "case": page.case,
        "form": form,
        "confirm": confirm,
        "preview": preview,
        "forms": forms,
        "has_errors": any(f.errors for f in forms),
    }
    if preview is not None:
        partner = preview.subject.partner
        context |= {
            "partner_name": partner.display_name(language),
            "notice_en": preview.notice.text_in(PacketLanguage.ENGLISH),
            "notice_zh": preview.notice.text_in(PacketLanguage.SIMPLIFIED_CHINESE),
        }
    return render(request, "cases/referrals/referral.html", context, status=status)


@logs_access("view case", "export case", "export referral")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def referral(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = referral_page_for_user(user=user, reference=reference)
    if request.method == "GET":
        return _render(request, page, _choose_form(page))
    form = _choose_form(page, request.POST)
    action = request.POST.get("action", PREVIEW)
    if not form.is_valid():
        return _render(request, page, form, status=400)
    if action == CHANGE:
        return _render(request, page, form)
    chosen = form.cleaned_data
    try:
        preview = referral_preview_for_user(
            user=user,
            reference=reference,
            party_id=chosen["party"],
            partner_id=chosen["partner"],
            items=chosen["items"],
        )
    except ReferralRefused as refused:
        form.add_error(None, str(refused.message))
        return _render(request, page, form, status=400)
    consent_needed = not preview.consent_in_force
    party_language = preview.subject.party.language
    initial = {
        "digest": preview.packet.digest,
        "notice_language": party_language
        if party_language in PacketLanguage.values
        else PacketLanguage.ENGLISH,
    }
    if action != SEND:
        confirm = ConfirmForm(initial=initial, consent_needed=consent_needed)
        return _render(request, page, form, preview=preview, confirm=confirm)
    confirm = ConfirmForm(request.POST, initial=initial, consent_needed=consent_needed)
    if not confirm.is_valid():
        return _render(request, page, form, preview=preview, confirm=confirm, status=400)
    try:
        referral_send(
            user=user,
            reference=reference,
            party_id=chosen["party"],
            partner_id=chosen["partner"],
            items=chosen["items"],
            consent_now=consent_needed and confirm.cleaned_data["agreed"],
            language=confirm.cleaned_data["notice_language"],
            expected_digest=confirm.cleaned_data["digest"],
        )
    except ReferralRefused as refused:
        # Show what would be sent now, with the fresh digest, and why it did not go.
        fresh = ConfirmForm(initial=initial, consent_needed=consent_needed)
        fresh.add_error(None, str(refused.message))
        return _render(request, page, form, preview=preview, confirm=fresh, status=400)
    messages.success(
        request,
        _(
            "The referral was sent to %(partner)s. What was sent is recorded below; "
            "the case can now be closed as referred from the case page."
        )
        % {"partner": preview.subject.partner.display_name(get_language())},
    )
    return _referral_page(reference)


@logs_access("update case")
@require_POST
@staff_verified_required
def referral_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """Record that a party withdrew their consent to share with a partner (told to staff)."""
    user: User = request.user  # type: ignore[assignment]
    try:
        referral_consent_withdraw(
            user=user,
            reference=reference,
            party_id=request.POST.get("party", "")[:40],
            partner_id=request.POST.get("partner", "")[:20],
        )
    except ReferralRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Recorded: their consent is withdrawn. Nothing more will be sent to that partner."),
        )
    return _referral_page(reference)
