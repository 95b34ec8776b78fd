"""Verifying the access log: recompute the chain, check every checkpoint, find the first break.

Every seal is read with the event it names (``verification_rows``), in
position order and a chunk at a time, so memory stays flat whatever the size
of the log. For each one the verifier recomputes the event's leaf and the
chain's head and compares them with what was sealed; at each checkpoint (and
each checkpoint of an exported file) it checks the Ed25519 signature and the
head. The first disagreement is reported with its position, the event id and
what kind of break it is (decision 0014).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from mediation.audit import checkpoints, verification_rows
from mediation.audit.chain import GENESIS, LEAF_PREFIX, LINK_PREFIX, SEALED_FIELDS, leaf_hash
from mediation.audit.checkpoints import Checkpoint
from mediation.audit.models import AccessEvent, AccessLogCheckpoint, AccessLogSeal

CHUNK_SIZE = 10_000
# How far around a changed event to look for the seal it now matches.
REORDER_WINDOW = 1_000
_NO_CHECKPOINT = 2**63

T = TypeVar("T")


class BreakKind(StrEnum):
    ALTERED = "altered event"
    DELETED = "deleted event"
    INSERTED = "inserted event"
    REORDERED = "reordered events"
    SEAL_MISSING = "seal missing"
    SEAL_ALTERED = "seal altered"
    BAD_SIGNATURE = "bad checkpoint signature"
    CHECKPOINT_MISMATCH = "checkpoint does not match the chain"
    CHECKPOINT_MISSING = "exported checkpoint missing from the database"
    TRUNCATED = "log truncated"
    UNSIGNED = "seals not covered by a signed checkpoint"
    PRUNED_EARLY = "events deleted before the end of their retention"


@dataclass(frozen=True)
class Break:
    kind: BreakKind
    position: int | None
    event_id: int | None
    detail: str


@dataclass
class Report:
    events: int = 0
    seals: int = 0
    checkpoints: int = 0
    first_position: int = 0
    last_position: int = 0
    last_checkpoint_at: datetime | None = None
    exported_checked: int = 0
    unsealed: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


class _BreakFound(Exception):
    def __init__(self, found: Break) -> None:
        super().__init__(found.detail)
        self.found = found


class _Difference(Exception):
    """The event at a position is not the one sealed there; what it means is looked up after."""

    def __init__(self, position: int, sealed_id: int, found_id: int | None, *, changed: bool):
        super().__init__(position)
        self.position, self.sealed_id, self.found_id = position, sealed_id, found_id
        self.changed = changed


def _broken(
    kind: BreakKind, position: int | None, event_id: int | None, detail: str
) -> _BreakFound:
    return _BreakFound(Break(kind, position, event_id, detail))


class _Peekable(Generic[T]):
    def __init__(self, items: Iterable[T]) -> None:
        self._items: Iterator[T] = iter(items)
        self._next: T | None = None
        self._advance()

    def _advance(self) -> None:
        self._next = next(self._items, None)

    def peek(self) -> T | None:
        return self._next

    def pop(self) -> T | None:
        current = self._next
        if current is not None:
            self._advance()
        return current


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Return the moment before which access events are past their retention."""
    now = now or timezone.now()
    years = settings.MEDIATION_ACCESS_LOG_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def verify_access_log(
    *,
    exported: Iterable[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
    encode_in_python: bool = False,
) -> Report:
    """Recompute the whole chain and check every checkpoint; return what was found.

    ``exported`` are the lines of a file written by ``export_checkpoints``.
    ``encode_in_python`` skips PostgreSQL's encoding of events (slower, and
    independent of the database's text functions).
    """
    # On PostgreSQL the rows come from server-side cursors, which a transaction
    # keeps streaming (outside one they would be materialised first). On SQLite
    # a transaction would begin IMMEDIATE and hold up every writer meanwhile.
    streaming = transaction.atomic() if connection.vendor == "postgresql" else _no_transaction()
    with streaming:
        verifier = _Verifier(
            exported=exported, chunk_size=chunk_size, encode_in_python=encode_in_python
        )
        return verifier.run()


@contextlib.contextmanager
def _no_transaction() -> Iterator[None]:
    yield


def _stored_checkpoint(row: tuple[int, int, bytes, datetime, bytes, str]) -> Checkpoint:
    position, count, head, created_at, signature, key_id = row
    return Checkpoint(position, count, bytes(head), created_at, bytes(signature), key_id)


class _Verifier:
    def __init__(
        self, *, exported: Iterable[str] | None, chunk_size: int, encode_in_python: bool
    ) -> None:
        self.keys = checkpoints.verify_keys()
        self.exported_lines = exported
        self.chunk_size = chunk_size
        self.encode_in_python = encode_in_python
        self.report = Report()

    def run(self) -> Report:
        try:
            self._walk()
        except _BreakFound as found:
            self.report.breaks.append(found.found)
        return self.report

    # ---- the walk -------------------------------------------------------------

    def _walk(self) -> None:
        report = self.report
        # The checkpoints' end is read before the seals': a sealer committing in
        # between adds both, and must not make the log look truncated.
        ends = AccessLogCheckpoint.objects.aggregate(end=Max("position"), count=Count("id"))
        bounds = AccessLogSeal.objects.aggregate(
            first=Min("position"), last=Max("position"), count=Count("position")
        )
        first, last = bounds["first"] or 0, bounds["last"] or 0
        checkpoint_end = ends["end"] or 0
        report.events = AccessEvent.objects.count()
        report.seals, report.first_position, report.last_position = bounds["count"], first, last
        report.checkpoints = ends["count"]
        latest = AccessLogCheckpoint.objects.order_by("-position").values("created_at").first()
        report.last_checkpoint_at = latest["created_at"] if latest else None

        stored = _Peekable(
            _stored_checkpoint(row)
            for row in AccessLogCheckpoint.objects.filter(position__lte=checkpoint_end)
            .order_by("position")
            .values_list("position", "event_count", "head", "created_at", "signature", "key_id")
            .iterator(chunk_size=self.chunk_size)
        )
        exported = _Peekable(self._exported())
        head = self._start(first, stored, exported)
        if last:
            self._chain(first, last, head, stored, exported)
        self._end(last, checkpoint_end, stored, exported)

    def _chain(
        self,
        first: int,
        last: int,
        head: bytes,
        stored: _Peekable[Checkpoint],
        exported: _Peekable[tuple[int, Checkpoint]],
    ) -> None:
        in_postgres = not self.encode_in_python and verification_rows.encoded_in_postgres()
        # The cursors are closed before a difference is looked into.
        try:
            with verification_rows.chunk_pairs(
                first, last, self.chunk_size, in_postgres=in_postgres
            ) as pairs:
                self._walk_chain(pairs, first, last, head, stored, exported)
        except _Difference as difference:
            position, sealed_id = difference.position, difference.sealed_id
            if difference.changed:
                raise _BreakFound(self._changed(position, sealed_id)) from None
            raise _BreakFound(self._mismatch(position, sealed_id, difference.found_id)) from None

    def _walk_chain(
        self,
        pairs: Iterator[tuple[list[verification_rows.Seal], list[verification_rows.Event]]],
        first: int,
        last: int,
        head: bytes,
        stored: _Peekable[Checkpoint],
        exported: _Peekable[tuple[int, Checkpoint]],
    ) -> None:
        """The hot loop: a million turns, so it keeps to local names and inline hashing."""
        sha256 = hashlib.sha256
        leaf_prefix, link_prefix = LEAF_PREFIX, LINK_PREFIX
        expected = first
        previous_xact, previous_id = -2, -1
        next_checkpoint = self._next_checkpoint(stored, exported)
        for seals, events in pairs:
            for (position, sealed_id, stored_leaf, stored_head), (event_id, xact_id, code) in zip(
                seals, events, strict=False
            ):
                if position != expected:
                    raise _broken(
                        BreakKind.SEAL_MISSING,
                        expected,
                        None,
                        f"there is no seal at position {expected} (the next is at {position})",
                    )
                if event_id != sealed_id:
                    raise _Difference(position, sealed_id, event_id, changed=False)
                leaf = sha256(leaf_prefix + code).digest()
                if leaf != stored_leaf:
                    raise _Difference(position, sealed_id, event_id, changed=True)
                if xact_id < previous_xact or (
                    xact_id == previous_xact and event_id <= previous_id
                ):
                    raise _broken(
                        BreakKind.REORDERED,
                        position,
                        sealed_id,
                        f"event {sealed_id} at position {position} comes before the event at "
                        f"position {position - 1} in the log's order: the seals were reordered",
                    )
                head = sha256(link_prefix + head + leaf).digest()
                if head != stored_head:
                    raise _broken(
                        BreakKind.SEAL_ALTERED,
                        position,
                        sealed_id,
                        f"the seal at position {position} does not follow from the one before",
                    )
                if position >= next_checkpoint:
                    self._checkpoints_at(position, head, sealed_id, stored, exported)
                    next_checkpoint = self._next_checkpoint(stored, exported)
                previous_xact, previous_id = xact_id, event_id
                expected += 1
            if len(events) < len(seals):
                position, sealed_id, _, _ = seals[len(events)]
                if position != expected:
                    raise _broken(
                        BreakKind.SEAL_MISSING,
                        expected,
                        None,
                        f"there is no seal at position {expected} (the next is at {position})",
                    )
                raise _Difference(position, sealed_id, None, changed=False)
        if expected <= last:
            raise _broken(
                BreakKind.SEAL_MISSING, expected, None, f"there is no seal at position {expected}"
            )

    @staticmethod
    def _next_checkpoint(
        stored: _Peekable[Checkpoint], exported: _Peekable[tuple[int, Checkpoint]]
    ) -> int:
        checkpoint, line = stored.peek(), exported.peek()
        return min(
            checkpoint.position if checkpoint else _NO_CHECKPOINT,
            line[1].position if line else _NO_CHECKPOINT,
        )

    # ---- what a difference means ------------------------------------------------

    def _mismatch(self, position: int, sealed_id: int, found_id: int | None) -> Break:
        """Say why the event at ``position`` in the log's order is not the one sealed there."""
        sealed = AccessEvent.objects.filter(pk=sealed_id).values_list(*SEALED_FIELDS).first()
        if sealed is None:
            return Break(
                BreakKind.DELETED,
                position,
                sealed_id,
                f"event {sealed_id}, sealed at position {position}, is no longer in the log",
            )
        if found_id is None:
            return Break(
                BreakKind.REORDERED,
                position,
                sealed_id,
                f"event {sealed_id}, sealed at position {position}, has moved out of its place "
                "in the log's order",
            )
        sealed_leaf = bytes(
            AccessLogSeal.objects.filter(position=position).values_list("leaf", flat=True)[0]
        )
        found = AccessEvent.objects.filter(pk=found_id).values_list(*SEALED_FIELDS).get()
        elsewhere = (
            AccessLogSeal.objects.filter(event_id=found_id).values_list("position", flat=True)
        ).first()
        if leaf_hash(found) == sealed_leaf:
            return Break(
                BreakKind.REORDERED,
                position,
                found_id,
                f"the seal at position {position} was made for event {found_id} but now names "
                f"event {sealed_id}: the seals were reordered",
            )
        if leaf_hash((sealed_id, *found[1:])) == sealed_leaf:
            return Break(
                BreakKind.REORDERED,
                position,
                found_id,
                f"event {found_id} now holds what was sealed as event {sealed_id} at position "
                f"{position}: events were renumbered",
            )
        if elsewhere is None:
            return Break(
                BreakKind.INSERTED,
                position,
                found_id,
                f"event {found_id} is not sealed but comes before position {position} "
                f"(event {sealed_id}) in the log's order: it was added to the sealed part",
            )
        if leaf_hash(sealed) != sealed_leaf:
            return Break(
                BreakKind.ALTERED,
                position,
                sealed_id,
                f"event {sealed_id}, sealed at position {position}, has been changed "
                "(and moved out of its place in the log's order)",
            )
        return Break(
            BreakKind.REORDERED,
            position,
            sealed_id,
            f"position {position} sealed event {sealed_id}, but event {found_id} (sealed at "
            f"position {elsewhere}) now comes there in the log's order",
        )

    def _changed(self, position: int, sealed_id: int) -> Break:
        """Say whether the event took another sealed event's place, or was altered."""
        event = AccessEvent.objects.filter(pk=sealed_id).values_list(*SEALED_FIELDS).get()
        nearby = AccessLogSeal.objects.filter(
            position__gte=position - REORDER_WINDOW, position__lte=position + REORDER_WINDOW
        ).values_list("position", "event_id", "leaf")
        for other_position, other_id, other_leaf in nearby:
            if other_position == position:
                continue
            if leaf_hash(event) == bytes(other_leaf):
                return Break(
                    BreakKind.REORDERED,
                    position,
                    sealed_id,
                    f"event {sealed_id}, sealed at position {other_position}, is now named by "
                    f"the seal at position {position}: the seals were reordered",
                )
            if leaf_hash((other_id, *event[1:])) == bytes(other_leaf):
                return Break(
                    BreakKind.REORDERED,
                    position,
                    sealed_id,
                    f"event {sealed_id} now holds what was sealed as event {other_id} at "
                    f"position {other_position}: events were renumbered",
                )
        return Break(
            BreakKind.ALTERED,
            position,
            sealed_id,
            f"event {sealed_id}, sealed at position {position}, has been changed",
        )

    # ---- checkpoints ----------------------------------------------------------

    def _exported(self) -> Iterator[tuple[int, Checkpoint]]:
        previous = 0
        for number, line in enumerate(self.exported_lines or (), start=1):
            if not line.strip():
                continue
            try:
                checkpoint = checkpoints.parse_export_line(line)
            except checkpoints.ExportFormatError as exc:
                raise _broken(
                    BreakKind.BAD_SIGNATURE, None, None, f"exported line {number}: {exc}"
                ) from exc
            if checkpoint.position <= previous:
                raise _broken(
                    BreakKind.CHECKPOINT_MISMATCH,
                    checkpoint.position,
                    None,
                    f"exported line {number} is out of order (after position {previous})",
                )
            previous = checkpoint.position
            self.report.exported_checked += 1
            yield number, checkpoint

    def _check_signature(self, checkpoint: Checkpoint, source: str) -> None:
        if checkpoints.signature_is_valid(checkpoint, self.keys):
            return
        known = checkpoint.key_id in self.keys
        why = "the signature does not verify" if known else "it names an unknown key"
        raise _broken(
            BreakKind.BAD_SIGNATURE,
            checkpoint.position,
            None,
            f"the checkpoint at position {checkpoint.position} ({source}): {why} "
            f"(key id {checkpoint.key_id})",
        )

    def _check_against_chain(
        self, checkpoint: Checkpoint, head: bytes, event_id: int, source: str
    ) -> None:
        self._check_signature(checkpoint, source)
        if checkpoint.head != head or checkpoint.event_count != checkpoint.position:
            raise _broken(
                BreakKind.CHECKPOINT_MISMATCH,
                checkpoint.position,
                event_id,
                f"the signed checkpoint at position {checkpoint.position} ({source}) does not "
                "match the chain recomputed from the events: the log up to there was rewritten",
            )

    def _checkpoints_at(
        self,
        position: int,
        head: bytes,
        event_id: int,
        stored: _Peekable[Checkpoint],
        exported: _Peekable[tuple[int, Checkpoint]],
    ) -> None:
        signed_here = False
        while (checkpoint := stored.peek()) is not None and checkpoint.position <= position:
            stored.pop()
            self._check_against_chain(checkpoint, head, event_id, "database")
            signed_here = True
        while (line := exported.peek()) is not None and line[1].position <= position:
            exported.pop()
            self._check_against_chain(line[1], head, event_id, f"exported line {line[0]}")
            if not signed_here:
                self._exported_missing(line)

    def _exported_missing(self, line: tuple[int, Checkpoint]) -> None:
        number, checkpoint = line
        raise _broken(
            BreakKind.CHECKPOINT_MISSING,
            checkpoint.position,
            None,
            f"the exported checkpoint at position {checkpoint.position} (line {number}) is "
            "not in the database any more",
        )

    # ---- the two ends ---------------------------------------------------------

    def _start(
        self, first: int, stored: _Peekable[Checkpoint], exported: _Peekable[tuple[int, Checkpoint]]
    ) -> bytes:
        """Check the checkpoints before the first seal; return the head the chain starts from.

        Pruning (``prune_access_log``) removes the oldest events and their seals
        up to a signed checkpoint, which stays as the anchor of what is left.
        """
        anchor: Checkpoint | None = None
        while (checkpoint := stored.peek()) is not None and checkpoint.position < first:
            stored.pop()
            self._check_signature(checkpoint, "database")
            while (line := exported.peek()) is not None and line[1].position <= checkpoint.position:
                exported.pop()
                self._check_signature(line[1], f"exported line {line[0]}")
                if line[1].position != checkpoint.position or line[1].head != checkpoint.head:
                    self._exported_missing(line)
            anchor = checkpoint
        if (line := exported.peek()) is not None and line[1].position < first:
            self._exported_missing(line)
        if first <= 1:
            return GENESIS
        if anchor is None or anchor.position != first - 1:
            raise _broken(
                BreakKind.SEAL_MISSING,
                1,
                None,
                f"the log starts at position {first} but no signed checkpoint marks where "
                "earlier events were pruned: they were deleted",
            )
        years = settings.MEDIATION_ACCESS_LOG_RETENTION_YEARS
        if anchor.created_at >= retention_cutoff():
            raise _broken(
                BreakKind.PRUNED_EARLY,
                anchor.position,
                None,
                f"events up to position {anchor.position} (checkpoint of "
                f"{anchor.created_at:%Y-%m-%d}) are gone before the end of their {years} years",
            )
        return anchor.head

    def _end(
        self,
        last: int,
        checkpoint_end: int,
        stored: _Peekable[Checkpoint],
        exported: _Peekable[tuple[int, Checkpoint]],
    ) -> None:
        if (beyond := stored.peek()) is not None:
            raise _broken(
                BreakKind.TRUNCATED,
                beyond.position,
                None,
                f"a checkpoint covers position {beyond.position} but the log's seals end at "
                f"{last}: the end of the log was removed",
            )
        if (line := exported.peek()) is not None:
            raise _broken(
                BreakKind.TRUNCATED,
                line[1].position,
                None,
                f"the exported checkpoint at position {line[1].position} (line {line[0]}) is "
                f"beyond the log's last seal at {last}: the log was cut short",
            )
        if last > checkpoint_end:
            raise _broken(
                BreakKind.UNSIGNED,
                checkpoint_end + 1,
                None,
                f"seals {checkpoint_end + 1} to {last} are not covered by a signed checkpoint: "
                "the sealer did not write them",
            )
        if connection.vendor == "postgresql":
            stray = AccessEvent.objects.filter(xact_id__isnull=True).values_list("id", flat=True)
            if (event_id := stray.first()) is not None:
                raise _broken(
                    BreakKind.INSERTED,
                    None,
                    event_id,
                    f"event {event_id} has no transaction id: it was written around the "
                    "application",
                )
        self.report.unsealed = max(self.report.events - self.report.seals, 0)
