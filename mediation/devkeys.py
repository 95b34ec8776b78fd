"""Development keys: generated once into a git-ignored file, never used in production.

Production reads every key from the environment and refuses to start without
them (see settings.py). On a developer's machine that would make the first
`make run` fail, so the first start writes fresh random keys to
``var/dev-keys.json`` and says so on stderr.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

KEY_NAMES = (
    "SECRET_KEY",
    "MEDIATION_MASTER_KEYS",
    "MEDIATION_STATUS_CODE_PEPPER",
    "MEDIATION_BLIND_INDEX_KEY",
    "MEDIATION_CHECKPOINT_SIGNING_KEY",
    "MEDIATION_CHECKPOINT_VERIFY_KEY",
)
# Generated together: a file missing either gets a fresh pair.
_CHECKPOINT_PAIR = ("MEDIATION_CHECKPOINT_SIGNING_KEY", "MEDIATION_CHECKPOINT_VERIFY_KEY")


def new_aes_key() -> str:
    """Return a fresh 256-bit key, URL-safe base64 encoded (the master key format)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def new_checkpoint_key_pair() -> tuple[str, str]:
    """Return a fresh Ed25519 pair for access-log checkpoints: (private, public).

    Each is the raw 32-byte key, URL-safe base64 encoded: the formats of
    MEDIATION_CHECKPOINT_SIGNING_KEY and MEDIATION_CHECKPOINT_VERIFY_KEY.
    """
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return (
        base64.urlsafe_b64encode(private_raw).decode("ascii"),
        base64.urlsafe_b64encode(public_raw).decode("ascii"),
    )


def checkpoint_public_key(private_raw: bytes) -> bytes:
    """Return the raw Ed25519 public key of a raw private key."""
    public = Ed25519PrivateKey.from_private_bytes(private_raw).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def generate() -> dict[str, str]:
    """Return a complete set of fresh development keys."""
    signing, verify = new_checkpoint_key_pair()
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIATION_MASTER_KEYS": new_aes_key(),
        "MEDIATION_STATUS_CODE_PEPPER": new_aes_key(),
        "MEDIATION_BLIND_INDEX_KEY": new_aes_key(),
        "MEDIATION_CHECKPOINT_SIGNING_KEY": signing,
        "MEDIATION_CHECKPOINT_VERIFY_KEY": verify,
    }


def load_or_create(path: Path) -> dict[str, str]:
    """Return the development keys stored at ``path``, creating the file on first use.

    The file is created with O_EXCL so that two processes starting at once
    (gunicorn workers, parallel test runners) cannot each write a different
    set of keys: the loser of the race reads the winner's file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    keys = generate()
    with os.fdopen(fd, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        json.dump(keys, handle, indent=2)
    sys.stderr.write(
        f"Generated development keys in {path} (git-ignored). They protect the local "
        "demo data only; production reads its keys from the environment.\n"
    )
    return keys


def _read(path: Path) -> dict[str, str]:
    # Another process may have created the file a moment ago and not yet written it.
    for _ in range(50):
        with path.open() as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            text = handle.read()
        if text.strip():
            data: dict[str, str] = json.loads(text)
            if any(name not in data for name in KEY_NAMES):
                return _add_missing(path)
            return data
        time.sleep(0.02)
    raise RuntimeError(f"{path} exists but is empty; delete it to generate new development keys")


def _add_missing(path: Path) -> dict[str, str]:
    """Add keys introduced since the file was written, under a lock.

    Two processes adding keys at once must not each keep a different key
    (checkpoints signed by one would not verify with the other's public key).
    """
    with path.open("r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        data: dict[str, str] = json.loads(handle.read())
        fresh = generate()
        if any(name not in data for name in _CHECKPOINT_PAIR):
            data.update({name: fresh[name] for name in _CHECKPOINT_PAIR})
        data.update({name: fresh[name] for name in KEY_NAMES if name not in data})
        handle.seek(0)
        handle.truncate()
        json.dump(data, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    return data
