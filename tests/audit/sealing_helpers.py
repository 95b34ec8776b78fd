"""Shared helpers for the sealing and verification tests: events, sealing, tampering."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max

from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, AccessLogSeal, Action, Purpose
from mediation.audit.sealing import SealingResult, seal_access_log
from mediation.audit.services import access_event_record


def record(object_id: str = "case-1", *, actor: int = 7) -> AccessEvent:
    """Record one access event, committed at once when no transaction is open."""
    return access_event_record(
        actor=Actor.staff(actor),
        action=Action.VIEW,
        object_type="case",
        object_id=object_id,
        purpose=Purpose.CASEWORK,
        community_id=3,
    )


def wait_until_sealable(*, newest: int | None = None, timeout: float = 300.0) -> None:
    """Wait until every committed event's transaction is older than the snapshot's xmin.

    On PostgreSQL a transaction open anywhere on the server (another test
    suite, a bulk load) holds sealing back until it ends; the sealer is right
    to wait, and so must a test that expects everything sealed at once.
    """
    if connection.vendor != "postgresql":
        return
    if newest is None:
        newest = AccessEvent.objects.aggregate(newest=Max("xact_id"))["newest"]
    if newest is None:
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            if cursor.fetchone()[0] > newest:
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"a transaction elsewhere on the server held sealing back for {timeout:g} s"
                )
            time.sleep(0.05)


def seal(*, batch_size: int = 10_000) -> SealingResult:
    """Seal every event committed so far (waiting, on PostgreSQL, until it may be sealed)."""
    wait_until_sealable()
    return seal_access_log(batch_size=batch_size)


def sealed_log(count: int, *, batch_size: int = 10_000) -> list[int]:
    """Record ``count`` events, each in its own transaction, seal them; return their ids."""
    ids = [record(f"case-{number}").pk for number in range(count)]
    seal(batch_size=batch_size)
    return ids


def sealed_ids() -> list[int]:
    return list(AccessLogSeal.objects.order_by("position").values_list("event_id", flat=True))


@contextmanager
def tampering() -> Iterator[CursorWrapper]:
    """Give a cursor that changes the log the way the tables' owner could.

    On PostgreSQL the append-only triggers are switched off for this
    transaction only, as a superuser can; SQLite has no triggers.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
