"""Retention of the access log: the oldest events go only behind an exported, signed checkpoint.

The log is kept ``MEDIATION_ACCESS_LOG_RETENTION_YEARS`` years. Older events
are removed (``manage.py prune_access_log``, run by the maintenance role) only
when a checkpoint covering them was exported and is kept elsewhere, and only
up to such a checkpoint: it stays in the database as the anchor the verifier
starts from, and the exported file still proves what the pruned part
chained to. Removal goes from one checkpoint to the next, each step in one
transaction, so an interrupted run leaves a log that still verifies. A
break-glass record (its reason is free text, encrypted with its own key) goes
with the log once it is past the retention and no event left names it; its
key goes with it.
(Decision 0014 explains why this deletes rows rather than dropping monthly
partitions.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pgtrigger
from django.db import connection, transaction

from mediation.audit import checkpoints
from mediation.audit.actors import Actor
from mediation.audit.models import (
    AccessEvent,
    AccessLogCheckpoint,
    AccessLogSeal,
    Action,
    BreakGlassAccess,
    Purpose,
)
from mediation.audit.services import access_event_record, access_events_record
from mediation.audit.verification import retention_cutoff, verify_access_log
from mediation.privacy.models import DataKey

BREAK_GLASS = "break_glass"

_APPEND_ONLY = (
    "audit.AccessEvent:access_event_append_only",
    "audit.AccessLogSeal:access_log_seal_append_only",
)


class PruningRefused(Exception):
    """Nothing was removed; the message says why."""


@dataclass(frozen=True)
class PruningResult:
    through_position: int
    events: int
    seals: int
    dry_run: bool
    break_glass: int = 0


def prune_access_log(*, exported: Iterable[str], dry_run: bool = False) -> PruningResult:
    """Remove the events past their retention, up to the last exported checkpoint before it.

    ``exported`` are the lines of a file written by ``export_checkpoints`` and
    kept outside the system. Refuses (``PruningRefused``) when the log does
    not verify against it: pruning a broken log would destroy the evidence.
    """
    lines = list(exported)
    report = verify_access_log(exported=lines)
    if not report.intact:
        found = report.breaks[0]
        raise PruningRefused(
            f"The access log does not verify ({found.kind} at position {found.position}); "
            "nothing was pruned. Run verify_access_log."
        )
    cutoff = retention_cutoff()
    anchors = sorted(
        checkpoint.position
        for checkpoint in (checkpoints.parse_export_line(line) for line in lines if line.strip())
        if checkpoint.created_at < cutoff and checkpoint.position < report.last_position
    )
    if not anchors or anchors[-1] < report.first_position:
        stale = _stale_break_glass(cutoff)
        if not dry_run:
            _remove_break_glass(stale)
        return PruningResult(report.first_position - 1, 0, 0, dry_run, len(stale))
    through = anchors[-1]
    if dry_run:
        doomed = AccessLogSeal.objects.filter(position__lte=through).count()
        stale = _stale_break_glass(cutoff, pruned_through=through)
        return PruningResult(through, doomed, doomed, True, len(stale))
    steps = AccessLogCheckpoint.objects.filter(
        position__gte=report.first_position, position__lte=through
    ).order_by("position")
    removed_events = removed_seals = 0
    start = report.first_position
    for end in steps.values_list("position", flat=True):
        events, seals = _remove(start, end)
        removed_events, removed_seals = removed_events + events, removed_seals + seals
        start = end + 1
    stale = _stale_break_glass(cutoff)
    _remove_break_glass(stale)
    return PruningResult(through, removed_events, removed_seals, False, len(stale))


def _stale_break_glass(cutoff: datetime, *, pruned_through: int = 0) -> list[uuid.UUID]:
    """Return the break-glass records granted before ``cutoff`` that no event names.

    ``pruned_through`` (a dry run) leaves out the events sealed up to that
    position, as if they were already gone.
    """
    old = list(BreakGlassAccess.objects.filter(granted_at__lt=cutoff).values_list("pk", flat=True))
    if not old:
        return []
    events = AccessEvent.objects.all()
    if pruned_through:
        sealed = AccessLogSeal.objects.filter(position__lte=pruned_through).values("event_id")
        events = events.exclude(id__in=sealed)
    named = set(events.filter(break_glass_id__in=old).values_list("break_glass_id", flat=True))
    named |= {
        uuid.UUID(value)
        for value in events.filter(
            object_type=BREAK_GLASS, object_id__in=[str(pk) for pk in old]
        ).values_list("object_id", flat=True)
    }
    return [pk for pk in old if pk not in named]


def _remove_break_glass(ids: list[uuid.UUID]) -> None:
    """Remove these break-glass records and their keys; record it in the same transaction."""
    if not ids:
        return
    with transaction.atomic():
        records = BreakGlassAccess.objects.filter(pk__in=ids)
        keys = [key for key in records.values_list("data_key_id", flat=True) if key]
        records.delete()
        DataKey.objects.filter(pk__in=keys).delete()
        access_events_record(
            actor=Actor.system("prune_access_log"),
            action=Action.DELETE,
            object_type=BREAK_GLASS,
            object_ids=list(ids),
            purpose=Purpose.RETENTION,
        )


@contextmanager
def _client_side_binding() -> Iterator[None]:
    """Bind parameters in the client for the queries of this block.

    ``pgtrigger.ignore`` sends a ``set_config`` in front of each statement, two
    statements in one call, which PostgreSQL refuses when parameters are bound
    by the server (settings: ``DB_SERVER_SIDE_BINDING``).
    """
    if connection.vendor != "postgresql":
        yield
        return
    # Django's cursor that binds in the client (the one it uses without the option).
    from django.db.backends.postgresql.base import Cursor  # type: ignore[attr-defined]

    connection.ensure_connection()
    psycopg_connection = connection.connection
    previous = psycopg_connection.cursor_factory
    psycopg_connection.cursor_factory = Cursor
    try:
        yield
    finally:
        psycopg_connection.cursor_factory = previous


def _remove(start: int, end: int) -> tuple[int, int]:
    """Remove the events sealed at positions ``start`` to ``end``, and their seals.

    The removal is itself an access event, written in the same transaction.
    """
    with transaction.atomic(), _client_side_binding(), pgtrigger.ignore(*_APPEND_ONLY):
        sealed = AccessLogSeal.objects.filter(position__gte=start, position__lte=end)
        events, _ = AccessEvent.objects.filter(id__in=sealed.values("event_id")).delete()
        seals, _ = sealed.delete()
        access_event_record(
            actor=Actor.system("prune_access_log"),
            action=Action.DELETE,
            object_type="access_log",
            object_id=f"{start}-{end}",
            purpose=Purpose.RETENTION,
        )
    return events, seals
