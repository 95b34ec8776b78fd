"""Rows for the staff case list and triage queue, prepared once per page.

Lists show no personal data, so rows are built from plain columns only: the
selectors return dicts of ``LIST_COLUMNS`` (building model instances cost more
than the queries), the case list's with each case's active mediators as one
more column. Labels are looked up in maps made once per page: Django's
``get_FOO_display()`` rebuilds the choices map and translates every label on
each call, which dominated the page's time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from mediation.cases.models import Category, IntakeChannel, Status
from mediation.cases.references import display
from mediation.cases.selectors import mediator_pairs


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


def case_rows(cases: Iterable[Mapping[str, Any]]) -> list[CaseRow]:
    """Return the list rows of ``cases`` (dicts with the selectors' list columns)."""
    categories = {value: str(label) for value, label in Category.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in IntakeChannel.choices}
    # Every case URL differs only in its reference: build the pattern once.
    placeholder = "0000000000"
    pattern = reverse("cases:detail", kwargs={"reference": placeholder})
    return [
        CaseRow(
            url=pattern.replace(placeholder, case["reference"]),
            reference=display(case["reference"]),
            category=categories.get(case["category"], case["category"]),
            status=statuses.get(case["status"], case["status"]),
            community=case["community__slug"],
            submitted_at=case["submitted_at"],
            # Only the case list selects the mediators, only the triage queue these two.
            mediators=mediator_names(case.get("mediators")),
            channel=channels.get(case.get("intake_channel", ""), ""),
            safety_flagged=bool(case.get("safety_flagged", False)),
        )
        for case in cases
    ]


def mediator_names(joined: str | None) -> str:
    """``"co:mei,lead:tom"`` -> ``"tom, mei"``: the lead mediator first, then by name."""
    return ", ".join(name for _role, name in mediator_pairs(joined))
