"""Development keys: generated once into a git-ignored file, never used in production.

Production reads every key from the environment and refuses to start without
them (see settings.py). On a developer's machine that would make the first
`make run` fail, so the first start writes fresh random keys to
``var/dev-keys.json`` and says so on stderr.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
import time
from pathlib import Path

KEY_NAMES = (
    "SECRET_KEY",
    "MEDIATION_MASTER_KEYS",
    "MEDIATION_STATUS_CODE_PEPPER",
    "MEDIATION_BLIND_INDEX_KEY",
    "MEDIATION_AUDIT_SIGNING_KEY",
)


def new_aes_key() -> str:
    """Return a fresh 256-bit key, URL-safe base64 encoded (the master key format)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def generate() -> dict[str, str]:
    """Return a complete set of fresh development keys."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIATION_MASTER_KEYS": new_aes_key(),
        "MEDIATION_STATUS_CODE_PEPPER": new_aes_key(),
        "MEDIATION_BLIND_INDEX_KEY": new_aes_key(),
        "MEDIATION_AUDIT_SIGNING_KEY": new_aes_key(),
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
        json.dump(keys, handle, indent=2)
    sys.stderr.write(
        f"Generated development keys in {path} (git-ignored). They protect the local "
        "demo data only; production reads its keys from the environment.\n"
    )
    return keys


def _read(path: Path) -> dict[str, str]:
    # Another process may have created the file a moment ago and not yet written it.
    for _ in range(50):
        text = path.read_text()
        if text.strip():
            data: dict[str, str] = json.loads(text)
            missing = [name for name in KEY_NAMES if name not in data]
            if missing:
                data.update({name: generate()[name] for name in missing})
                path.write_text(json.dumps(data, indent=2))
            return data
        time.sleep(0.02)
    raise RuntimeError(f"{path} exists but is empty; delete it to generate new development keys")
