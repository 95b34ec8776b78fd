"""Staff pages of the safety screening. Scope, visibility and logging live in the selectors."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.audit.models import Action
from mediation.cases.models import ScreeningDecision
from mediation.cases.screening_forms import SafetyScreeningForm
from mediation.cases.screening_selectors import (
    screening_answers_for_user,
    screening_overview_for_user,
    screening_subject_for_user,
)
from mediation.cases.screening_services import ScreeningRefused, safety_screening_record

# The value of the button that asks for the suggested process before choosing one.
SUGGEST = "suggest"


@logs_access("view case")
@require_GET
@staff_verified_required
def screening_overview(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    overview = screening_overview_for_user(user=user, reference=reference)
    return render(
        request,
        "cases/screening/overview.html",
        {
            "overview": overview,
            "case": overview.case,
            "no_mediation": overview.process == ScreeningDecision.NO_MEDIATION,
        },
    )


@logs_access("view case", "view safety_screening", "create case", "create safety_screening")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def screening_new(request: HttpRequest, reference: str, party_id: uuid.UUID) -> HttpResponse:
    """Screen one party: the questions, the suggested process on request, the screener's choice.

    Without JavaScript the suggestion needs a round trip: the "suggest"
    button validates the answers and shows the page again with it.
    """
    user: User = request.user  # type: ignore[assignment]
    posted = request.method == "POST"
    subject = screening_subject_for_user(
        user=user,
        reference=reference,
        party_id=party_id,
        action=Action.CREATE if posted else Action.VIEW,
    )
    if not posted:
        form = SafetyScreeningForm()
    else:
        deciding = request.POST.get("action") != SUGGEST
        form = SafetyScreeningForm(request.POST, deciding=deciding)
        if form.is_valid() and deciding:
            try:
                safety_screening_record(
                    user=user,
                    reference=reference,
                    party_id=party_id,
                    answers=form.answers(),
                    decision=form.cleaned_data["decision"],
                )
            except ScreeningRefused as refused:
                for problem in refused.problems:
                    form.add_error(None, str(problem))
            else:
                messages.success(
                    request,
                    _("Safety screening recorded: %(party)s.") % {"party": subject.label},
                )
                return HttpResponseRedirect(
                    reverse("cases:screening", kwargs={"reference": subject.case.reference})
                )
    return render(
        request,
        "cases/screening/screen.html",
        {
            "subject": subject,
            "case": subject.case,
            "form": form,
            "suggestion": form.suggestion() if form.is_bound else None,
            "suggest_value": SUGGEST,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@logs_access("view case", "view safety_screening")
@require_GET
@staff_verified_required
def screening_answers(
    request: HttpRequest, reference: str, screening_id: uuid.UUID
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    answers = screening_answers_for_user(user=user, reference=reference, screening_id=screening_id)
    return render(
        request,
        "cases/screening/answers.html",
        {"answers": answers, "case": answers.case},
    )
