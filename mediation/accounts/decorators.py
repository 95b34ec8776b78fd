"""The guard for staff pages: signed in with both steps."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


def is_verified_staff(request: HttpRequest) -> bool:
    """Return whether the request comes from a staff session that passed both sign-in steps."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and is_verified is not None and is_verified())


def staff_verified_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the view run only for a verified staff session; send anyone else to sign in.

    ``StaffSessionMiddleware`` already ends any signed-in session that is not
    verified or has timed out; this states the rule at the view as well.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_verified_staff(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
