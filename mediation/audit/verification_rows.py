"""The verifier's reading: the seals in position order beside the events in the log's order.

Two sorted streams, read a chunk at a time and walked together: the seals by
position, and the events in the sealer's order (``(xact_id, id)`` on
PostgreSQL, ``id`` on SQLite). In an intact log the n-th event is the one the
n-th seal names; wherever they differ, something was deleted, inserted or
moved. There is no join, so each stream is one index scan.

``chunk_pairs`` yields lists side by side: seals ``(position, event id, leaf,
head)`` and events ``(id, xact_id or -1, canonical encoding)``, as many events
as seals (fewer only when the events run out).

Events are encoded either by PostgreSQL (``chain.postgres_encoding_sql``,
fetched through binary cursors on threads while the verifier hashes: a
million events take seconds) or in Python through the ORM, the reference
implementation, used on SQLite and with ``--encode-in-python``. Every hash
is computed by the verifier, never by the database.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connection

from mediation.audit.chain import SEALED_FIELDS, event_encoding, postgres_encoding_sql
from mediation.audit.models import AccessEvent, AccessLogSeal

Seal = tuple[int, int, bytes, bytes]
Event = tuple[int, int, bytes]

_SEALS_SQL = (
    "SELECT position, event_id, leaf, head FROM audit_accesslogseal "
    "WHERE position BETWEEN %s AND %s ORDER BY position"
)
_EVENTS_SQL = (
    f"SELECT e.id, coalesce(e.xact_id, -1), {postgres_encoding_sql('e')} "  # noqa: S608
    "FROM audit_accessevent AS e ORDER BY e.xact_id, e.id"
)
_cursor_numbers = itertools.count(1)


def encoded_in_postgres() -> bool:
    """Return whether PostgreSQL can encode the events (a UTF8 database)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        row = cursor.fetchone()
    return bool(row and row[0] == "UTF8")


@contextlib.contextmanager
def chunk_pairs(
    first: int, last: int, chunk_size: int, *, in_postgres: bool
) -> Iterator[Iterator[tuple[list[Seal], list[Event]]]]:
    """Give the seals from ``first`` to ``last`` and the events at their places, in chunks.

    A context manager: leaving it closes the cursors (and stops their threads)
    before anything else uses the connection.
    """
    if not in_postgres:
        yield _aligned(_orm_seal_chunks(first, last, chunk_size), _orm_event_chunks(chunk_size))
        return
    with (
        _Prefetched(_SEALS_SQL, [first, last], chunk_size) as seals,
        _Prefetched(_EVENTS_SQL, [], chunk_size) as events,
    ):
        yield _aligned(seals, events)


def _aligned(
    seal_chunks: Iterator[list[Seal]], event_chunks: Iterator[list[Event]]
) -> Iterator[tuple[list[Seal], list[Event]]]:
    waiting: list[Event] = []
    for seals in seal_chunks:
        while len(waiting) < len(seals):
            more = next(event_chunks, None)
            if not more:
                break
            waiting = waiting + more if waiting else more
        events, waiting = waiting[: len(seals)], waiting[len(seals) :]
        yield seals, events
        if len(events) < len(seals):
            return


def _orm_seal_chunks(first: int, last: int, chunk_size: int) -> Iterator[list[Seal]]:
    seals = (
        AccessLogSeal.objects.filter(position__gte=first, position__lte=last)
        .order_by("position")
        .values_list("position", "event_id", "leaf", "head")
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _batched(seals, chunk_size):
        yield [
            (position, event_id, bytes(leaf), bytes(head))
            for position, event_id, leaf, head in chunk
        ]


_XACT = SEALED_FIELDS.index("xact_id")


def _orm_event_chunks(chunk_size: int) -> Iterator[list[Event]]:
    in_order = ("xact_id", "id") if connection.vendor == "postgresql" else ("id",)
    events = (
        AccessEvent.objects.order_by(*in_order)
        .values_list(*SEALED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _batched(events, chunk_size):
        yield [
            (
                int(str(values[0])),
                -1 if values[_XACT] is None else int(str(values[_XACT])),
                event_encoding(values),
            )
            for values in chunk
        ]


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


_DONE = object()


class _Prefetched:
    """A server-side cursor in binary format whose chunks a thread fetches ahead.

    PostgreSQL encodes the next chunk while the verifier hashes this one; the
    two cursors' threads take turns on the connection (psycopg locks it).
    """

    def __init__(self, query: str, params: list[int], chunk_size: int) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._query, self._params, self._chunk_size = query, params, chunk_size
        self._chunks: queue.Queue[object] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._fetch, daemon=True)

    def __enter__(self) -> Iterator[list[Any]]:
        self._thread.start()
        return self._iterate()

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._chunks.get(timeout=0.05)
        self._thread.join()

    def _iterate(self) -> Iterator[list[Any]]:
        while (item := self._chunks.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            with contextlib.suppress(queue.Full):
                self._chunks.put(item, timeout=0.05)
                return True
        return False

    def _fetch(self) -> None:
        name = f"access_log_verify_{next(_cursor_numbers)}"
        try:
            if self._raw is None:
                raise RuntimeError("no database connection")
            with self._raw.cursor(name=name, binary=True) as cursor:
                cursor.execute(self._query, self._params)
                while chunk := cursor.fetchmany(self._chunk_size):
                    if not self._put(chunk):
                        return
        except BaseException as exc:  # handed over to the reading thread
            self._put(exc)
            return
        self._put(_DONE)
