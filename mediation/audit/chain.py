"""The access log's hash chain: how an event is encoded, hashed and chained.

Pure functions, shared by the sealer and the verifier (decision 0014)::

    leaf_n = SHA-256(0x00 || encoding(event_n))
    head_n = SHA-256(0x01 || head_{n-1} || leaf_n)      head_0 = GENESIS

The prefixes 0x00 and 0x01 separate leaves from chain links as RFC 9162 does
for leaves and nodes, so a leaf can never be passed off as a link.

``encoding(event)`` is, in order:

1. the tag ``mediation.access_event.v2``, after its length (4 bytes, big-endian);
2. the length in bytes of each of the 16 fields of ``SEALED_FIELDS``, in that
   order, as 4-byte big-endian signed integers, -1 (``FF FF FF FF``) for NULL;
3. the UTF-8 bytes of the fields that are not NULL, one after the other.

An event without a client marker (``client`` empty: every event written before
the marker existed, and those of commands) is encoded as version 1 was: the
tag ``mediation.access_event.v1`` and the first 15 fields. Leaves sealed
before the marker was added therefore verify unchanged, and the tag tells the
two forms apart, so emptying or setting a marker still changes the leaf.

Values are written in one fixed form: integers in decimal, times in UTC as
``2026-11-29T15:14:00.000123+00:00``, UUIDs lower-case with hyphens, codes as
they are. The lengths make the encoding unambiguous whatever a field holds,
and anyone can reimplement it in a few lines to check an exported log.
(Lengths first, then the text, so that PostgreSQL can build it with one
conversion for the verifier, ``postgres_encoding_sql``.)
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

# Every field of AccessEvent, in encoding order. A field added to the model
# must be added here (a test fails otherwise), with a new tag: leaves already
# sealed keep the old encoding (decision 0014).
SEALED_FIELDS: tuple[str, ...] = (
    "id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_role",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "community_id",
    "purpose",
    "channel",
    "request_id",
    "break_glass_id",
    "xact_id",
    "client",
)

ENCODING_TAG = b"mediation.access_event.v2"
ENCODING_TAG_V1 = b"mediation.access_event.v1"
LEAF_PREFIX = b"\x00"
LINK_PREFIX = b"\x01"
GENESIS = hashlib.sha256(b"mediation access log: genesis").digest()

_TAG = len(ENCODING_TAG).to_bytes(4, "big") + ENCODING_TAG
_TAG_V1 = len(ENCODING_TAG_V1).to_bytes(4, "big") + ENCODING_TAG_V1
_LENGTHS = struct.Struct(">" + "i" * len(SEALED_FIELDS))
_LENGTHS_V1 = struct.Struct(">" + "i" * (len(SEALED_FIELDS) - 1))
_sha256 = hashlib.sha256


def _time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("access event times must be timezone-aware")
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=UTC).isoformat(timespec="microseconds")


def _optional(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot encode a {type(value).__name__} in an access event")


def event_encoding(values: Sequence[object]) -> bytes:
    """Return the canonical encoding of an event's ``SEALED_FIELDS`` values (with the tag)."""
    (
        event_id,
        occurred_at,
        actor_type,
        actor_id,
        actor_role,
        action,
        outcome,
        object_type,
        object_id,
        community_id,
        purpose,
        channel,
        request_id,
        break_glass_id,
        xact_id,
        client,
    ) = values
    if not isinstance(occurred_at, datetime):
        raise TypeError("an access event's time must be a datetime")
    texts: list[str | None] = [
        str(event_id),
        _time(occurred_at),
        _optional(actor_type),
        _optional(actor_id),
        _optional(actor_role),
        _optional(action),
        _optional(outcome),
        _optional(object_type),
        _optional(object_id),
        _optional(community_id),
        _optional(purpose),
        _optional(channel),
        _optional(request_id),
        _optional(break_glass_id),
        _optional(xact_id),
    ]
    tag, lengths_struct = _TAG_V1, _LENGTHS_V1
    if client:
        texts.append(_optional(client))
        tag, lengths_struct = _TAG, _LENGTHS
    present = [text for text in texts if text is not None]
    data = "".join(present)
    if data.isascii():
        lengths = [-1 if text is None else len(text) for text in texts]
    else:
        lengths = [-1 if text is None else len(text.encode()) for text in texts]
    return tag + lengths_struct.pack(*lengths) + data.encode()


def leaf_hash(values: Sequence[object]) -> bytes:
    """Return the leaf hash of an event given its ``SEALED_FIELDS`` values, in order."""
    return _sha256(LEAF_PREFIX + event_encoding(values)).digest()


def next_head(previous: bytes, leaf: bytes) -> bytes:
    """Return the chain's head after appending ``leaf`` to a chain whose head is ``previous``."""
    return _sha256(LINK_PREFIX + previous + leaf).digest()


# The same encoding, computed by PostgreSQL for the verifier's fast path (C
# text functions; Python then only hashes). ``tests/audit/test_sealing``
# checks it byte for byte against ``event_encoding`` on awkward values. It
# needs a UTF8 database, where octet_length() counts UTF-8 bytes; concat()
# skips NULLs as the encoding does.
_POSTGRES_FIELDS: tuple[str, ...] = (
    "{t}.id::text",
    "to_char({t}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
    "{t}.actor_type",
    "{t}.actor_id",
    "{t}.actor_role",
    "{t}.action",
    "{t}.outcome",
    "{t}.object_type",
    "{t}.object_id",
    "{t}.community_id::text",
    "{t}.purpose",
    "{t}.channel",
    "{t}.request_id::text",
    "{t}.break_glass_id::text",
    "{t}.xact_id::text",
)


def postgres_encoding_sql(table: str) -> str:
    """Return an SQL expression computing ``event_encoding`` of the row ``table`` (an alias)."""
    texts = [template.format(t=table) for template in _POSTGRES_FIELDS]
    with_client = [*texts, f"{table}.client"]
    return (
        f"CASE WHEN {table}.client = '' THEN {_postgres_form(_TAG_V1, texts)} "
        f"ELSE {_postgres_form(_TAG, with_client)} END"
    )


def _postgres_form(tag: bytes, texts: list[str]) -> str:
    lengths = " || ".join(f"int4send(coalesce(octet_length({text}), -1))" for text in texts)
    return f"'\\x{tag.hex()}'::bytea || {lengths} || convert_to(concat({', '.join(texts)}), 'UTF8')"
