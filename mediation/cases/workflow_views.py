"""Staff pages that move cases on: the triage queue, workflow moves, duplicate links."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import InvalidPage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2.paginators import LazyPaginator

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.accounts.selectors import community_choices, staff_scope
from mediation.audit.coverage import logs_access
from mediation.cases.forms import TriageFilterForm
from mediation.cases.lists import case_rows
from mediation.cases.selectors import TriageFilters, triage_queue_for_user
from mediation.cases.services import DuplicateRefused, case_link_duplicate
from mediation.cases.views import MAX_PAGE_SIZE, PAGE_SIZE, positive_int
from mediation.cases.workflow import TransitionRefused, case_transition


def _case_page(reference: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:detail", kwargs={"reference": reference}))


@logs_access("list case")
@require_GET
@staff_verified_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    scope = staff_scope(user=user)
    language = request.LANGUAGE_CODE
    communities = community_choices(scope.coordinator_of, language)
    form = TriageFilterForm(request.GET or None, communities=communities)
    filters = TriageFilters()
    if form.is_valid():
        safety = form.cleaned_data["safety"]
        filters = TriageFilters(
            community_id=form.cleaned_data["community"],
            category=form.cleaned_data["category"],
            intake_channel=form.cleaned_data["channel"],
            safety_flagged={"yes": True, "no": False}.get(safety),
        )
    cases = triage_queue_for_user(user=user, filters=filters)
    per_page = positive_int(request.GET.get("per_page"), PAGE_SIZE, MAX_PAGE_SIZE)
    paginator = LazyPaginator(cases, per_page)
    try:
        page = paginator.page(positive_int(request.GET.get("page"), 1, 10_000))
    except InvalidPage:
        page = paginator.page(1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/triage.html",
        {
            "form": form,
            "page": page,
            "rows": case_rows(page.object_list),
            "query": query.urlencode(),
            "filtered": any(form.data.get(name) for name in form.fields)
            if form.is_bound
            else False,
        },
    )


@logs_access("update case")
@require_POST
@staff_verified_required
def case_move(request: HttpRequest, reference: str) -> HttpResponse:
    """Make one workflow move from the case page, then return to it (PRG).

    The service checks everything (scope, edge, role, outcome, reason) and
    says what is wrong; the form on the case page only offers valid choices.
    """
    user: User = request.user  # type: ignore[assignment]
    try:
        event = case_transition(
            user=user,
            reference=reference,
            target=request.POST.get("target", ""),
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
            expected_source=request.POST.get("source", ""),
        )
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Done: the case is now “%(status)s”.") % {"status": event.get_to_status_display()},
        )
    return _case_page(reference)


@logs_access("update case")
@require_POST
@staff_verified_required
def case_duplicate(request: HttpRequest, reference: str) -> HttpResponse:
    """Link the case to another about the same dispute; the service checks scope first."""
    user: User = request.user  # type: ignore[assignment]
    try:
        case_link_duplicate(
            user=user,
            reference=reference,
            other_reference=request.POST.get("other_reference", "")[:40],
        )
    except DuplicateRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The cases are linked."))
    return _case_page(reference)
