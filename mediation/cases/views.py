"""Staff case pages. Scoping and logging happen in the selectors."""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2.paginators import LazyPaginator

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.accounts.selectors import community_choices, staff_scope
from mediation.audit.coverage import logs_access
from mediation.audit.models import ActorRole
from mediation.cases.forms import CaseFilterForm, DuplicateForm, TransitionForm
from mediation.cases.lists import case_rows
from mediation.cases.selectors import CaseFilters, case_detail_for_user, case_list_for_user
from mediation.cases.workflow import transitions_open_to

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Sorting only on indexed columns: (submitted_at, id), either direction.
SORTS = {"-submitted": ("-submitted_at", "-id"), "submitted": ("submitted_at", "id")}


def positive_int(value: str | None, default: int, ceiling: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return max(1, min(number, ceiling))


@logs_access("list case")
@require_GET
@staff_verified_required
def case_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "-submitted")
    if sort not in SORTS:
        sort = "-submitted"
    per_page = positive_int(request.GET.get("per_page"), PAGE_SIZE, MAX_PAGE_SIZE)
    number = positive_int(request.GET.get("page"), 1, 10_000)
    user: User = request.user  # type: ignore[assignment]
    scope = staff_scope(user=user)
    communities = community_choices(scope.coordinator_of | scope.mediator_in, request.LANGUAGE_CODE)
    form = CaseFilterForm(request.GET or None, communities=communities)
    filters = CaseFilters()
    if form.is_valid():
        filters = CaseFilters(
            status=form.cleaned_data["status"],
            category=form.cleaned_data["category"],
            community_id=form.cleaned_data.get("community"),
        )
    cases = case_list_for_user(user=user, filters=filters).order_by(*SORTS[sort])
    # LazyPaginator fetches one row more than a page instead of COUNTing the table.
    paginator = LazyPaginator(cases, per_page)
    try:
        page = paginator.page(number)
    except InvalidPage:
        page = paginator.page(1)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "rows": case_rows(page.object_list),
            "sort": sort,
            "next_sort": "submitted" if sort == "-submitted" else "-submitted",
            "per_page": per_page,
            "form": form,
            "filters": _query(request, drop=("page", "sort", "per_page")),
            "filtered": any([filters.status, filters.category, filters.community_id is not None]),
        },
    )


def _query(request: HttpRequest, *, drop: tuple[str, ...]) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@logs_access("view case")
@require_GET
@staff_verified_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    detail = case_detail_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    moves = (
        []
        if detail.break_glass
        else [
            TransitionForm(transition=transition)
            for transition in transitions_open_to(status=detail.case.status, role=detail.role)
        ]
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "detail": detail,
            "case": detail.case,
            "moves": moves,
            "is_coordinator": detail.role == ActorRole.COORDINATOR and not detail.break_glass,
            "duplicate_form": DuplicateForm(),
        },
    )
