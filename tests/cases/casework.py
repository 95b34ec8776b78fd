"""Helpers for the session, calendar and notes tests: times, parties, scheduling."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.context import audit_context
from mediation.audit.models import Channel
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Party,
    PartyRole,
    Session,
    SessionFormat,
    Status,
)
from mediation.cases.services import party_add_other
from mediation.cases.session_services import SessionPlan, session_schedule

PLACE = "Room 3, Riverside community hall"
LINK = "https://meet.example.org/room-7741"


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Return a moment ``days`` from today at ``hour:minute`` in the centre's time zone."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def put_in(case: Case, status: str) -> None:
    # Test set-up only: the app itself never writes status outside case_transition.
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()


def ready_for_sessions(case: Case) -> Case:
    """Put ``case`` where sessions are arranged, with an other party beside the requester."""
    put_in(case, Status.SESSIONS)
    if not Party.objects.filter(case=case, role=PartyRole.OTHER_PARTY).exists():
        with transaction.atomic():
            party_add_other(
                case=Case.objects.select_related("data_key").get(pk=case.pk),
                identity="Mr Wang upstairs",
                contact_json='{"approach": "centre", "detail": "13800000000"}',
            )
    return case


def parties(case: Case) -> dict[str, Party]:
    return {party.role: party for party in Party.objects.filter(case=case)}


def assign(case: Case, mediator: User, role: str = AssignmentRole.CO) -> None:
    CaseAssignment.objects.create(case=case, mediator=mediator, role=role)


def schedule(
    user: User,
    case: Case,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    party_ids: Sequence[uuid.UUID] | None = None,
    format: SessionFormat = SessionFormat.IN_PERSON,
    location: str = PLACE,
) -> Session:
    """Arrange a session through the service (for both parties unless told otherwise)."""
    if party_ids is None:
        party_ids = [party.pk for party in Party.objects.filter(case=case)]
    with audit_context(channel=Channel.WEB):
        return session_schedule(
            user=user,
            reference=case.reference,
            plan=SessionPlan(
                starts_at=starts_at, ends_at=ends_at, format=format, location=location
            ),
            party_ids=party_ids,
        )


def move_to_past(session: Session, *, days: int) -> None:
    """Shift a session (and its bookings) ``days`` into the past; test set-up only."""
    shift = session.starts_at - (timezone.now() - datetime.timedelta(days=days))
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
    )
    session.bookings.update(starts_at=session.starts_at - shift, ends_at=session.ends_at - shift)
    session.refresh_from_db()


def form_data(
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    format: str = SessionFormat.IN_PERSON,
    location: str = PLACE,
    party_ids: Sequence[uuid.UUID] = (),
) -> dict[str, object]:
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    data: dict[str, object] = {
        "date": local_start.strftime("%Y-%m-%d"),
        "starts": local_start.strftime("%H:%M"),
        "ends": local_end.strftime("%H:%M"),
        "format": format,
        "location": location,
    }
    if party_ids:
        data["parties"] = [str(party_id) for party_id in party_ids]
    return data
