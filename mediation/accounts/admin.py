"""The admin is for communities, staff and roles; personal case data is not editable here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from mediation.accounts.models import Community, RoleAssignment, User


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
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff")
    search_fields = ("username",)
    inlines = [RoleAssignmentInline]
