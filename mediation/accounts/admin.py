"""The admin is for communities, staff and roles; personal case data is not editable here.

Two-factor devices are not in the admin: their secrets must never be shown to
anyone but their owner. Administrators reset a user's two-factor sign-in
instead (the user sets up an app again at their next sign-in).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mediation.accounts import services
from mediation.accounts.models import Community, RoleAssignment, User
from mediation.accounts.otp import StaticDevice, TOTPDevice
from mediation.audit.actors import Actor
from mediation.audit.coverage import logs_access
from mediation.audit.models import Action, ActorRole

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(int(request.user.pk or 0), ActorRole.ADMINISTRATOR)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_zh", "is_accepting_requests")
    search_fields = ("slug",)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


def _viewed(request: HttpRequest, response: HttpResponse, object_id: str | None) -> HttpResponse:
    """Record that a page showing staff accounts was shown (a list when ``object_id`` is None)."""
    if response.status_code == 200:
        services.staff_account_accessed(
            actor=_actor(request),
            action=Action.VIEW if object_id is not None else Action.LIST,
            user_id=unquote(object_id) if object_id is not None else None,
        )
    return response


@logs_access(
    "list staff_user",
    "view staff_user",
    "create staff_user",
    "update staff_user",
    "delete staff_user",
    "delete staff_session",
    "delete two_factor",
)
@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff accounts: every page that shows them and every change is in the access log."""

    fieldsets = (
        (None, {"fields": ("username", "password", "email")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff")
    search_fields = ("username",)
    inlines = [RoleAssignmentInline]
    actions = ["deactivate", "end_sessions", "reset_two_factor", "lift_lockout"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return _viewed(request, super().changelist_view(request, extra_context), None)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        return _viewed(request, response, object_id)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        return _viewed(request, super().delete_view(request, object_id, extra_context), object_id)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        return _viewed(request, super().history_view(request, object_id, extra_context), object_id)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        return _viewed(request, super().user_change_password(request, id, form_url), id)

    # The admin's own history hooks see every addition, change and deletion,
    # whichever page or action made it, inside the admin's transaction.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        services.staff_account_accessed(actor=_actor(request), action=Action.CREATE, user_id=obj.pk)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        services.staff_account_accessed(actor=_actor(request), action=Action.UPDATE, user_id=obj.pk)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[User]) -> Any:
        for obj in queryset:
            services.staff_account_accessed(
                actor=_actor(request), action=Action.DELETE, user_id=obj.pk
            )
        return super().log_deletions(request, queryset)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Disabling a user ends every session they have (ASVS 7.4.2).
            services.user_sessions_end(user=obj, actor=_actor(request))

    @admin.action(description=_("Deactivate and sign out everywhere"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_deactivate(user=user, actor=_actor(request))
        self._done(request, queryset.count())

    @admin.action(description=_("Sign out everywhere"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_sessions_end(user=user, actor=_actor(request))
        self._done(request, queryset.count())

    @admin.action(description=_("Reset two-factor sign-in (set up again at next sign-in)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_two_factor_reset(user=user, actor=_actor(request))
        self._done(request, queryset.count())

    @admin.action(description=_("Lift the sign-in lockout"))
    def lift_lockout(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_lockout_lift(user=user, actor=_actor(request))
        self._done(request, queryset.count())

    def _done(self, request: HttpRequest, count: int) -> None:
        self.message_user(
            request,
            ngettext("Done for %(count)d user.", "Done for %(count)d users.", count)
            % {"count": count},
            messages.SUCCESS,
        )
