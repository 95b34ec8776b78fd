"""The case page's timeline: the latest events as lines of text, made once per page.

The events are read as plain columns and their labels looked up in maps made
once per page: as model instances, with each label, status pair and reason
resolved by the template, 18 events cost ~1.3 ms of the page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext

from mediation.cases.models import CaseEvent, EventKind, Reason, Status
from mediation.compiled import CompiledQuery

# The case page shows the latest events; a long case keeps the rest (and the log).
TIMELINE_LENGTH = 50


# Compiled once (CompiledQuery, decision 0016).
_LATEST_EVENTS = CompiledQuery(
    lambda case_id: CaseEvent.objects.filter(case_id=case_id)
    .order_by("-occurred_at", "-id")
    .values("kind", "from_status", "to_status", "reason", "occurred_at", "actor__username")[
        :TIMELINE_LENGTH
    ]
)


@dataclass(frozen=True)
class TimelineLine:
    occurred_at: datetime
    kind: str
    # What happened, in the language of the page: "Submitted → Screening (reason)".
    text: str
    # The username of the member of staff who did it; "" for the resident or the system.
    actor: str


def timeline_lines(*, case_id: uuid.UUID) -> list[TimelineLine]:
    """Return the latest ``TIMELINE_LENGTH`` events of the case, newest first."""
    events = _LATEST_EVENTS.fetch(case_id)
    kinds = {value: str(label) for value, label in EventKind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    reasons = {value: str(label) for value, label in Reason.choices}
    # The same message the template's blocktranslate used, so the catalogue's
    # translation still applies.
    change = gettext("%(source)s → %(target)s")
    lines = []
    for event in events:
        kind = event["kind"]
        if kind == EventKind.STATUS_CHANGED:
            source, target = event["from_status"], event["to_status"]
            text = change % {
                "source": statuses.get(source, source),
                "target": statuses.get(target, target),
            }
        else:
            text = kinds.get(kind, kind)
        if event["reason"]:
            text = f"{text} ({reasons.get(event['reason'], event['reason'])})"
        lines.append(
            TimelineLine(
                occurred_at=event["occurred_at"],
                kind=kind,
                text=text,
                actor=event["actor__username"] or "",
            )
        )
    return lines
