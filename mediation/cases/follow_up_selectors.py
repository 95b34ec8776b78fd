"""Reads of follow-ups: one case's, and the overdue ones across the cases a user may see.

Follow-ups hold dates and a coded result, no personal data: the pages built
on them decrypt nothing, and a list writes one access event per request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import User
from mediation.accounts.selectors import staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.agreement_selectors import agreement_current
from mediation.cases.models import (
    Agreement,
    AssignmentRole,
    Case,
    CaseAssignment,
    FollowUp,
    FollowUpResult,
    Outcome,
    Status,
)
from mediation.cases.references import display
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope, cases_visible_to

FOLLOW_UP = "follow_up"
# Follow-ups still worth doing: of a case whose agreement is being followed up.
OPEN_STATUSES = (Status.AGREEMENT, Status.FOLLOW_UP)
OVERDUE_COLUMNS = (
    "id",
    "due_on",
    "case_id",
    "case__reference",
    "case__status",
    "case__community__slug",
)


def outcome_suggested(results: Sequence[str]) -> Outcome:
    """Return the closing outcome the recorded results point to (the latest that says).

    The last follow-up that reached the parties decides: held, or not held.
    "Partly held", or nobody reached, claims nothing about durability: the
    agreement was reached. The coordinator closing the case may choose otherwise.
    """
    for result in reversed(results):
        if result == FollowUpResult.HELD:
            return Outcome.AGREEMENT_HELD
        if result == FollowUpResult.NOT_HELD:
            return Outcome.AGREEMENT_NOT_HELD
        if result == FollowUpResult.PARTLY:
            return Outcome.AGREEMENT
    return Outcome.AGREEMENT


@dataclass(frozen=True)
class FollowUpLine:
    id: uuid.UUID
    due_on: date
    days_overdue: int
    result: str
    result_label: str
    recorded_at: datetime | None
    recorded_by: str

    @property
    def is_open(self) -> bool:
        return self.recorded_at is None


@dataclass(frozen=True)
class FollowUpPage:
    case: Case
    role: ActorRole
    agreement: Agreement | None
    lines: list[FollowUpLine]

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR

    @property
    def all_recorded(self) -> bool:
        return bool(self.lines) and not any(line.is_open for line in self.lines)

    @property
    def can_record(self) -> bool:
        return self.case.status == Status.FOLLOW_UP

    @property
    def can_start(self) -> bool:
        """Whether the case can move into follow-up (it needs an open follow-up)."""
        return self.case.status == Status.AGREEMENT and any(line.is_open for line in self.lines)

    @property
    def can_add(self) -> bool:
        return self.agreement is not None and self.case.status in OPEN_STATUSES

    @property
    def can_close(self) -> bool:
        return self.is_coordinator and self.case.status == Status.FOLLOW_UP and self.all_recorded

    @property
    def suggested_outcome(self) -> Outcome:
        recorded = sorted(
            (line for line in self.lines if not line.is_open),
            key=lambda line: (line.due_on, line.recorded_at),
        )
        return outcome_suggested([line.result for line in recorded])


def follow_ups_page_for_user(*, user: User, reference: str) -> FollowUpPage:
    """Return the follow-ups of the case's agreement; log the view of the case.

    Raise ``CaseNotFound`` (logged) when the case is out of ``user``'s scope.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    case = scoped.case
    agreement = agreement_current(case)
    today = timezone.localdate()
    labels = {value: str(label) for value, label in FollowUpResult.choices}
    rows = (
        agreement.follow_ups.select_related("recorded_by").order_by("due_on", "id")
        if agreement is not None
        else FollowUp.objects.none()
    )
    access_event_record(
        actor=Actor.staff(user.pk, scoped.role),
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )
    return FollowUpPage(
        case=case,
        role=scoped.role,
        agreement=agreement,
        lines=[
            FollowUpLine(
                id=row.pk,
                due_on=row.due_on,
                days_overdue=(today - row.due_on).days if row.recorded_at is None else 0,
                result=row.result,
                result_label=labels.get(row.result, ""),
                recorded_at=row.recorded_at,
                recorded_by=row.recorded_by.username if row.recorded_by else "",
            )
            for row in rows
        ],
    )


class OverdueListNotAvailable(Http404):
    """Only coordinators and mediators follow up agreements."""


def follow_ups_overdue_for_user(*, user: User) -> QuerySet[FollowUp]:
    """Return follow-ups past their date and not recorded, in cases ``user`` may see.

    Oldest first, ready for a list page (no personal data: one access event
    records the request). Coordinators see their communities' cases,
    mediators their own cases; anyone else is refused (404, logged).
    """
    scope = staff_scope(user=user)
    if not scope.is_case_worker:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.LIST,
            object_type=FOLLOW_UP,
            object_id=None,
            purpose=Purpose.CASEWORK,
        )
        raise OverdueListNotAvailable
    access_event_record(
        actor=Actor.staff(
            user.pk, ActorRole.COORDINATOR if scope.coordinator_of else ActorRole.MEDIATOR
        ),
        action=Action.LIST,
        object_type=FOLLOW_UP,
        object_id=None,
        purpose=Purpose.CASEWORK,
    )
    leads = Prefetch(
        "case__assignments",
        queryset=CaseAssignment.objects.filter(ended_at__isnull=True)
        .select_related("mediator")
        .only("case_id", "role", "assigned_at", "mediator__username")
        .order_by("role", "assigned_at"),
        to_attr="active_assignments",
    )
    # The partial index follow_up_open_due serves the filter on open rows and the order.
    return (
        FollowUp.objects.filter(
            recorded_at__isnull=True,
            due_on__lt=timezone.localdate(),
            case__in=cases_visible_to(scope=scope).filter(status__in=OPEN_STATUSES),
        )
        .select_related("case__community")
        .only(*OVERDUE_COLUMNS)
        .prefetch_related(leads)
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class OverdueRow:
    url: str
    reference: str
    community: str
    due_on: date
    days_overdue: int
    mediators: str


def overdue_rows(follow_ups: Iterable[FollowUp]) -> list[OverdueRow]:
    """Return the rows of the overdue list (with ``active_assignments`` prefetched)."""
    today = timezone.localdate()
    placeholder = "0000000000"
    pattern = reverse("cases:follow_ups", kwargs={"reference": placeholder})
    rows = []
    for follow_up in follow_ups:
        case = follow_up.case
        assignments: list[CaseAssignment] = case.active_assignments  # type: ignore[attr-defined]
        leads_first = sorted(assignments, key=lambda a: a.role != AssignmentRole.LEAD)
        rows.append(
            OverdueRow(
                url=pattern.replace(placeholder, case.reference),
                reference=display(case.reference),
                community=case.community.slug,
                due_on=follow_up.due_on,
                days_overdue=(today - follow_up.due_on).days,
                mediators=", ".join(a.mediator.username for a in leads_first),
            )
        )
    return rows
