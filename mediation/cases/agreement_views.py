"""Staff pages for a case's agreement: read it, write or change it, record acceptance, print.

Thin: scoping, decryption and logging happen in the selectors and services.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.cases.agreement_forms import AcceptanceForm, AgreementForm
from mediation.cases.agreement_pdf import CONTENT_TYPE, agreement_pdf_render
from mediation.cases.agreement_selectors import (
    agreement_copy_for_print,
    agreement_draft_for_user,
    agreement_page_for_user,
)
from mediation.cases.agreement_services import (
    AgreementRefused,
    CopyTerms,
    agreement_accept,
    agreement_record,
)


def _agreement_page(reference: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:agreement", kwargs={"reference": reference}))


@logs_access("view case", "view agreement_copy")
@require_GET
@staff_verified_required
def agreement_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = agreement_page_for_user(user=user, reference=reference)
    return render(
        request,
        "cases/agreements/agreement.html",
        {"page": page, "case": page.case, "acceptance_form": AcceptanceForm()},
    )


@logs_access("view case", "view agreement_copy", "create case", "create agreement")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def agreement_write(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    draft = agreement_draft_for_user(user=user, reference=reference)
    if not draft.can_write:
        messages.error(request, _("The agreement cannot be written or changed now."))
        return _agreement_page(draft.case.reference)
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, slots=draft.slots)
    if data is not None and form.is_valid():
        try:
            agreement_record(
                user=user,
                reference=draft.case.reference,
                copies=[
                    CopyTerms(party_id=party_id, language=language, terms=terms)
                    for party_id, language, terms in form.copies()
                ],
            )
        except AgreementRefused as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, _("The agreement is recorded and its follow-ups scheduled."))
            return _agreement_page(draft.case.reference)
    return render(
        request,
        "cases/agreements/write.html",
        {"draft": draft, "case": draft.case, "form": form},
        status=400 if data is not None else 200,
    )


@logs_access("update case", "update agreement_copy")
@require_POST
@staff_verified_required
def agreement_acceptance(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AcceptanceForm(request.POST)
    # An unusable id still goes to the service: it answers "not found" out of scope.
    copy_id = form.cleaned_data["copy"] if form.is_valid() else uuid.UUID(int=0)
    try:
        agreement_accept(user=user, reference=reference, copy_id=copy_id)
    except AgreementRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The acceptance is recorded."))
    return _agreement_page(reference)


@logs_access("print case", "print agreement_copy")
@require_GET
@staff_verified_required
def agreement_copy_pdf(request: HttpRequest, reference: str, copy_id: uuid.UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    document = agreement_copy_for_print(user=user, reference=reference, copy_id=copy_id)
    response = HttpResponse(agreement_pdf_render(document), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=document.filename) or "attachment"
    )
    return response
