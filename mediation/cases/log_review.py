"""The privacy officer's review of the access log: who may, what they see, and its logging.

The log itself is read through ``audit.review`` and ``audit.flags``, in plain
ids; this module turns what a reviewer types (a username, a case reference,
dates) into those ids, decides the reviewer's scope, and records each
reading, flag report and export as an access event of its own. It lives in
``cases`` because resolving a case reference needs the cases, and the audit
app may not import them (docs/architecture.md). Decision 0015.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import Role, RoleAssignment, User
from mediation.accounts.selectors import staff_scope
from mediation.accounts.services import STAFF_SESSION, STAFF_USER
from mediation.audit import flags
from mediation.audit.actors import Actor
from mediation.audit.export import csv_lines
from mediation.audit.models import AccessEvent, Action, ActorRole, ActorType, BreakGlassAccess
from mediation.audit.models import Purpose as LogPurpose
from mediation.audit.review import (
    Cursor,
    LogFilter,
    ObjectSet,
    ReviewScope,
    events_for_review,
    events_page,
)
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases import log_review_rows as rows
from mediation.cases.agreement_selectors import AGREEMENT_COPY
from mediation.cases.agreement_services import AGREEMENT
from mediation.cases.break_glass import OBJECT_TYPE as BREAK_GLASS
from mediation.cases.follow_up_services import FOLLOW_UP
from mediation.cases.models import (
    Agreement,
    AgreementCopy,
    Case,
    FollowUp,
    SafetyScreening,
    Session,
)
from mediation.cases.models.referrals import Referral
from mediation.cases.references import normalise
from mediation.cases.referral_services import REFERRAL_OBJECT_TYPE
from mediation.cases.screening_selectors import SCREENING_OBJECT_TYPE
from mediation.cases.selectors import OBJECT_TYPE as CASE
from mediation.cases.session_services import SESSION_OBJECT_TYPE

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

LOG_OBJECT_TYPE = "access_log"
PAGE_SIZE = 50
PAGE_SIZES = (25, 50, 100, 200)
# Without dates the page shows the last month; a case's history is short, so
# a search by reference alone covers all of it.
DEFAULT_DAYS = 30
MAX_DAYS = 366
FLAG_DEFAULT_DAYS = 7
FLAG_MAX_DAYS = 31
# An export holds at most this many events, the newest first (decision 0015).
EXPORT_ROW_CAP = 100_000
EXPORT_CHUNK = 2_000

END_BEFORE_START = _("The end date must be the same as or after the start date.")


class LogReviewNotAvailable(Exception):
    """The user reviews no community's log (the page answers 404)."""


class LogQueryError(Exception):
    """A filter cannot be used as given; ``field`` names the form field."""

    def __init__(self, field: str, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LogQuery:
    """The filters in a reviewer's terms: a username, a case reference, local dates."""

    username: str = ""
    actor_type: str = ""
    reference: str = ""
    action: str = ""
    outcome: str = ""
    purpose: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    break_glass_only: bool = False


@dataclass(frozen=True)
class Window:
    """Local dates, both included; None on both sides means all time."""

    first_day: datetime.date | None
    last_day: datetime.date | None

    @property
    def since(self) -> datetime.datetime | None:
        return _day_start(self.first_day) if self.first_day else None

    @property
    def until(self) -> datetime.datetime | None:
        return _day_start(self.last_day + datetime.timedelta(days=1)) if self.last_day else None


def _zone() -> ZoneInfo:
    zone = timezone.get_default_timezone()
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(settings.TIME_ZONE)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_zone())


def log_window(
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    *,
    default_days: int,
    max_days: int,
    all_time: bool = False,
) -> Window:
    """Return the window the dates ask for, with defaults; raise LogQueryError if too wide."""
    if date_from is None and date_to is None and all_time:
        return Window(None, None)
    today = timezone.localdate()
    last = date_to or max(today, date_from or today)
    first = date_from or last - datetime.timedelta(days=default_days - 1)
    if first > last:
        raise LogQueryError("date_to", END_BEFORE_START)
    if (last - first).days + 1 > max_days:
        raise LogQueryError(
            "date_from", _("Choose dates at most %(days)d days apart.") % {"days": max_days}
        )
    return Window(first, last)


# ---- scope -----------------------------------------------------------------


def reviewer_communities(*, user: User, action: Action = Action.LIST) -> frozenset[int]:
    """Return the communities whose log ``user`` reviews; refuse (logged) anyone else."""
    communities = staff_scope(user=user).privacy_officer_of
    if not communities:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=action,
            object_type=LOG_OBJECT_TYPE,
            object_id=None,
            purpose=LogPurpose.REVIEW,
        )
        raise LogReviewNotAvailable
    return communities


def review_scope(*, user: User, action: Action = Action.LIST) -> ReviewScope:
    """Return what ``user`` may review (ReviewScope says what that is); refuse anyone else."""
    communities = reviewer_communities(user=user, action=action)
    staff = (
        RoleAssignment.objects.filter(Q(community_id__in=communities) | Q(role=Role.ADMINISTRATOR))
        .values_list("user_id", flat=True)
        .distinct()
    )
    return ReviewScope(
        community_ids=communities,
        staff_ids=frozenset(str(user_id) for user_id in staff),
        staff_object_types=frozenset({STAFF_USER, STAFF_SESSION}),
    )


def _record(user: User, action: Action) -> None:
    with transaction.atomic():
        access_event_record(
            actor=Actor.staff(user.pk, ActorRole.PRIVACY_OFFICER),
            action=action,
            object_type=LOG_OBJECT_TYPE,
            object_id=None,
            purpose=LogPurpose.REVIEW,
        )


# ---- filters ---------------------------------------------------------------


def _case_objects(case_id: uuid.UUID) -> tuple[ObjectSet, ...]:
    """Return the case and its parts that events name by their own ids, in one query."""
    parts: list[tuple[str, QuerySet[Any]]] = [
        (SCREENING_OBJECT_TYPE, SafetyScreening.objects.filter(case_id=case_id)),
        (SESSION_OBJECT_TYPE, Session.objects.filter(case_id=case_id)),
        (AGREEMENT, Agreement.objects.filter(case_id=case_id)),
        (AGREEMENT_COPY, AgreementCopy.objects.filter(agreement__case_id=case_id)),
        (REFERRAL_OBJECT_TYPE, Referral.objects.filter(case_id=case_id)),
        (FOLLOW_UP, FollowUp.objects.filter(case_id=case_id)),
        (BREAK_GLASS, BreakGlassAccess.objects.filter(case_id=case_id)),
    ]
    first, *others = (
        queryset.annotate(kind=Value(kind)).values_list("kind", "pk").order_by()
        for kind, queryset in parts
    )
    by_type: dict[str, list[str]] = {CASE: [str(case_id)]}
    for kind, pk in first.union(*others, all=True):
        by_type.setdefault(kind, []).append(str(pk))
    return tuple(ObjectSet(kind, tuple(ids)) for kind, ids in by_type.items())


def log_filter_for(*, scope: ReviewScope, query: LogQuery, window: Window) -> LogFilter:
    """Return the filter ``query`` asks for, in ids; raise LogQueryError for what cannot be."""
    actor_type, actor_id = query.actor_type, ""
    if query.username:
        if actor_type not in ("", ActorType.STAFF):
            raise LogQueryError("actor_type", _("A username finds staff members: choose Staff."))
        user_id = User.objects.filter(username=query.username).values_list("pk", flat=True).first()
        if user_id is None:
            raise LogQueryError("username", _("No staff member has that username."))
        actor_type, actor_id = ActorType.STAFF, str(user_id)
    objects: tuple[ObjectSet, ...] = ()
    if query.reference:
        canonical = normalise(query.reference)
        if canonical is None:
            raise LogQueryError(
                "reference",
                _("Check the case reference: ten letters and digits, like ABCDE-FGHJK."),
            )
        case_id = (
            Case.objects.filter(reference=canonical, community_id__in=scope.community_ids)
            .values_list("pk", flat=True)
            .first()
        )
        if case_id is None:
            raise LogQueryError("reference", _("No case in your communities has that reference."))
        objects = _case_objects(case_id)
    return LogFilter(
        actor_type=actor_type,
        actor_id=actor_id,
        objects=objects,
        action=query.action,
        outcome=query.outcome,
        purpose=query.purpose,
        since=window.since,
        until=window.until,
        break_glass_only=query.break_glass_only,
    )


def query_window(query: LogQuery) -> Window:
    return log_window(
        query.date_from,
        query.date_to,
        default_days=DEFAULT_DAYS,
        max_days=MAX_DAYS,
        all_time=bool(query.reference),
    )


# ---- the review page -------------------------------------------------------


@dataclass(frozen=True)
class LogReview:
    rows: list[rows.EventRow]
    window: Window
    newer: str | None
    older: str | None


def access_log_review(
    *,
    user: User,
    query: LogQuery,
    older_than: str | None = None,
    newer_than: str | None = None,
    size: int = PAGE_SIZE,
) -> LogReview:
    """Return one page of the events ``user`` may review that match ``query``; log the reading.

    Raises LogReviewNotAvailable for anyone but a privacy officer, and
    LogQueryError for a filter that names nothing in their scope.
    """
    scope = review_scope(user=user)
    window = query_window(query)
    log_filter = log_filter_for(scope=scope, query=query, window=window)
    page = events_page(
        events_for_review(scope=scope, log_filter=log_filter),
        size=size if size in PAGE_SIZES else PAGE_SIZE,
        older_than=Cursor.decode(older_than),
        newer_than=Cursor.decode(newer_than),
    )
    _record(user, Action.LIST)
    return LogReview(
        rows=rows.event_rows(page.events, community_ids=scope.community_ids),
        window=window,
        newer=page.newer.encode() if page.newer else None,
        older=page.older.encode() if page.older else None,
    )


# ---- unusual patterns ------------------------------------------------------


def quiet_hours() -> tuple[int, int]:
    start, end = settings.MEDIATION_REVIEW_QUIET_HOURS
    return int(start), int(end)


@dataclass(frozen=True)
class FlagReport:
    window: Window
    quiet_hours: tuple[int, int]
    thresholds: flags.Thresholds
    staff_case_views: list[rows.StaffCaseViewsRow]
    quiet_hour_activity: list[rows.QuietHourRow]
    failed_status_checks: list[rows.FailedChecksRow]
    failed_checks_by_client: list[flags.FailedChecksFromClient]


def access_log_flags(
    *,
    user: User,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    thresholds: flags.Thresholds | None = None,
) -> FlagReport:
    """Return the unusual patterns in ``user``'s scope over a window (a week by default)."""
    scope = review_scope(user=user)
    window = log_window(date_from, date_to, default_days=FLAG_DEFAULT_DAYS, max_days=FLAG_MAX_DAYS)
    thresholds = thresholds or flags.Thresholds()
    events = events_for_review(
        scope=scope, log_filter=LogFilter(since=window.since, until=window.until)
    )
    hours = quiet_hours()
    staff = flags.staff_activity(events, thresholds, quiet_hours=hours, zone=_zone())
    checks = flags.failed_status_checks(events, thresholds)
    by_client = flags.failed_checks_by_client(events, thresholds)
    _record(user, Action.LIST)
    built = rows.flag_rows(
        staff_views=staff.staff_case_views,
        quiet=staff.quiet_hour_activity,
        checks=checks,
        window=rows.window_query(window),
    )
    return FlagReport(
        window=window,
        quiet_hours=hours,
        thresholds=thresholds,
        staff_case_views=built.staff_case_views,
        quiet_hour_activity=built.quiet_hour_activity,
        failed_status_checks=built.failed_status_checks,
        failed_checks_by_client=by_client,
    )


# ---- export ----------------------------------------------------------------


def access_log_export(*, user: User, query: LogQuery) -> tuple[Window, Iterator[str]]:
    """Record the export, then return the window and the CSV lines of the matching events.

    At most EXPORT_ROW_CAP events, the newest first. The export is logged
    before a line is produced, so an export cut short is still on record.
    """
    scope = review_scope(user=user, action=Action.EXPORT)
    window = query_window(query)
    log_filter = log_filter_for(scope=scope, query=query, window=window)
    events = events_for_review(scope=scope, log_filter=log_filter).order_by("-occurred_at", "-id")[
        :EXPORT_ROW_CAP
    ]
    _record(user, Action.EXPORT)
    return window, csv_lines(rows.EXPORT_HEADER, _export_rows(events))


def _export_rows(events: QuerySet[AccessEvent]) -> Iterator[list[object]]:
    chunk: list[AccessEvent] = []
    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(event)
        if len(chunk) == EXPORT_CHUNK:
            yield from rows.export_rows(chunk)
            chunk = []
    if chunk:
        yield from rows.export_rows(chunk)
