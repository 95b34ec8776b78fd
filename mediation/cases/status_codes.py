"""Status codes: the secret a resident uses, with their case reference, to come back.

20 characters of Crockford's base32 (100 random bits), shown once in groups of
four. Only a keyed hash is stored: HMAC-SHA256 with a pepper that lives in the
environment, never in the database. At 100 bits a slow password hash would add
cost, not security (docs/decisions/0007). Comparison is in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
GROUP = 4
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_status_code() -> str:
    """Return a fresh code in its canonical form (20 characters, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """Return the code as shown to people: ``XXXX-XXXX-XXXX-XXXX-XXXX``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str:
    """Return the canonical form of a typed code: no spaces or hyphens, upper case.

    A malformed code is not rejected here: it simply will not match, so every
    failure looks the same to the person typing.
    """
    return "".join(text.split()).replace("-", "").upper().translate(_ALIASES)[:64]


def hash_code(code: str) -> str:
    """Return the keyed hash stored for ``code`` (hex)."""
    return hmac.new(
        settings.MEDIATION_STATUS_CODE_PEPPER,
        b"status-code/v1|" + normalise(code).encode("ascii", "replace"),
        hashlib.sha256,
    ).hexdigest()


def code_matches(code: str, stored_hash: str) -> bool:
    """Return whether ``code`` is the one whose hash is ``stored_hash``, in constant time."""
    return hmac.compare_digest(hash_code(code), stored_hash)
