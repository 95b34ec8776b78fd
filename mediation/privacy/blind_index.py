"""Blind indexes: keyed hashes of normalised values, for exact matches without plaintext.

Used where the product must tell whether two encrypted values are the same
(a mediator's declared acquaintance and a party's name) without anyone
reading either list. The key (``MEDIATION_BLIND_INDEX_KEY``) lives in the
environment; without it the hashes cannot be recomputed or guessed from a
list of common names. A blind index is personal data: it is deleted with
the record it indexes.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from django.conf import settings


def normalise(value: str) -> str:
    """Return ``value`` in the form that is compared: NFKC, case-folded, no whitespace.

    "Wang  Fang", "wang fang" and "ＷＡＮＧ　ＦＡＮＧ" (full-width) normalise alike.
    """
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(folded.split())


def blind_index(value: str | None, *, domain: str) -> str:
    """Return the keyed hash (hex) of ``value`` normalised, or "" when nothing is left.

    ``domain`` separates uses (for example "person-name"), so that a hash
    made for one purpose never matches one made for another.
    """
    text = normalise(value or "")
    if not text:
        return ""
    message = domain.encode() + b"\x00" + text.encode()
    return hmac.new(settings.MEDIATION_BLIND_INDEX_KEY, message, hashlib.sha256).hexdigest()
