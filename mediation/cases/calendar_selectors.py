"""Reads for a mediator's own calendar: their upcoming sessions, and their feed.

Both show only the mediator's bookings on cases they are still assigned to.
The page shows time, case reference and format; the feed shows less: a
time, a fixed title and a UID, because a subscribed calendar lives on phones
and in other companies' clouds, outside this system's access control.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mediation.accounts.models import User
from mediation.accounts.selectors import staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.calendar import CalendarEvent, calendar_bytes
from mediation.cases.calendar_services import FEED_OBJECT_TYPE, require_mediator
from mediation.cases.feed_tokens import MAX_TOKEN_LENGTH, hash_feed_token
from mediation.cases.models import CalendarFeedToken, CaseAssignment, SessionFormat, SessionMediator
from mediation.cases.references import display
from mediation.cases.selectors import OBJECT_TYPE
from mediation.cases.session_services import MAX_DURATION

# The feed reaches back this far, so a session just held stays in the calendar a while.
FEED_PAST = datetime.timedelta(days=30)
# A bound on one feed's size; a mediator never has this many sessions ahead.
FEED_LIMIT = 500


def _bookings_of(user_id: int) -> QuerySet[SessionMediator]:
    """Return the mediator's live bookings on cases they are still actively assigned to."""
    still_assigned = CaseAssignment.objects.filter(
        case_id=OuterRef("session__case_id"), mediator_id=user_id, ended_at__isnull=True
    )
    return SessionMediator.objects.filter(mediator_id=user_id, is_cancelled=False).filter(
        Exists(still_assigned)
    )


def my_upcoming_sessions(*, user: User) -> QuerySet[SessionMediator]:
    """Return ``user``'s sessions not yet over, soonest first, and log the list.

    The list shows no personal data (time, case reference, format), so one
    access event records the request. Raise CalendarNotAvailable for non-mediators.
    """
    require_mediator(user=user, action=Action.LIST)
    now = timezone.now()
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.MEDIATOR),
        action=Action.LIST,
        object_type=OBJECT_TYPE,
        object_id=None,
        purpose=Purpose.CASEWORK,
    )
    return (
        _bookings_of(user.pk)
        # The lower bound on starts_at lets the (mediator, starts_at) index do the work.
        .filter(starts_at__gt=now - MAX_DURATION, ends_at__gt=now)
        .select_related("session__case")
        .only(
            "id",
            "starts_at",
            "ends_at",
            "session__id",
            "session__format",
            "session__case__id",
            "session__case__reference",
        )
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class BookingRow:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reference: str
    url: str
    format_label: str


def booking_rows(bookings: Iterable[SessionMediator]) -> list[BookingRow]:
    """Return the rows of the "My sessions" list, labels and URLs built once per page."""
    formats = {value: str(label) for value, label in SessionFormat.choices}
    placeholder = "0000000000"
    pattern = reverse("cases:sessions", kwargs={"reference": placeholder})
    return [
        BookingRow(
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            reference=display(booking.session.case.reference),
            url=pattern.replace(placeholder, booking.session.case.reference),
            format_label=formats.get(booking.session.format, booking.session.format),
        )
        for booking in bookings
    ]


def calendar_feed_since(*, user: User) -> datetime.datetime | None:
    """Return when ``user``'s working feed address was made, or None if there is none."""
    return (
        CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def _refuse_feed(feed_id: int | None) -> None:
    access_event_record_refused(
        actor=Actor.anonymous(),
        action=Action.EXPORT,
        object_type=FEED_OBJECT_TYPE,
        object_id=feed_id,
        purpose=Purpose.CASEWORK,
    )


def calendar_feed(*, token: str) -> bytes | None:
    """Return the iCalendar feed for this token, or None (logged) if it does not work.

    A token works while it is not revoked and its owner is an active mediator.
    Events carry a time, a fixed title and a UID only: no case reference, no
    names, no place, no link.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        _refuse_feed(None)
        return None
    feed = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not staff_scope(user=feed.user).is_mediator:
        _refuse_feed(feed.pk if feed is not None else None)
        return None
    since = timezone.now() - FEED_PAST
    bookings = (
        _bookings_of(feed.user_id)
        .filter(starts_at__gte=since)
        .select_related("session")
        .only("id", "starts_at", "ends_at", "session__id", "session__sequence")
        .order_by("starts_at", "id")[:FEED_LIMIT]
    )
    title = gettext("Mediation session")
    events = [
        CalendarEvent(
            session_id=booking.session_id,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            sequence=booking.session.sequence,
            summary=title,
        )
        for booking in bookings
    ]
    with transaction.atomic():
        access_event_record(
            actor=Actor.staff(feed.user_id, ActorRole.MEDIATOR),
            action=Action.EXPORT,
            object_type=FEED_OBJECT_TYPE,
            object_id=feed.pk,
            purpose=Purpose.CASEWORK,
        )
    return calendar_bytes(events, name=gettext("Mediation sessions"))
