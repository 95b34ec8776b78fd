"""The Django admin, reachable only from a staff session verified with two factors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from mediation.accounts import services
from mediation.audit.actors import Actor
from mediation.audit.coverage import logs_access
from mediation.audit.models import Action


class StaffAdminSite(OTPAdminSite):
    """django-otp's admin site, signing in through the staff sign-in pages.

    The admin's own login form is never shown: it would be a second way in
    with its own rules. Unverified or signed-out visitors are sent to the
    staff sign-in; a signed-in member of staff without admin rights is refused.
    """

    site_header = "Community mediation administration"
    site_title = "Community mediation administration"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @logs_access("view admin_site")
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            services.admin_site_refused(user_id=int(request.user.pk or 0))
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index", current_app=self.name))
        )

    @logs_access("delete staff_session")
    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponseBase:
        from mediation.accounts.views import SignOutView

        return SignOutView.as_view()(request)

    @logs_access("update staff_user")
    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Change one's own password here too, and record it."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            services.staff_account_accessed(
                actor=Actor.staff(int(request.user.pk or 0)),
                action=Action.UPDATE,
                user_id=request.user.pk,
            )
        return response
