"""Database sessions that create their row with one INSERT.

Django's database store asks whether a freshly drawn key already exists (a
SELECT) before inserting it. The INSERT refuses a duplicate key anyway (the
store turns that into ``CreateError`` and ``create()`` draws another key), and
a clash of two random 32-character keys is not going to happen, so the SELECT
only costs a round trip on every sign-in.

Where the shared cache is Redis, settings use ``cached_session_store``
instead: the same rows, read through the cache.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


def new_session_key() -> str:
    return get_random_string(32, VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        return new_session_key()
