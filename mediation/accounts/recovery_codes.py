"""Recovery codes: one-time codes for signing in without the authenticator app.

Ten per user, 16 characters of Crockford's base32 (80 random bits) shown once
in groups of four. django-otp's static device holds them, but what it stores
is a keyed hash (HMAC-SHA256 with the status-code pepper, which lives outside
the database, truncated to the 16 characters the token column holds), never a
usable code: a copy of the database gives nobody a way in. The code typed at
sign-in is hashed the same way and handed to django-otp, which finds, deletes
and throttles as usual.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
GROUP = 4
COUNT = 10
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_code() -> str:
    """Return a fresh recovery code in canonical form (16 characters, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """Return the code as shown to people: ``XXXX-XXXX-XXXX-XXXX``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str:
    """Return the canonical form of a typed code: no spaces or hyphens, upper case."""
    return "".join(text.split()).replace("-", "").upper().translate(_ALIASES)[:64]


def stored_form(code: str) -> str:
    """Return what the database keeps for ``code``: 16 hex characters of a keyed hash."""
    return hmac.new(
        settings.MEDIATION_STATUS_CODE_PEPPER,
        b"recovery-code/v1|" + normalise(code).encode("ascii", "replace"),
        hashlib.sha256,
    ).hexdigest()[:16]
