"""Rows for the staff case list, prepared once per page.

Lists show no personal data, so rows are built from plain columns only. Labels
are looked up in maps made once per page: Django's ``get_FOO_display()``
rebuilds the choices map and translates every label on each call, which
dominated the page's time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from mediation.cases.models import Case, Category, IntakeChannel, Status
from mediation.cases.references import display


@dataclass(frozen=True)
class CaseRow:
    url: str
    reference: str
    category: str
    status: str
    community: str
    submitted_at: datetime
    mediators: str
    channel: str = ""
    safety_flagged: bool = False


def case_rows(cases: Iterable[Case]) -> list[CaseRow]:
    """Return the list rows of ``cases`` (with ``active_assignments`` prefetched)."""
    categories = {value: str(label) for value, label in Category.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in IntakeChannel.choices}
    # Every case URL differs only in its reference: build the pattern once.
    placeholder = "0000000000"
    pattern = reverse("cases:detail", kwargs={"reference": placeholder})
    return [
        CaseRow(
            url=pattern.replace(placeholder, case.reference),
            reference=display(case.reference),
            category=categories.get(case.category, case.category),
            status=statuses.get(case.status, case.status),
            community=case.community.slug,
            submitted_at=case.submitted_at,
            mediators=", ".join(
                a.mediator.username for a in getattr(case, "active_assignments", ())
            ),
            # Read only when the list selected them (the triage queue), never fetched lazily.
            channel=channels.get(case.__dict__.get("intake_channel", ""), ""),
            safety_flagged=bool(case.__dict__.get("safety_flagged", False)),
        )
        for case in cases
    ]
