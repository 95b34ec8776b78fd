"""iCalendar (RFC 5545) files for sessions: one session's download, and a mediator's feed.

Built with the icalendar library, which does the escaping and line folding.
Times are written in UTC. A session keeps one UID for life, so a calendar
that already holds it updates the event (by ``SEQUENCE``) instead of adding
a second one; the feed and a download of the same session share the UID.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from icalendar import Calendar, Event

PRODUCT_ID = "-//Community mediation//Sessions//EN"
# UIDs must be globally unique; the session's random UUID already is. A fixed
# domain part (not the request's host) keeps a UID stable whichever address
# the file was fetched from. ".invalid" is reserved, so it names nobody's host.
UID_DOMAIN = "sessions.mediation.invalid"


@dataclass(frozen=True)
class CalendarEvent:
    """What goes into one VEVENT. ``location`` is empty in feeds, always."""

    session_id: uuid.UUID
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    sequence: int
    summary: str
    location: str = ""
    cancelled: bool = False


def session_uid(session_id: uuid.UUID) -> str:
    """Return the stable calendar UID of a session."""
    return f"{session_id}@{UID_DOMAIN}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _vevent(item: CalendarEvent, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(item.session_id))
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(item.starts_at))
    event.add("dtend", _utc(item.ends_at))
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    # Calendar apps may show or sync an event beyond its owner: mark it private.
    event.add("class", "PRIVATE")
    return event


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str = "") -> bytes:
    """Return an iCalendar file holding ``events``; ``name`` titles a subscribed feed."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    stamp = _utc(timezone.now())
    for item in events:
        calendar.add_component(_vevent(item, stamp))
    return bytes(calendar.to_ical())
