"""The state between the two sign-in steps, and the moment sign-in completes.

After the password the session holds only a pending sign-in: which user, for
a few minutes. The user is not signed in (``request.user`` stays anonymous),
so no page that needs a signed-in user can be reached with a password alone.
Only ``complete()`` calls Django's ``login()``, after a code has been checked,
and marks the session verified for django-otp in the same step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from mediation.accounts import services
from mediation.accounts.models import User
from mediation.accounts.otp import Device, otp_login
from mediation.accounts.sessions import mark_signed_in

PENDING_KEY = "staff_sign_in_pending"
# Time allowed between the password and the code (or finishing enrolment).
PENDING_SECONDS = 10 * 60


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next_url: str


def begin(request: HttpRequest, *, user: User, next_url: str) -> None:
    """Remember that ``user`` gave the right password; ask for the second step next."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "mediation.accounts.backends.StaffBackend"),
        "hash": user.get_session_auth_hash(),
        "at": time.time(),
        "next": next_url,
    }


def pending(request: HttpRequest) -> Pending | None:
    """Return the pending sign-in, or None if there is none or it is stale.

    Stale means too old, or the account changed since the password was given
    (deactivated, password changed, sessions ended).
    """
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        abandon(request)
        return None
    user = User.objects.filter(pk=int(data.get("user", 0)), is_active=True).first()
    if user is None or not constant_time_compare(
        str(data.get("hash", "")), user.get_session_auth_hash()
    ):
        abandon(request)
        return None
    return Pending(user=user, backend=str(data["backend"]), next_url=str(data.get("next", "")))


def abandon(request: HttpRequest) -> None:
    """Forget the pending sign-in (after a lockout, or when it went stale)."""
    request.session.pop(PENDING_KEY, None)


def complete(request: HttpRequest, *, signed_in: Pending, device: Device, object_type: str) -> None:
    """Sign the user in, verified by ``device``, and record it."""
    abandon(request)
    with transaction.atomic():
        login(request, signed_in.user, backend=signed_in.backend)
        otp_login(request, device)
        mark_signed_in(request.session)
        services.sign_in_succeeded(
            user=signed_in.user, object_type=object_type, device_id=device.pk
        )
