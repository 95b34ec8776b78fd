"""Unusual patterns in the access log, counted with a few GROUP BY queries over a window.

Each function takes the events already narrowed to a reviewer's scope and a
time window (``review.events_for_review``), so every query is bounded by the
time indexes, and returns only the groups over a threshold: plain ids and
counts. What they mean and why these thresholds is in decision 0015.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour

from mediation.audit.models import AccessEvent, Action, ActorType, Outcome

CASE = "case"


@dataclass(frozen=True)
class Thresholds:
    """The counts in one window at which a pattern is flagged (decision 0015)."""

    break_glass_cases: int = 3
    refused_case_views: int = 5
    cases_viewed: int = 100
    quiet_hour_events: int = 1
    failed_status_checks: int = 10
    failed_checks_from_client: int = 20


@dataclass(frozen=True)
class StaffCaseViews:
    """One staff member's views of cases in the window, where any count is over its threshold."""

    actor_id: str
    break_glass_cases: int
    refused_views: int
    cases_viewed: int


@dataclass(frozen=True)
class QuietHourActivity:
    actor_id: str
    events: int
    first: datetime.datetime
    last: datetime.datetime


@dataclass(frozen=True)
class FailedStatusChecks:
    case_id: str
    attempts: int
    first: datetime.datetime
    last: datetime.datetime


@dataclass(frozen=True)
class FailedChecksFromClient:
    client: str
    attempts: int
    cases: int
    first: datetime.datetime
    last: datetime.datetime


@dataclass(frozen=True)
class StaffActivity:
    staff_case_views: list[StaffCaseViews]
    quiet_hour_activity: list[QuietHourActivity]


def staff_activity(
    events: QuerySet[AccessEvent],
    thresholds: Thresholds,
    *,
    quiet_hours: tuple[int, int],
    zone: ZoneInfo,
) -> StaffActivity:
    """Return staff over a threshold for case views or for activity in the quiet hours.

    Case views: staff who viewed many cases under break-glass, were refused
    many case views, or viewed many cases at all. Break-glass and refused
    views are the ones beyond a person's assignments and communities: a
    successful view without break-glass is in scope by construction (the
    selectors refuse the rest). Quiet hours are local (``zone``), start to end,
    and may wrap midnight: (22, 6) is 22:00 to 05:59.

    One query for both, grouped by staff member: it reads the window once.
    """
    start, end = quiet_hours
    case_view = Q(object_type=CASE, action=Action.VIEW)
    in_quiet = (
        Q(local_hour__gte=start, local_hour__lt=end)
        if start < end
        else Q(local_hour__gte=start) | Q(local_hour__lt=end)
    )
    rows = (
        events.filter(actor_type=ActorType.STAFF)
        .alias(local_hour=ExtractHour("occurred_at", tzinfo=zone))
        .values("actor_id")
        .annotate(
            break_glass_cases=Count(
                "object_id", distinct=True, filter=case_view & Q(break_glass_id__isnull=False)
            ),
            refused_views=Count("id", filter=case_view & ~Q(outcome=Outcome.SUCCESS)),
            cases_viewed=Count(
                "object_id", distinct=True, filter=case_view & Q(outcome=Outcome.SUCCESS)
            ),
            quiet_events=Count("id", filter=in_quiet),
            quiet_first=Min("occurred_at", filter=in_quiet),
            quiet_last=Max("occurred_at", filter=in_quiet),
        )
        .filter(
            Q(break_glass_cases__gte=thresholds.break_glass_cases)
            | Q(refused_views__gte=thresholds.refused_case_views)
            | Q(cases_viewed__gte=thresholds.cases_viewed)
            | Q(quiet_events__gte=thresholds.quiet_hour_events)
        )
    )
    views, quiet = [], []
    for row in rows:
        if (
            row["break_glass_cases"] >= thresholds.break_glass_cases
            or row["refused_views"] >= thresholds.refused_case_views
            or row["cases_viewed"] >= thresholds.cases_viewed
        ):
            views.append(
                StaffCaseViews(
                    actor_id=row["actor_id"],
                    break_glass_cases=row["break_glass_cases"],
                    refused_views=row["refused_views"],
                    cases_viewed=row["cases_viewed"],
                )
            )
        if row["quiet_events"] >= thresholds.quiet_hour_events:
            quiet.append(
                QuietHourActivity(
                    actor_id=row["actor_id"],
                    events=row["quiet_events"],
                    first=row["quiet_first"],
                    last=row["quiet_last"],
                )
            )
    views.sort(key=lambda v: (-v.break_glass_cases, -v.refused_views, -v.cases_viewed, v.actor_id))
    quiet.sort(key=lambda q: (-q.events, q.actor_id))
    return StaffActivity(staff_case_views=views, quiet_hour_activity=quiet)


def failed_status_checks(
    events: QuerySet[AccessEvent], thresholds: Thresholds
) -> list[FailedStatusChecks]:
    """Return cases on which the public made many refused or failed attempts (wrong codes)."""
    rows = (
        # The public has no id (actor_id ""): saying so lets the query range
        # over the (actor_type, actor_id, occurred_at) index.
        events.filter(actor_type=ActorType.ANONYMOUS, actor_id="", object_type=CASE)
        .exclude(outcome=Outcome.SUCCESS)
        .exclude(object_id="")
        .values("object_id")
        .annotate(attempts=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .filter(attempts__gte=thresholds.failed_status_checks)
        .order_by("-attempts", "object_id")
    )
    return [
        FailedStatusChecks(
            case_id=row["object_id"], attempts=row["attempts"], first=row["first"], last=row["last"]
        )
        for row in rows
    ]


def failed_checks_by_client(
    events: QuerySet[AccessEvent], thresholds: Thresholds
) -> list[FailedChecksFromClient]:
    """Return client markers from which the public made many refused or failed attempts.

    The per-case flag misses someone trying many references a few times each;
    the client marker (new every day, decision 0017) groups their attempts
    without keeping any address.
    """
    rows = (
        events.filter(actor_type=ActorType.ANONYMOUS, actor_id="", object_type=CASE)
        .exclude(outcome=Outcome.SUCCESS)
        .exclude(client="")
        .values("client")
        .annotate(
            attempts=Count("id"),
            cases=Count("object_id", distinct=True, filter=~Q(object_id="")),
            first=Min("occurred_at"),
            last=Max("occurred_at"),
        )
        .filter(attempts__gte=thresholds.failed_checks_from_client)
        .order_by("-attempts", "client")
    )
    return [
        FailedChecksFromClient(
            client=row["client"],
            attempts=row["attempts"],
            cases=row["cases"],
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]
