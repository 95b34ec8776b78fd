"""Staff pages for follow-ups: a case's follow-ups, their results, closing; the overdue list.

Thin: scoping and logging happen in the selectors and services; workflow
moves go through ``case_transition`` like everywhere else.
"""

from __future__ import annotations

import uuid

from django import forms
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
from mediation.audit.coverage import logs_access
from mediation.cases.agreement_forms import CloseCaseForm, FollowUpAddForm, FollowUpResultForm
from mediation.cases.follow_up_selectors import (
    FollowUpPage,
    follow_ups_overdue_for_user,
    follow_ups_page_for_user,
    overdue_rows,
)
from mediation.cases.follow_up_services import FollowUpRefused, follow_up_add, follow_up_record
from mediation.cases.models import Status
from mediation.cases.workflow import TransitionRefused, case_transition

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _positive_int(value: str | None, default: int, ceiling: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return max(1, min(number, ceiling))


def _follow_ups_page(reference: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:follow_ups", kwargs={"reference": reference}))


def _result_prefix(follow_up_id: uuid.UUID) -> str:
    return f"result-{follow_up_id.hex}"


def _render(
    request: HttpRequest,
    page: FollowUpPage,
    *,
    bound: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the case's follow-ups; ``bound`` replaces the blank form it was sent from."""
    result_forms = {
        line.id: FollowUpResultForm(prefix=_result_prefix(line.id))
        for line in page.lines
        if line.is_open
    }
    add_form = FollowUpAddForm(prefix="add")
    close_form = CloseCaseForm(prefix="close", initial={"outcome": page.suggested_outcome})
    if isinstance(bound, FollowUpResultForm):
        result_forms = {
            key: bound if form.prefix == bound.prefix else form
            for key, form in result_forms.items()
        }
    elif isinstance(bound, FollowUpAddForm):
        add_form = bound
    elif isinstance(bound, CloseCaseForm):
        close_form = bound
    return render(
        request,
        "cases/follow_ups/case.html",
        {
            "page": page,
            "case": page.case,
            "lines": [(line, result_forms.get(line.id)) for line in page.lines],
            "add_form": add_form,
            "close_form": close_form,
            "bound": bound,
        },
        status=status,
    )


@logs_access("view case")
@require_GET
@staff_verified_required
def follow_ups_case(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return _render(request, follow_ups_page_for_user(user=user, reference=reference))


@logs_access("view case", "update case", "update follow_up")
@require_POST
@staff_verified_required
def follow_up_result(request: HttpRequest, reference: str, follow_up_id: uuid.UUID) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = FollowUpResultForm(request.POST, prefix=_result_prefix(follow_up_id))
    if not form.is_valid():
        page = follow_ups_page_for_user(user=user, reference=reference)
        return _render(request, page, bound=form, status=400)
    try:
        follow_up_record(
            user=user,
            reference=reference,
            follow_up_id=follow_up_id,
            result=form.cleaned_data["result"],
        )
    except FollowUpRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The follow-up is recorded."))
    return _follow_ups_page(reference)


@logs_access("view case", "create case", "create follow_up")
@require_POST
@staff_verified_required
def follow_up_schedule(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = FollowUpAddForm(request.POST, prefix="add")
    if not form.is_valid():
        page = follow_ups_page_for_user(user=user, reference=reference)
        return _render(request, page, bound=form, status=400)
    try:
        follow_up_add(user=user, reference=reference, due_on=form.cleaned_data["due_on"])
    except FollowUpRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The follow-up is scheduled."))
    return _follow_ups_page(reference)


@logs_access("view case", "update case")
@require_POST
@staff_verified_required
def follow_up_move(request: HttpRequest, reference: str) -> HttpResponse:
    """Start the follow-up stage, or close the case with an outcome (coordinators)."""
    user: User = request.user  # type: ignore[assignment]
    target = request.POST.get("target", "")
    outcome = ""
    if target == Status.CLOSED:
        form = CloseCaseForm(request.POST, prefix="close")
        if not form.is_valid():
            page = follow_ups_page_for_user(user=user, reference=reference)
            return _render(request, page, bound=form, status=400)
        outcome = form.cleaned_data["outcome"]
    elif target != Status.FOLLOW_UP:
        # Only these two moves start here; the case page offers the others.
        target = ""
    try:
        event = case_transition(user=user, reference=reference, target=target, outcome=outcome)
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Done: the case is now “%(status)s”.") % {"status": event.get_to_status_display()},
        )
    return _follow_ups_page(reference)


@logs_access("list follow_up")
@require_GET
@staff_verified_required
def follow_ups_overdue(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    per_page = _positive_int(request.GET.get("per_page"), PAGE_SIZE, MAX_PAGE_SIZE)
    follow_ups = follow_ups_overdue_for_user(user=user)
    # LazyPaginator fetches one row more than a page instead of COUNTing the table.
    paginator = LazyPaginator(follow_ups, per_page)
    try:
        page = paginator.page(_positive_int(request.GET.get("page"), 1, 10_000))
    except InvalidPage:
        page = paginator.page(1)
    return render(
        request,
        "cases/follow_ups/overdue.html",
        {"page": page, "rows": overdue_rows(page.object_list), "per_page": per_page},
    )
