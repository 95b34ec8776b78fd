"""Reading the access log for review: scope, filters and keyset pages, in plain ids.

The log knows nothing of cases or users, so everything here takes plain ids:
``cases.log_review`` turns a username or a case reference into them, checks
that the caller is a privacy officer, and writes the access event for the
reading. Pages are keyset pages on (occurred_at, id), newest first: no
OFFSET and no COUNT, so the tenth page of ten million events costs what the
first does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from mediation.audit.models import AccessEvent, ActorType

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class ReviewScope:
    """The events one privacy officer may review.

    - every event of their communities;
    - events tied to no community (sign-in, sign-out, two-factor, the review
      pages themselves) made by ``staff_ids``, the staff who hold a role in
      those communities and the administrators;
    - events tied to no community about those staff's accounts and sessions
      (``staff_object_types``: a failed sign-in names the account, not the
      actor), and about accounts that do not exist (a guessed username);
    - events tied to no community by the public or a system job about
      anything else (a throttled status check on no reference, say): they
      name no community's staff or cases.
    """

    community_ids: frozenset[int]
    staff_ids: frozenset[str]
    staff_object_types: frozenset[str] = field(default_factory=frozenset)

    def q(self) -> Q:
        no_community = Q(community_id__isnull=True)
        by_staff = Q(actor_type=ActorType.STAFF, actor_id__in=sorted(self.staff_ids))
        about_staff = Q(
            object_type__in=sorted(self.staff_object_types),
            object_id__in=sorted(self.staff_ids | {""}),
        )
        by_public = Q(actor_type__in=[ActorType.ANONYMOUS, ActorType.SYSTEM]) & ~Q(
            object_type__in=sorted(self.staff_object_types)
        )
        return Q(community_id__in=sorted(self.community_ids)) | (
            no_community & (by_staff | about_staff | by_public)
        )


@dataclass(frozen=True)
class ObjectSet:
    """Objects of one type, by id: ("case", (case id,)), ("safety_screening", (...))."""

    object_type: str
    object_ids: tuple[str, ...]


@dataclass(frozen=True)
class LogFilter:
    """What to look for, in plain ids and codes; empty values match everything.

    ``until`` is exclusive. ``objects`` matches an event about any of them.
    """

    actor_type: str = ""
    actor_id: str = ""
    objects: tuple[ObjectSet, ...] = ()
    action: str = ""
    outcome: str = ""
    purpose: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    break_glass_only: bool = False

    def q(self) -> Q:
        q = Q()
        if self.actor_type:
            q &= Q(actor_type=self.actor_type)
        if self.actor_id:
            q &= Q(actor_id=self.actor_id)
        if self.objects:
            about = Q(pk__in=[])
            for objects in self.objects:
                about |= Q(object_type=objects.object_type, object_id__in=objects.object_ids)
            q &= about
        for name in ("action", "outcome", "purpose"):
            if value := getattr(self, name):
                q &= Q(**{name: value})
        if self.since is not None:
            q &= Q(occurred_at__gte=self.since)
        if self.until is not None:
            q &= Q(occurred_at__lt=self.until)
        if self.break_glass_only:
            q &= Q(break_glass_id__isnull=False)
        return q


def events_for_review(*, scope: ReviewScope, log_filter: LogFilter) -> QuerySet[AccessEvent]:
    """Return the events in ``scope`` that match ``log_filter``, unordered."""
    return AccessEvent.objects.filter(scope.q() & log_filter.q())


@dataclass(frozen=True)
class Cursor:
    """A position in the log: an event's time and id, which order events totally."""

    occurred_at: datetime.datetime
    id: int

    def encode(self) -> str:
        """Return the cursor as URL-safe text: microseconds since 1970, a dot, the id."""
        delta = self.occurred_at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """Return the cursor in ``text``, or None if it is missing or malformed."""
        micros, _, event_id = (text or "").partition(".")
        if not (micros.isdigit() and event_id.isdigit()) or len(micros) > 18 or len(event_id) > 18:
            return None
        try:
            moment = _EPOCH + datetime.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(occurred_at=moment, id=int(event_id))

    @classmethod
    def of(cls, event: AccessEvent) -> Cursor:
        return cls(occurred_at=event.occurred_at, id=event.pk)


@dataclass(frozen=True)
class EventPage:
    """One page of events, newest first, and the cursors to the pages beside it."""

    events: list[AccessEvent]
    newer: Cursor | None
    older: Cursor | None


def events_page(
    events: QuerySet[AccessEvent],
    *,
    size: int,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
) -> EventPage:
    """Return one page of ``events``, newest first, by keyset (never OFFSET or COUNT).

    With ``older_than``, the page after that cursor; with ``newer_than``, the
    page before it; with neither, the newest page. One query, of ``size + 1``
    rows: the extra row says whether there is a page beyond.
    """
    if newer_than is not None:
        after = newer_than
        rows = list(
            events.filter(
                Q(occurred_at__gt=after.occurred_at)
                | Q(occurred_at=after.occurred_at, id__gt=after.id),
                # Redundant with the line above, but it gives the planner an
                # index bound it cannot read out of the OR.
                occurred_at__gte=after.occurred_at,
            ).order_by("occurred_at", "id")[: size + 1]
        )
        if len(rows) <= size:
            # Back at the top: the newest page, full, rather than a short one.
            return events_page(events, size=size)
        page = rows[:size][::-1]
        return EventPage(events=page, newer=Cursor.of(page[0]), older=Cursor.of(page[-1]))
    if older_than is not None:
        before = older_than
        events = events.filter(
            Q(occurred_at__lt=before.occurred_at)
            | Q(occurred_at=before.occurred_at, id__lt=before.id),
            occurred_at__lte=before.occurred_at,
        )
    rows = list(events.order_by("-occurred_at", "-id")[: size + 1])
    has_older = len(rows) > size
    page = rows[:size]
    return EventPage(
        events=page,
        newer=Cursor.of(page[0]) if older_than is not None and page else None,
        older=Cursor.of(page[-1]) if has_older else None,
    )
