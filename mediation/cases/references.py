"""Case references: short, random, unambiguous, with a check character.

Ten characters of Crockford's base32 alphabet (no I, L, O or U), shown as
``XXXXX-XXXXX``: nine random characters (45 bits) and a Luhn mod 32 check
character that catches any single mistyped character and any swap of two
neighbours except 0 and Z (the mod 32 counterpart of Luhn's 09/90 blind spot).
References say nothing about order or volume.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE = len(ALPHABET)
_INDEX = {char: i for i, char in enumerate(ALPHABET)}
# Letters people confuse with digits are read as those digits, as Crockford suggests.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
RANDOM_LENGTH = 9
LENGTH = RANDOM_LENGTH + 1


def _check_character(body: str) -> str:
    """Return the Luhn mod N check character for ``body``."""
    factor = 2
    total = 0
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // _BASE + addend % _BASE
    return ALPHABET[(_BASE - total % _BASE) % _BASE]


def new_reference() -> str:
    """Return a new random reference in its canonical form (ten characters, no hyphen)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_character(body)


def normalise(text: str) -> str | None:
    """Return the canonical form of a typed reference, or None if it is not valid.

    Spaces, hyphens and case are ignored; I, L and O are read as 1, 1 and 0.
    """
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_ALIASES)
    if len(cleaned) != LENGTH or any(char not in _INDEX for char in cleaned):
        return None
    body, check = cleaned[:-1], cleaned[-1]
    return cleaned if _check_character(body) == check else None


def display(reference: str) -> str:
    """Return the reference as people read it: ``XXXXX-XXXXX``."""
    return f"{reference[:5]}-{reference[5:]}"
