"""Partner organisations are configuration, kept by administrators in the admin.

Nothing else of the cases app is registered: cases, parties and referrals
hold personal data and are never editable here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mediation.cases.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_zh", "kind", "language", "is_active")
    list_filter = ("kind", "is_active", "communities")
    search_fields = ("slug", "name_en", "name_zh")
    filter_horizontal = ("communities",)
    fields = ("slug", "name_en", "name_zh", "kind", "email", "language", "communities", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Consents to share name a partner by its short name: it cannot change.
        return ("slug",) if obj is not None else ()
