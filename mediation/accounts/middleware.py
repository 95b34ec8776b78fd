"""Staff sessions: their two-factor device checked with the user, and ended when they
are idle too long, too old, or were never verified."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from mediation.accounts import services, sessions
from mediation.accounts.otp import DEVICE_ID_SESSION_KEY, OTPMiddleware
from mediation.accounts.selectors import confirmed_devices


class StaffOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, checking the session's device against the user's own query.

    django-otp reads the session's device on every request (a query) to check
    that it still exists, is confirmed and belongs to the user. ``StaffBackend``
    reads the ids of the user's confirmed devices with the user, so the same
    check needs no query: the device itself is loaded only if something asks
    more of it than that it is there. A user read some other way, and the
    async path, go through django-otp's own code.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        known = confirmed_devices(user) if user.is_authenticated else None
        if known is None:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id and self._normalize_persistent_id(persistent_id) in known:
            user.otp_device = SimpleLazyObject(
                partial(self._device_from_persistent_id, persistent_id)
            )
        elif DEVICE_ID_SESSION_KEY in request.session:
            # As django-otp does: a device that is gone, unconfirmed or not the user's.
            del request.session[DEVICE_ID_SESSION_KEY]
        return user


class StaffSessionMiddleware:
    """Sign out a staff session past its idle or absolute timeout, or without two factors.

    Runs after django-otp's middleware. A session that fails the check is
    ended (logged), and the request goes on as anonymous: a staff page sends
    it to sign in, a public page is unaffected. Resident status-page access is
    not a signed-in user and has its own idle expiry.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            verified = getattr(user, "is_verified", None)
            expiry = (
                sessions.check(request.session)
                if verified is not None and verified()
                else sessions.Expiry.UNVERIFIED
            )
            if expiry is not None:
                user_id = user.pk
                logout(request)
                services.session_expired(user_id=user_id, expiry=expiry)
                if expiry in (sessions.Expiry.IDLE, sessions.Expiry.ABSOLUTE):
                    messages.info(request, _EXPIRED_MESSAGES[expiry]())
        return self.get_response(request)


_EXPIRED_MESSAGES = {
    sessions.Expiry.IDLE: lambda: gettext(
        "You were signed out because the page was left unused. Sign in again to go on."
    ),
    sessions.Expiry.ABSOLUTE: lambda: gettext(
        "You were signed out because you had been signed in for many hours. Sign in again."
    ),
}
