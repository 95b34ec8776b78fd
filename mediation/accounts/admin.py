"""The admin is for communities, staff and roles; personal case data is not editable here.

Two-factor devices are not in the admin: their secrets must never be shown to
anyone but their owner. Administrators reset a user's two-factor sign-in
instead (the user sets up an app again at their next sign-in).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mediation.accounts import services
from mediation.accounts.models import Community, RoleAssignment, User
from mediation.accounts.otp import StaticDevice, TOTPDevice
from mediation.audit.actors import Actor
from mediation.audit.models import ActorRole

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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
