"""django-axes, minimised: lockout per username, with no address or user agent kept.

Axes counts failed sign-in attempts (wrong password, wrong code) per username
and refuses that username for a cool-off once the limit is reached. What it
stores is cut down to what counting needs:

- the username as a keyed hash, so whatever a stranger types into the username
  box (a password by mistake, someone's email) is never stored;
- no client address: the lockout is per username, not per address;
- no user agent and no Accept header.

The sign-in views ask ``username_locked()`` before checking anything, and
report failed codes with ``failure_count()``; the settings point Axes here
(``AXES_HANDLER``, ``AXES_USERNAME_CALLABLE``, ``AXES_CLIENT_IP_CALLABLE``,
``AXES_LOCKOUT_CALLABLE``).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """Return the keyed hash Axes stores and counts in place of the username."""
    if credentials:
        typed = credentials.get("username")
    elif request is not None:
        typed = getattr(request, "POST", {}).get("username")
    else:
        typed = None
    if typed is None:
        return None
    return username_hash(str(typed))


def username_hash(username: str) -> str:
    """Return the keyed hash of ``username`` as typed (normalised like Django's form does)."""
    canonical = unicodedata.normalize("NFKC", username)
    return hmac.new(
        settings.SECRET_KEY.encode(), b"sign-in|" + canonical.encode(), hashlib.sha256
    ).hexdigest()


def no_client_address(request: HttpRequest) -> None:
    """Give Axes no client address: lockouts are per username, and no address is kept."""
    return None


def _minimise(request: HttpRequest | None) -> None:
    if request is not None:
        request.axes_ip_address = None  # type: ignore[attr-defined]
        request.axes_user_agent = ""  # type: ignore[attr-defined]
        request.axes_http_accept = ""  # type: ignore[attr-defined]


class MinimisedDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler, with the client's address and browser blanked before each write."""

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        _minimise(request)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _minimise(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _minimise(request)
        super().user_logged_out(sender, request, user, **kwargs)


def username_locked(request: HttpRequest, username: str) -> bool:
    """Return whether ``username`` is locked out now (whether or not such a user exists)."""
    return bool(AxesProxyHandler.is_locked(request, {"username": username}))


def failure_count(request: HttpRequest, username: str) -> bool:
    """Count a failed second step against ``username``; return whether it is now locked out.

    Sent as Django's ``user_login_failed`` signal, the one Axes listens to, so
    that a wrong password and a wrong code share one budget.
    """
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def lockout_reset(username: str) -> int:
    """Lift the lockout of ``username`` (an administrator's action); return the rows removed."""
    return int(AxesProxyHandler.reset_attempts(username=username_hash(username)))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """Answer a locked-out attempt: the same page whichever username was tried."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
