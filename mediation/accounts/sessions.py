"""The staff session: when it began and when it was last used, for the timeouts.

A staff session is only ever created by the sign-in flow, after both steps;
``mark_signed_in`` stamps it then. ``StaffSessionMiddleware`` ends a session
without a stamp, one idle for longer than ``MEDIATION_STAFF_IDLE_SECONDS`` and
one older than ``MEDIATION_STAFF_ABSOLUTE_SECONDS``.
"""

from __future__ import annotations

import time
from enum import StrEnum

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "staff_session"
# The last-seen stamp is written at most this often, so that most requests do
# not rewrite the session row; the idle timeout is exact to within this.
SEEN_RESOLUTION_SECONDS = 60


class Expiry(StrEnum):
    UNVERIFIED = "unverified"
    UNSTAMPED = "unstamped"
    IDLE = "idle"
    ABSOLUTE = "absolute"


def mark_signed_in(session: SessionBase, *, now: float | None = None) -> None:
    """Stamp a freshly signed-in staff session."""
    moment = time.time() if now is None else now
    session[SESSION_KEY] = {"since": moment, "seen": moment}


def check(session: SessionBase, *, now: float | None = None) -> Expiry | None:
    """Return why the staff session has expired, or None after recording this use of it."""
    moment = time.time() if now is None else now
    stamp = session.get(SESSION_KEY)
    if not isinstance(stamp, dict):
        return Expiry.UNSTAMPED
    since, seen = float(stamp.get("since", 0)), float(stamp.get("seen", 0))
    if moment - since > settings.MEDIATION_STAFF_ABSOLUTE_SECONDS:
        return Expiry.ABSOLUTE
    if moment - seen > settings.MEDIATION_STAFF_IDLE_SECONDS:
        return Expiry.IDLE
    if moment - seen >= SEEN_RESOLUTION_SECONDS:
        session[SESSION_KEY] = {"since": since, "seen": moment}
    return None
