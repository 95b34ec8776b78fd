"""End staff sessions that are idle too long, too old, or were never verified."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from mediation.accounts import services, sessions


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
