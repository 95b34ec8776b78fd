"""Database sessions read through the shared Redis cache (Django's ``cached_db``).

Every staff page and every resident status page reads its session: from
Redis that is one round trip, where the database costs a query through the
ORM (~0.5 ms of a page here). Writes still go to the database first, so the
rows stay the record and ``clearsessions`` still clears them; the cached copy
expires with the session, and signing out deletes both. Used only where
``CACHE_URL`` is Redis (settings): with the database cache it would only add
a second table to read.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore

from mediation.accounts.session_store import new_session_key


class SessionStore(CachedDatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        return new_session_key()
