"""Signed checkpoints of the access log: the message, the keys, the export format.

A checkpoint says "after ``position`` events the chain's head was ``head``, at
``time``", signed with Ed25519. Only the sealer holds the private key
(``MEDIATION_CHECKPOINT_SIGNING_KEY``); the application and the verifier need
only the public keys (``MEDIATION_CHECKPOINT_VERIFY_KEY``, the current one
first, then retired ones that still verify older checkpoints). See decision
0014 and docs/key-custody.md.

The signed message is plain text, easy to rebuild anywhere::

    mediation access-log checkpoint v1
    <position>
    <event count>
    <head, 64 hex digits>
    <time, UTC ISO 8601 with microseconds>
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MESSAGE_TAG = "mediation access-log checkpoint v1"


class SigningKeyMissing(Exception):
    """The sealer was started without the checkpoint signing key."""


@dataclass(frozen=True)
class Checkpoint:
    position: int
    event_count: int
    head: bytes
    created_at: datetime
    signature: bytes
    key_id: str


def format_time(value: datetime) -> str:
    """Return ``value`` in the one form that is signed: UTC, microseconds, ``+00:00``."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def message(*, position: int, event_count: int, head: bytes, created_at: datetime) -> bytes:
    """Return the bytes a checkpoint's signature covers."""
    lines = (MESSAGE_TAG, str(position), str(event_count), head.hex(), format_time(created_at))
    return ("\n".join(lines) + "\n").encode("ascii")


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key: bytes) -> str:
    """Return the SHA-256 fingerprint of a raw public key, as 64 hex digits."""
    return hashlib.sha256(public_key).hexdigest()


def key_id(public_key: bytes) -> str:
    """Return the short id stored with each checkpoint: the fingerprint's first 16 digits."""
    return fingerprint(public_key)[:16]


def signing_key() -> Ed25519PrivateKey:
    """Return the sealer's signing key, or raise when this process was not given one."""
    raw: bytes | None = settings.MEDIATION_CHECKPOINT_SIGNING_KEY
    if raw is None:
        raise SigningKeyMissing(
            "MEDIATION_CHECKPOINT_SIGNING_KEY is not set. Only the sealer needs it: "
            "give it to the sealer's environment (docs/key-custody.md)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def verify_keys() -> dict[str, tuple[Ed25519PublicKey, str]]:
    """Return the configured public keys by key id, each with its full fingerprint."""
    keys = {}
    for raw in settings.MEDIATION_CHECKPOINT_VERIFY_KEY:
        keys[key_id(raw)] = (Ed25519PublicKey.from_public_bytes(raw), fingerprint(raw))
    return keys


def sign(
    key: Ed25519PrivateKey, *, position: int, event_count: int, head: bytes, created_at: datetime
) -> Checkpoint:
    """Return a checkpoint of the chain at ``position``, signed with ``key``."""
    signed = message(position=position, event_count=event_count, head=head, created_at=created_at)
    return Checkpoint(
        position=position,
        event_count=event_count,
        head=head,
        created_at=created_at,
        signature=key.sign(signed),
        key_id=key_id(public_key_bytes(key.public_key())),
    )


def signature_is_valid(
    checkpoint: Checkpoint, keys: dict[str, tuple[Ed25519PublicKey, str]]
) -> bool:
    """Return whether a known key made the checkpoint's signature over its own fields."""
    known = keys.get(checkpoint.key_id)
    if known is None:
        return False
    signed = message(
        position=checkpoint.position,
        event_count=checkpoint.event_count,
        head=checkpoint.head,
        created_at=checkpoint.created_at,
    )
    try:
        known[0].verify(checkpoint.signature, signed)
    except InvalidSignature:
        return False
    return True


def export_line(checkpoint: Checkpoint, keys: dict[str, tuple[Ed25519PublicKey, str]]) -> str:
    """Return a checkpoint as one line of JSON, as ``export_checkpoints`` writes it."""
    known = keys.get(checkpoint.key_id)
    record = {
        "position": checkpoint.position,
        "head": checkpoint.head.hex(),
        "count": checkpoint.event_count,
        "time": format_time(checkpoint.created_at),
        "signature": base64.b64encode(checkpoint.signature).decode("ascii"),
        "key_id": checkpoint.key_id,
        "public_key_fingerprint": known[1] if known else None,
    }
    return json.dumps(record, sort_keys=True)


class ExportFormatError(ValueError):
    pass


def parse_export_line(line: str) -> Checkpoint:
    """Return the checkpoint in one line of an exported file, or raise ``ExportFormatError``."""
    try:
        record = json.loads(line)
        return Checkpoint(
            position=int(record["position"]),
            event_count=int(record["count"]),
            head=bytes.fromhex(record["head"]),
            created_at=datetime.fromisoformat(record["time"]),
            signature=base64.b64decode(record["signature"], validate=True),
            key_id=str(record["key_id"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportFormatError(f"not an exported checkpoint: {exc}") from exc


def refuse_signing_key_in_web_process() -> None:
    """Refuse to serve requests in production from a process holding the signing key.

    The key lets its holder sign any history; only the sealer's environment may
    have it, so a bug or an injection in the web application cannot use it.
    """
    if settings.PRODUCTION and settings.MEDIATION_CHECKPOINT_SIGNING_KEY is not None:
        raise ImproperlyConfigured(
            "MEDIATION_CHECKPOINT_SIGNING_KEY is set for the web application. Only the "
            "sealer's environment may hold it (docs/key-custody.md)."
        )


def current_verify_key() -> bytes:
    """Return the raw public key that verifies new checkpoints (the first configured)."""
    first: bytes = settings.MEDIATION_CHECKPOINT_VERIFY_KEY[0]
    return first
