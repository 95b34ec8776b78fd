"""Calendar feed secrets: the token in a mediator's feed address, and its stored hash.

A calendar app can only fetch a URL, so the secret has to be in the URL; it
is 256 random bits, shown once, and only a keyed hash is stored: HMAC-SHA256
with the same pepper as residents' status codes (a secret outside the
database, ``MEDIATION_STATUS_CODE_PEPPER``), under its own domain label so a
feed hash can never equal a status-code hash. At that entropy a slow hash
would add cost, not security (as for status codes, decision 0007). Lookup is
by the hash itself; the attacker does not choose the hashed value, so the
index lookup leaks nothing useful about stored hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything much longer is not ours.
MAX_TOKEN_LENGTH = 64
_DOMAIN = b"calendar-feed/v1|"


def new_feed_token() -> str:
    """Return a fresh URL-safe token (256 random bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_feed_token(token: str) -> str:
    """Return the keyed hash stored for ``token`` (64 hex characters)."""
    return hmac.new(
        settings.MEDIATION_STATUS_CODE_PEPPER,
        _DOMAIN + token.encode("ascii", "replace"),
        hashlib.sha256,
    ).hexdigest()
