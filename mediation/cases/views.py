"""Staff case pages. Scoping and logging happen in the selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from mediation.cases.selectors import case_detail_for_user, case_list_for_user
from mediation.cases.tables import CaseTable

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


@require_GET
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    table = CaseTable(case_list_for_user(user=request.user))  # type: ignore[arg-type]
    RequestConfig(
        request,
        paginate={"per_page": _page_size(request), "paginator_class": LazyPaginator},
    ).configure(table)
    return render(request, "cases/case_list.html", {"table": table})


@require_GET
@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    detail = case_detail_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    return render(request, "cases/case_detail.html", {"detail": detail, "case": detail.case})
