"""The staff case list: no personal data, sortable only on indexed columns."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import Case


class CaseTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Case reference"),
        accessor="display_reference",
        linkify=("cases:detail", {"reference": tables.A("reference")}),
        orderable=False,
    )
    category = tables.Column(verbose_name=_("Category"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    community = tables.Column(
        verbose_name=_("Community"), accessor="community__slug", orderable=False
    )
    submitted_at = tables.DateTimeColumn(
        verbose_name=_("Submitted"), format="Y-m-d H:i", order_by=("submitted_at", "id")
    )
    assignees = tables.Column(
        verbose_name=_("Mediators"), accessor="active_assignments", orderable=False, empty_values=()
    )

    class Meta:
        model = Case
        fields = ("reference", "category", "status", "community", "submitted_at", "assignees")
        order_by = ("-submitted_at",)
        template_name = "cases/_table.html"
        attrs = {"class": "data-table"}
        empty_text = _("No cases to show. New requests from your communities appear here.")

    def render_assignees(self, value: Any) -> str:
        names = [assignment.mediator.username for assignment in value]
        return ", ".join(names) if names else "—"
