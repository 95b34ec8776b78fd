"""The sealer: chains committed access events into seals and signs checkpoints.

Requests insert events freely; the sealer, run from cron every minute
(``manage.py seal_access_log``), orders them afterwards. Nothing a request
does waits on it: on PostgreSQL it takes an advisory lock that only sealers
ask for.

Which events are safe to seal, and in what order (decision 0014):

- PostgreSQL: an event's id comes from a sequence when its INSERT runs, but it
  becomes visible when its transaction commits, so ids do not arrive in order.
  Each event records the id of its transaction (``xact_id``). Every
  transaction older than ``pg_snapshot_xmin(pg_current_snapshot())`` has
  ended, and no transaction can ever again get an id below it, so the set of
  events with ``xact_id < xmin`` is complete and will never grow. The sealer
  seals those events in ``(xact_id, id)`` order, resuming after the last
  sealed one: an event whose transaction is still open has ``xact_id >= xmin``
  and sorts after everything sealed so far, whatever its id.
- SQLite: one writer at a time. The sealer's transaction starts with BEGIN
  IMMEDIATE (``transaction_mode``), so no other write is in progress, and
  every committed event is sealed, in id order.

Each batch (10,000 events by default) commits its seals and a checkpoint
signed with the sealer's key in one transaction, so every seal is covered by
a signed checkpoint and an interrupted run leaves nothing half done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from mediation.audit import checkpoints
from mediation.audit.chain import GENESIS, SEALED_FIELDS, leaf_hash, next_head
from mediation.audit.models import AccessEvent, AccessLogCheckpoint, AccessLogSeal

BATCH_SIZE = 10_000
# pg_advisory_xact_lock key: "mediation.audit.sealer", as a 63-bit number.
ADVISORY_LOCK_KEY = 0x6D65_6469_6174_696F


class SealingError(Exception):
    """The sealer cannot continue safely; the verifier will say why."""


@dataclass(frozen=True)
class SealingResult:
    sealed: int
    position: int
    checkpoints: int
    busy: bool = False


@dataclass(frozen=True)
class _Tip:
    position: int
    head: bytes
    xact_id: int | None
    event_id: int


def seal_access_log(*, batch_size: int = BATCH_SIZE, limit: int | None = None) -> SealingResult:
    """Seal every event that is safe to seal, in batches; sign a checkpoint after each batch.

    Returns at once with ``busy=True`` when another sealer holds the lock.
    Raises ``checkpoints.SigningKeyMissing`` when this process has no signing
    key, and ``SealingError`` when the last sealed event has disappeared.
    """
    key = checkpoints.signing_key()
    sealed = written = 0
    position = 0
    while limit is None or sealed < limit:
        size = batch_size if limit is None else min(batch_size, limit - sealed)
        with transaction.atomic():
            if not _lock():
                return SealingResult(sealed, position, written, busy=True)
            tip = _tip()
            rows = _safe_events_after(tip, size)
            position = tip.position if tip else 0
            if not rows:
                break
            now = timezone.now()
            head = tip.head if tip else GENESIS
            seals: list[tuple[int, int, bytes, bytes]] = []
            for row in rows:
                position += 1
                leaf = leaf_hash(row)
                head = next_head(head, leaf)
                seals.append((position, int(str(row[0])), leaf, head))
            _insert_seals(seals, now)
            signed = checkpoints.sign(
                key, position=position, event_count=position, head=head, created_at=now
            )
            AccessLogCheckpoint.objects.create(
                position=signed.position,
                event_count=signed.event_count,
                head=signed.head,
                created_at=signed.created_at,
                signature=signed.signature,
                key_id=signed.key_id,
            )
        sealed += len(rows)
        written += 1
        if len(rows) < size:
            break
    return SealingResult(sealed, position, written)


def _insert_seals(seals: list[tuple[int, int, bytes, bytes]], sealed_at: datetime) -> None:
    """Insert a batch of seals.

    Not ``bulk_create``: building 10,000 model instances and a 50,000-parameter
    statement took most of the sealer's time. PostgreSQL gets the batch by
    COPY in binary format, SQLite by one prepared INSERT.
    """
    table = AccessLogSeal._meta.db_table
    columns = "position, event_id, leaf, head, sealed_at"
    if connection.vendor == "postgresql":
        with (
            _raw_cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(["int8", "int8", "bytea", "bytea", "timestamptz"])
            for seal in seals:
                copy.write_row((*seal, sealed_at))
        return
    stored_at = connection.ops.adapt_datetimefield_value(sealed_at)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            [(*seal, stored_at) for seal in seals],
        )


def _raw_cursor() -> Any:
    """Return a plain psycopg cursor on Django's connection (and so in its transaction).

    It can ask for binary results, which skip Django's text loader for times
    (written in Python, the slowest part of reading events), and COPY.
    """
    connection.ensure_connection()
    raw = connection.connection
    if raw is None:
        raise SealingError("no database connection")
    return psycopg.Cursor(raw)


def _lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: the transaction began IMMEDIATE and holds the write lock.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        row = cursor.fetchone()
    return bool(row and row[0])


def _tip() -> _Tip | None:
    last = AccessLogSeal.objects.order_by("-position").values_list("position", "head", "event_id")[
        :1
    ]
    if not last:
        return None
    position, head, event_id = last[0]
    event = AccessEvent.objects.filter(pk=event_id).values_list("xact_id", flat=True)[:1]
    if not event:
        raise SealingError(
            f"The last sealed event (id {event_id}, position {position}) is missing from the "
            "log; run verify_access_log."
        )
    return _Tip(position=position, head=bytes(head), xact_id=event[0], event_id=event_id)


_SAFE_EVENTS_SQL = f"""
    SELECT {", ".join(SEALED_FIELDS)} FROM audit_accessevent
    WHERE xact_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      AND (xact_id, id) > (%s, %s)
    ORDER BY xact_id, id
    LIMIT %s
"""  # noqa: S608 - the field names are ours


def _safe_events_after(tip: _Tip | None, size: int) -> list[tuple[object, ...]]:
    """Return the next events to seal, in the sealer's order, at most ``size``."""
    if connection.vendor == "postgresql":
        after = (
            (-1, -1) if tip is None else (-1 if tip.xact_id is None else tip.xact_id, tip.event_id)
        )
        with _raw_cursor() as cursor:
            cursor.execute(_SAFE_EVENTS_SQL, [*after, size], binary=True)
            rows: list[tuple[object, ...]] = cursor.fetchall()
        return rows
    events = AccessEvent.objects.order_by("id")
    if tip is not None:
        events = events.filter(id__gt=tip.event_id)
    return list(events.values_list(*SEALED_FIELDS)[:size])
