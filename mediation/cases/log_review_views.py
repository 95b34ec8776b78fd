"""The privacy officer's access log pages: the filtered log, its unusual patterns, its CSV.

Everyone but a privacy officer gets a 404 (and a refused event). The pages
work without JavaScript: the filters are a GET form, pages are links.
"""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.audit.models import Action
from mediation.cases.log_review import (
    EXPORT_ROW_CAP,
    FLAG_MAX_DAYS,
    MAX_DAYS,
    LogQueryError,
    LogReviewNotAvailable,
    access_log_export,
    access_log_flags,
    access_log_review,
    reviewer_communities,
)
from mediation.cases.log_review_forms import FlagWindowForm, LogFilterForm

CURSORS = ("older", "newer")


def _filters(data: object) -> str:
    """Return the filters in ``data`` (a QueryDict) as a query string, without cursors or token."""
    query = data.copy()  # type: ignore[attr-defined]
    for name in (*CURSORS, "csrfmiddlewaretoken"):
        query.pop(name, None)
    return str(query.urlencode())


@logs_access("list access_log")
@require_GET
@staff_verified_required
def log_events(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = LogFilterForm(request.GET)
    review = None
    try:
        if not form.is_valid():
            reviewer_communities(user=user)
        else:
            try:
                review = access_log_review(
                    user=user,
                    query=form.query(),
                    older_than=request.GET.get("older"),
                    newer_than=request.GET.get("newer"),
                    size=form.cleaned_data["per_page"],
                )
            except LogQueryError as error:
                form.add_error(error.field, error.message)
    except LogReviewNotAvailable:
        raise Http404 from None
    filters = _filters(request.GET)
    return render(
        request,
        "log_review/events.html",
        {
            "form": form,
            "review": review,
            "filters": filters,
            "filtered": bool(filters),
            "export_fields": [
                (name, value)
                for name, value in request.GET.items()
                if name in form.fields and value
            ],
            "max_days": MAX_DAYS,
            "export_cap": EXPORT_ROW_CAP,
        },
        status=400 if form.errors else 200,
    )


@logs_access("list access_log")
@require_GET
@staff_verified_required
def log_flags(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = FlagWindowForm(request.GET)
    report = None
    try:
        if not form.is_valid():
            reviewer_communities(user=user)
        else:
            try:
                report = access_log_flags(
                    user=user,
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                )
            except LogQueryError as error:
                form.add_error(error.field, error.message)
    except LogReviewNotAvailable:
        raise Http404 from None
    return render(
        request,
        "log_review/flags.html",
        {"form": form, "report": report, "max_days": FLAG_MAX_DAYS},
        status=400 if form.errors else 200,
    )


@logs_access("export access_log")
@require_POST
@staff_verified_required
def log_export(request: HttpRequest) -> HttpResponse:
    """Stream the filtered log as CSV (a POST: an export is a logged act, never a link)."""
    user: User = request.user  # type: ignore[assignment]
    form = LogFilterForm(request.POST)
    back = HttpResponseRedirect(f"{reverse('log_review:events')}?{_filters(request.POST)}")
    try:
        if not form.is_valid():
            reviewer_communities(user=user, action=Action.EXPORT)
            return back
        try:
            window, lines = access_log_export(user=user, query=form.query())
        except LogQueryError:
            # The log page shows what is wrong with the filters.
            return back
    except LogReviewNotAvailable:
        raise Http404 from None
    first = window.first_day.isoformat() if window.first_day else "start"
    last = window.last_day.isoformat() if window.last_day else "now"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{first}-{last}.csv"'
    # staff_verified_required is typed for HttpResponse; Django serves both alike.
    return response  # type: ignore[return-value]
