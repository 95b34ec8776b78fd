"""Arranging sessions: schedule, change, cancel, record attendance. Every write is here.

Who: the coordinators of the case's community and its active mediators
(``case_in_scope``). Each change runs in one transaction with its timeline
event and its access event. The place or link is encrypted with the case key.

No double booking: every active mediator of the case is booked for the
session (a ``SessionMediator`` row), and a booking that overlaps another
non-cancelled booking of the same mediator is refused. The check takes a lock
on the mediators' user rows first (PostgreSQL; SQLite serialises writers with
IMMEDIATE transactions anyway), so two coordinators booking the same mediator
at the same moment cannot both pass it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    AttendanceChoice,
    Case,
    CaseAssignment,
    EventKind,
    Party,
    PartyDecision,
    ScreeningDecision,
    Session,
    SessionAttendance,
    SessionFormat,
    SessionMediator,
    SessionStatus,
    Status,
)
from mediation.cases.screening_selectors import latest_screening_decisions
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.cases.workflow import timeline_record
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

SESSION_OBJECT_TYPE = "session"
# Longer sessions are refused; it also bounds the overlap search to an index range.
MAX_DURATION = datetime.timedelta(hours=8)
# Sessions are arranged, changed and cancelled while mediation is under way.
ARRANGEABLE = frozenset({Status.ASSIGNED, Status.SESSIONS})
# Attendance may still be written up after the case has moved on, but not once closed.
RECORDABLE = frozenset(
    {Status.ASSIGNED, Status.SESSIONS, Status.AGREEMENT, Status.NO_AGREEMENT, Status.FOLLOW_UP}
)


class SessionRefused(Exception):
    """The change is not possible; ``message`` says why, for the person acting."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


class SessionNotFound(Http404):
    """No such session in this case: a 404, like a case out of scope."""


@dataclass(frozen=True)
class SessionPlan:
    """When, how and where: what a coordinator or mediator fills in."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    format: SessionFormat
    location: str


def _local(moment: datetime.datetime, pattern: str) -> str:
    return date_format(timezone.localtime(moment), pattern)


def _plan_problem(plan: SessionPlan) -> StrPromise | None:
    if plan.ends_at <= plan.starts_at:
        return _("The session must end after it starts.")
    if plan.ends_at - plan.starts_at > MAX_DURATION:
        return _("A session can last 8 hours at most.")
    if plan.starts_at <= timezone.now():
        return _("Choose a time in the future.")
    if plan.format != SessionFormat.PHONE and not plan.location.strip():
        return _("Say where the session is, or the link to join it.")
    return None


def _screening_problem(case: Case, party_count: int, session_format: str) -> StrPromise | None:
    """Return why the safety screening forbids this session, or None.

    The latest screening of each party counts, and the strictest of them wins.
    """
    decisions = latest_screening_decisions(case)
    if ScreeningDecision.NO_MEDIATION in decisions:
        return _("The safety screening found this case unsuitable for mediation sessions.")
    if ScreeningDecision.SHUTTLE in decisions and party_count > 1:
        return _("This case is for separate sessions: invite one party per session.")
    if ScreeningDecision.REMOTE in decisions and session_format == SessionFormat.IN_PERSON:
        return _("This case is for remote sessions: choose online or by phone.")
    return None


def _active_mediator_ids(case: Case) -> list[int]:
    return sorted(
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values_list(
            "mediator_id", flat=True
        )
    )


def _double_booking_problem(
    *,
    mediator_ids: list[int],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    session_id: uuid.UUID | None,
) -> str | None:
    """Return why a mediator cannot be booked at this time (an overlap), or None.

    Touching end to start is not an overlap. The message names the time and
    the mediator, never the other case.
    """
    # Lock the mediators (in id order, so two bookers cannot deadlock) until
    # this transaction ends: a concurrent booking of any of them waits here.
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=mediator_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    overlapping = SessionMediator.objects.filter(
        mediator_id__in=mediator_ids,
        is_cancelled=False,
        # Bookings last MAX_DURATION at most: this bounds the index range scanned.
        starts_at__gt=starts_at - MAX_DURATION,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if session_id is not None:
        overlapping = overlapping.exclude(session_id=session_id)
    clash = (
        overlapping.select_related("mediator")
        .only("starts_at", "ends_at", "mediator__username")
        .order_by("starts_at")
        .first()
    )
    if clash is None:
        return None
    return _(
        "%(mediator)s already has a session on %(date)s from %(start)s to %(end)s. "
        "Choose another time."
    ) % {
        "mediator": clash.mediator.username,
        "date": _local(clash.starts_at, "Y-m-d"),
        "start": _local(clash.starts_at, "H:i"),
        "end": _local(clash.ends_at, "H:i"),
    }


def _book(session: Session, mediator_ids: list[int]) -> None:
    """Make the session's bookings match ``mediator_ids`` and its current time."""
    wanted = set(mediator_ids)
    existing = {booking.mediator_id: booking for booking in session.bookings.all()}
    changed = []
    for mediator_id, booking in existing.items():
        booking.starts_at, booking.ends_at = session.starts_at, session.ends_at
        booking.is_cancelled = (
            mediator_id not in wanted or session.status != SessionStatus.SCHEDULED
        )
        changed.append(booking)
    SessionMediator.objects.bulk_update(changed, ["starts_at", "ends_at", "is_cancelled"])
    SessionMediator.objects.bulk_create(
        SessionMediator(
            session=session,
            mediator_id=mediator_id,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )
        for mediator_id in sorted(wanted - existing.keys())
    )


def _refuse(
    *, user: User, role: ActorRole, case: Case, action: Action, message: StrPromise | str
) -> NoReturn:
    access_event_record_refused(
        actor=Actor.staff(user.pk, role),
        action=action,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )
    raise SessionRefused(message)


def _record(*, user: User, role: ActorRole, case: Case, action: Action) -> None:
    access_event_record(
        actor=Actor.staff(user.pk, role),
        action=action,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )


def _schedule_problem(
    *,
    case: Case,
    plan: SessionPlan,
    mediator_ids: list[int],
    wanted: Collection[uuid.UUID],
    parties: list[uuid.UUID],
) -> StrPromise | str | None:
    if case.status not in ARRANGEABLE:
        return _("Sessions can be arranged once mediators are assigned, until the end.")
    if not wanted or len(parties) != len(set(wanted)):
        return _("Choose who the session is for.")
    if not mediator_ids:
        return _("Assign a mediator to the case first.")
    return (
        _plan_problem(plan)
        or _screening_problem(case, len(parties), plan.format)
        or _double_booking_problem(
            mediator_ids=mediator_ids,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            session_id=None,
        )
    )


def _change_problem(
    *, case: Case, session: Session, plan: SessionPlan, mediator_ids: list[int]
) -> StrPromise | str | None:
    if case.status not in ARRANGEABLE:
        return _("Sessions of this case can no longer be changed.")
    if session.status != SessionStatus.SCHEDULED:
        return _("Only an arranged session can be changed.")
    if not mediator_ids:
        return _("Assign a mediator to the case first.")
    return (
        _plan_problem(plan)
        or _screening_problem(case, session.attendance.count(), plan.format)
        or _double_booking_problem(
            mediator_ids=mediator_ids,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            session_id=session.pk,
        )
    )


def _attendance_problem(
    *,
    case: Case,
    session: Session,
    rows: list[SessionAttendance],
    attendance: Mapping[uuid.UUID, AttendanceChoice],
) -> StrPromise | None:
    allowed = {AttendanceChoice.ATTENDED, AttendanceChoice.ABSENT}
    if case.status not in RECORDABLE:
        return _("Attendance can no longer be recorded for this case.")
    if session.status == SessionStatus.CANCELLED:
        return _("The session was cancelled.")
    if session.starts_at > timezone.now():
        return _("Attendance can be recorded once the session has started.")
    if set(attendance) != {row.party_id for row in rows} or not all(
        value in allowed for value in attendance.values()
    ):
        return _("Say for each party whether they came.")
    return None


def session_of_case(
    *, user: User, case: Case, session_id: uuid.UUID, action: Action, for_update: bool = False
) -> Session:
    """Return the session ``session_id`` of ``case``; otherwise log and raise SessionNotFound."""
    rows = Session.objects.filter(case=case, pk=session_id)
    session = (rows.select_for_update(of=("self",)) if for_update else rows).first()
    if session is None:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=action,
            object_type=SESSION_OBJECT_TYPE,
            object_id=session_id,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
        raise SessionNotFound
    return session


def session_schedule(
    *, user: User, reference: str, plan: SessionPlan, party_ids: Collection[uuid.UUID]
) -> Session:
    """Arrange a session for the given parties of the case and book its active mediators.

    Raise ``CaseNotFound`` when the case is out of scope, ``SessionRefused``
    (logged) when the session cannot be arranged: a double booking, a time in
    the past, parties not of this case, or what the safety screening set.
    """
    action = Action.CREATE
    with transaction.atomic():
        scoped = case_in_scope(user=user, reference=reference, action=action, for_update=True)
        case, role = scoped.case, scoped.role
        parties = list(
            Party.objects.filter(case=case, pk__in=list(party_ids))
            .exclude(decision=PartyDecision.DECLINED)
            .values_list("pk", flat=True)
        )
        mediator_ids = _active_mediator_ids(case)
        problem = _schedule_problem(
            case=case, plan=plan, mediator_ids=mediator_ids, wanted=party_ids, parties=parties
        )
        if problem is not None:
            _refuse(user=user, role=role, case=case, action=action, message=problem)
        session = Session(
            id=uuid.uuid4(),
            case=case,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            format=plan.format,
            created_by=user,
        )
        cipher = CaseCipher.for_data_key(case.data_key)
        fields.encrypt(session, "location", plan.location.strip() or None, cipher)
        session.save(force_insert=True)
        SessionAttendance.objects.bulk_create(
            SessionAttendance(session=session, party_id=party_id) for party_id in sorted(parties)
        )
        _book(session, mediator_ids)
        timeline_record(
            case=case, kind=EventKind.SESSION_SCHEDULED, user=user, subject_id=session.pk
        )
        _record(user=user, role=role, case=case, action=action)
    return session


def session_change(
    *, user: User, reference: str, session_id: uuid.UUID, plan: SessionPlan
) -> Session:
    """Move an arranged session or change where it is; re-check every booking.

    Bumps the session's calendar ``sequence`` so calendars update the event.
    """
    action = Action.UPDATE
    with transaction.atomic():
        scoped = case_in_scope(user=user, reference=reference, action=action, for_update=True)
        case, role = scoped.case, scoped.role
        session = session_of_case(
            user=user, case=case, session_id=session_id, action=action, for_update=True
        )
        mediator_ids = _active_mediator_ids(case)
        problem = _change_problem(case=case, session=session, plan=plan, mediator_ids=mediator_ids)
        if problem is not None:
            _refuse(user=user, role=role, case=case, action=action, message=problem)
        session.starts_at, session.ends_at, session.format = (
            plan.starts_at,
            plan.ends_at,
            plan.format,
        )
        cipher = CaseCipher.for_data_key(case.data_key)
        fields.encrypt(session, "location", plan.location.strip() or None, cipher)
        session.sequence += 1
        session.save(update_fields=["starts_at", "ends_at", "format", "location", "sequence"])
        _book(session, mediator_ids)
        timeline_record(case=case, kind=EventKind.SESSION_CHANGED, user=user, subject_id=session.pk)
        _record(user=user, role=role, case=case, action=action)
    return session


def session_cancel(*, user: User, reference: str, session_id: uuid.UUID) -> Session:
    """Cancel an arranged session: its bookings stop blocking the mediators' time."""
    action = Action.UPDATE
    with transaction.atomic():
        scoped = case_in_scope(user=user, reference=reference, action=action, for_update=True)
        case, role = scoped.case, scoped.role
        session = session_of_case(
            user=user, case=case, session_id=session_id, action=action, for_update=True
        )
        if session.status != SessionStatus.SCHEDULED:
            _refuse(
                user=user,
                role=role,
                case=case,
                action=action,
                message=_("Only an arranged session can be cancelled."),
            )
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence"])
        SessionMediator.objects.filter(session=session).update(is_cancelled=True)
        timeline_record(case=case, kind=EventKind.SESSION_CHANGED, user=user, subject_id=session.pk)
        _record(user=user, role=role, case=case, action=action)
    return session


def session_record_attendance(
    *,
    user: User,
    reference: str,
    session_id: uuid.UUID,
    attendance: Mapping[uuid.UUID, AttendanceChoice],
) -> Session:
    """Record who came to a session that has started, and mark it held.

    ``attendance`` must name every party the session is for, each attended or
    absent. Recording again corrects the earlier record.
    """
    action = Action.UPDATE
    with transaction.atomic():
        scoped = case_in_scope(user=user, reference=reference, action=action, for_update=True)
        case, role = scoped.case, scoped.role
        session = session_of_case(
            user=user, case=case, session_id=session_id, action=action, for_update=True
        )
        rows = list(SessionAttendance.objects.filter(session=session))
        problem = _attendance_problem(case=case, session=session, rows=rows, attendance=attendance)
        if problem is not None:
            _refuse(user=user, role=role, case=case, action=action, message=problem)
        for row in rows:
            row.attendance = attendance[row.party_id]
        SessionAttendance.objects.bulk_update(rows, ["attendance"])
        if session.status != SessionStatus.HELD:
            session.status = SessionStatus.HELD
            session.save(update_fields=["status"])
        timeline_record(
            case=case, kind=EventKind.SESSION_RECORDED, user=user, subject_id=session.pk
        )
        _record(user=user, role=role, case=case, action=action)
    return session


def session_bookings_release(*, case: Case, mediator_id: int) -> int:
    """Cancel a mediator's bookings for the case's sessions still to come; return how many.

    For the service that takes a mediator off a case (or deactivates them):
    call it inside that service's transaction, which writes the timeline and
    access events. Sessions that already started keep their booking as history.
    """
    return SessionMediator.objects.filter(
        session__case=case,
        mediator_id=mediator_id,
        is_cancelled=False,
        starts_at__gt=timezone.now(),
    ).update(is_cancelled=True)
