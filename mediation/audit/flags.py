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


def staff_case_views(events: QuerySet[AccessEvent], thresholds: Thresholds) -> list[StaffCaseViews]:
    """Return staff who viewed many cases, under break-glass or refused, or many cases at all.

    Break-glass and refused views are the ones beyond a person's assignments
    and communities: a successful view without break-glass is in scope by
    construction (the selectors refuse the rest).
    """
    rows = (
        events.filter(actor_type=ActorType.STAFF, object_type=CASE, action=Action.VIEW)
        .values("actor_id")
        .annotate(
            break_glass_cases=Count(
                "object_id", distinct=True, filter=Q(break_glass_id__isnull=False)
            ),
            refused_views=Count("id", filter=~Q(outcome=Outcome.SUCCESS)),
            cases_viewed=Count("object_id", distinct=True, filter=Q(outcome=Outcome.SUCCESS)),
        )
        .filter(
            Q(break_glass_cases__gte=thresholds.break_glass_cases)
            | Q(refused_views__gte=thresholds.refused_case_views)
            | Q(cases_viewed__gte=thresholds.cases_viewed)
        )
        .order_by("-break_glass_cases", "-refused_views", "-cases_viewed", "actor_id")
    )
    return [StaffCaseViews(**row) for row in rows]


def quiet_hour_activity(
    events: QuerySet[AccessEvent],
    thresholds: Thresholds,
    *,
    quiet_hours: tuple[int, int],
    zone: ZoneInfo,
) -> list[QuietHourActivity]:
    """Return staff with events in the quiet hours (local time, ``start`` to ``end``).

    The hours may wrap midnight: (22, 6) is 22:00 to 05:59.
    """
    start, end = quiet_hours
    hour = ExtractHour("occurred_at", tzinfo=zone)
    in_quiet = (
        Q(local_hour__gte=start, local_hour__lt=end)
        if start < end
        else Q(local_hour__gte=start) | Q(local_hour__lt=end)
    )
    rows = (
        events.filter(actor_type=ActorType.STAFF)
        .alias(local_hour=hour)
        .filter(in_quiet)
        .values("actor_id")
        .annotate(events=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .filter(events__gte=thresholds.quiet_hour_events)
        .order_by("-events", "actor_id")
    )
    return [QuietHourActivity(**row) for row in rows]


def failed_status_checks(
    events: QuerySet[AccessEvent], thresholds: Thresholds
) -> list[FailedStatusChecks]:
    """Return cases on which the public made many refused or failed attempts (wrong codes)."""
    rows = (
        events.filter(actor_type=ActorType.ANONYMOUS, object_type=CASE)
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
