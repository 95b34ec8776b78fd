"""Reads of sessions: for the case's staff (scoped, decrypted, logged) and for one party.

Staff see every session of a case in their scope, with its place or link;
reading it writes one access event for the case. A party sees only the
sessions they are invited to, never the other party's separate sessions.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.calendar import CalendarEvent, calendar_bytes
from mediation.cases.models import (
    AttendanceChoice,
    Case,
    Party,
    PartyDecision,
    PartyRole,
    Session,
    SessionAttendance,
    SessionFormat,
    SessionMediator,
    SessionStatus,
)
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.cases.session_services import ARRANGEABLE, SessionNotFound, session_of_case
from mediation.compiled import CompiledQuery
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher


@dataclass(frozen=True)
class Invitee:
    """A party a session is for, named by role only, and whether they came."""

    party_id: uuid.UUID
    role: str
    attendance: str
    attendance_label: str


@dataclass(frozen=True)
class SessionLine:
    id: uuid.UUID
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    format: str
    format_label: str
    status: str
    status_label: str
    location: str
    invitees: list[Invitee]
    mediators: list[str]

    @property
    def is_arranged(self) -> bool:
        return self.status == SessionStatus.SCHEDULED


@dataclass(frozen=True)
class CaseSessions:
    case: Case
    role: ActorRole
    sessions: list[SessionLine]
    can_arrange: bool


@dataclass(frozen=True)
class _Labels:
    """Choice labels, made once per page: get_FOO_display() rebuilds the map on every call."""

    formats: dict[str, str]
    statuses: dict[str, str]
    roles: dict[str, str]
    attendances: dict[str, str]

    @classmethod
    def build(cls) -> _Labels:
        def labels(choices: Sequence[tuple[str, object]]) -> dict[str, str]:
            return {value: str(label) for value, label in choices}

        return cls(
            formats=labels(SessionFormat.choices),
            statuses=labels(SessionStatus.choices),
            roles=labels(PartyRole.choices),
            attendances=labels(AttendanceChoice.choices),
        )


def _sessions_of(case: Case, session_id: uuid.UUID | None = None) -> list[Session]:
    attendance = Prefetch(
        "attendance",
        queryset=SessionAttendance.objects.select_related("party")
        .only("id", "session_id", "attendance", "party__id", "party__role")
        .order_by("-party__role", "party__created_at"),  # the requester first
    )
    bookings = Prefetch(
        "bookings",
        queryset=SessionMediator.objects.filter(is_cancelled=False)
        .select_related("mediator")
        .only("id", "session_id", "mediator__username")
        .order_by("mediator__username"),
    )
    rows = Session.objects.filter(case=case)
    if session_id is not None:
        rows = rows.filter(pk=session_id)
    return list(rows.prefetch_related(attendance, bookings).order_by("starts_at", "id"))


def _line(session: Session, cipher: CaseCipher, labels: _Labels) -> SessionLine:
    return SessionLine(
        id=session.pk,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        format=session.format,
        format_label=labels.formats.get(session.format, session.format),
        status=session.status,
        status_label=labels.statuses.get(session.status, session.status),
        location=fields.decrypt(session, "location", cipher) or "",
        invitees=[
            Invitee(
                party_id=row.party_id,
                role=labels.roles.get(row.party.role, row.party.role),
                attendance=row.attendance,
                attendance_label=labels.attendances.get(row.attendance, row.attendance),
            )
            for row in session.attendance.all()
        ],
        mediators=[booking.mediator.username for booking in session.bookings.all()],
    )


def _record_view(*, user: User, role: ActorRole, case: Case, action: Action) -> None:
    access_event_record(
        actor=Actor.staff(user.pk, role),
        action=action,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )


def sessions_for_case(*, user: User, reference: str) -> CaseSessions:
    """Return the case's sessions with their places, decrypted, and log the view.

    Raise ``CaseNotFound`` (logged) when the case is out of ``user``'s scope.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    case = scoped.case
    cipher = CaseCipher.for_data_key(case.data_key)
    sessions = _sessions_of(case)
    labels = _Labels.build()
    _record_view(user=user, role=scoped.role, case=case, action=Action.VIEW)
    return CaseSessions(
        case=case,
        role=scoped.role,
        sessions=[_line(session, cipher, labels) for session in sessions],
        can_arrange=case.status in ARRANGEABLE,
    )


@dataclass(frozen=True)
class SessionDetail:
    case: Case
    role: ActorRole
    session: SessionLine


def session_for_staff(*, user: User, reference: str, session_id: uuid.UUID) -> SessionDetail:
    """Return one session of the case, decrypted, and log the view.

    Raise ``CaseNotFound`` or ``SessionNotFound`` (both logged, both a 404).
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    case = scoped.case
    found = _sessions_of(case, session_id)
    if not found:
        # Logs the refused attempt and raises SessionNotFound.
        session_of_case(user=user, case=case, session_id=session_id, action=Action.VIEW)
        raise SessionNotFound
    cipher = CaseCipher.for_data_key(case.data_key)
    line = _line(found[0], cipher, _Labels.build())
    _record_view(user=user, role=scoped.role, case=case, action=Action.VIEW)
    return SessionDetail(case=case, role=scoped.role, session=line)


@dataclass(frozen=True)
class SessionFile:
    filename: str
    content: bytes


def session_calendar_file(*, user: User, reference: str, session_id: uuid.UUID) -> SessionFile:
    """Return the session as an iCalendar file, with its place or link, and log the download.

    The place is in this file only because the person downloading works on the
    case; the mediators' subscribed feeds never carry it.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.DOWNLOAD)
    case = scoped.case
    session = session_of_case(user=user, case=case, session_id=session_id, action=Action.DOWNLOAD)
    cipher = CaseCipher.for_data_key(case.data_key)
    event = CalendarEvent(
        session_id=session.pk,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        sequence=session.sequence,
        summary=gettext("Mediation session %(reference)s") % {"reference": case.display_reference},
        location=fields.decrypt(session, "location", cipher) or "",
        cancelled=session.status == SessionStatus.CANCELLED,
    )
    _record_view(user=user, role=scoped.role, case=case, action=Action.DOWNLOAD)
    return SessionFile(
        filename=f"session-{session.starts_at:%Y%m%d}.ics", content=calendar_bytes([event])
    )


@dataclass(frozen=True)
class PartyChoice:
    party_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class SessionFormContext:
    case: Case
    role: ActorRole
    parties: list[PartyChoice]


def session_form_context(*, user: User, reference: str) -> SessionFormContext:
    """Return what the new-session form offers: the case and its parties, by role only.

    Shows no personal data (parties are named by role), so writes no access event.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    roles = dict(PartyRole.choices)
    parties = (
        Party.objects.filter(case=scoped.case)
        .exclude(decision=PartyDecision.DECLINED)
        .only("id", "role")
        .order_by("-role", "created_at")  # the requester first
    )
    return SessionFormContext(
        case=scoped.case,
        role=scoped.role,
        parties=[PartyChoice(party_id=p.pk, role=str(roles[p.role])) for p in parties],
    )


@dataclass(frozen=True)
class PartySession:
    """One of a party's own sessions, as the resident sees it."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    format: str
    format_label: str
    status: str
    status_label: str
    location: str


# Every status page asks: compiled once (CompiledQuery, decision 0016).
_PARTY_SESSIONS = CompiledQuery(
    lambda case_id, party_id: Session.objects.filter(
        case_id=case_id, attendance__party_id=party_id
    ).order_by("starts_at", "id")
)


def sessions_for_party(*, party: Party) -> list[PartySession]:
    """Return the sessions ``party`` is invited to, past and future, with place or link.

    Only sessions with an attendance row for this party: a separate session
    for the other party is never returned. The caller logs the view (the
    status page logs the resident's view of the case).
    """
    # Most residents have no session yet: ask for the case's key only when there are some.
    sessions = _PARTY_SESSIONS.fetch(party.case_id, party.pk)
    if not sessions:
        return []
    case = Case.objects.select_related("data_key").only("id", "data_key").get(pk=party.case_id)
    cipher = CaseCipher.for_data_key(case.data_key)
    labels = _Labels.build()
    return [
        PartySession(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            format=session.format,
            format_label=labels.formats.get(session.format, session.format),
            status=session.status,
            status_label=labels.statuses.get(session.status, session.status),
            location=fields.decrypt(session, "location", cipher) or "",
        )
        for session in sessions
    ]
