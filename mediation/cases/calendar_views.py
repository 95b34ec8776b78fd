"""A mediator's own calendar: upcoming sessions, the feed address, and the feed itself.

The feed is fetched by calendar apps without a session: the token in its
address is the only credential, so it is long, random, stored hashed,
revocable, and the feed shows nothing a stranger holding it could misuse.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST
from django_tables2.paginators import LazyPaginator

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.cases.calendar_selectors import (
    booking_rows,
    calendar_feed,
    calendar_feed_since,
    my_upcoming_sessions,
)
from mediation.cases.calendar_services import calendar_feed_create, calendar_feed_revoke

PAGE_SIZE = 25


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


@logs_access("list case", "list calendar_feed")
@require_GET
@staff_verified_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    bookings = my_upcoming_sessions(user=user)
    # LazyPaginator fetches one row more than a page instead of counting.
    paginator = LazyPaginator(bookings, PAGE_SIZE)
    try:
        page = paginator.page(_page_number(request.GET.get("page")))
    except InvalidPage:
        page = paginator.page(1)
    return render(
        request,
        "cases/calendar/my_sessions.html",
        {
            "page": page,
            "rows": booking_rows(page.object_list),
            "feed_since": calendar_feed_since(user=user),
        },
    )


@logs_access("create calendar_feed", "delete calendar_feed")
@require_POST
@staff_verified_required
def feed_create(request: HttpRequest) -> HttpResponse:
    token = calendar_feed_create(user=cast(User, request.user))
    feed_url = request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": token}))
    # Shown once, on this response only (never stored, never redirected through).
    return render(request, "cases/calendar/feed_created.html", {"feed_url": feed_url})


@logs_access("delete calendar_feed")
@require_POST
@staff_verified_required
def feed_revoke(request: HttpRequest) -> HttpResponse:
    if calendar_feed_revoke(user=cast(User, request.user)):
        messages.success(request, gettext("Your calendar feed address no longer works."))
    return redirect("calendar:mine")


@logs_access("export calendar_feed")
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    content = calendar_feed(token=token)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
