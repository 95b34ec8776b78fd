"""Reads for assignment, scoped and logged.

Coordinators see the mediators of their communities and assign them to
their communities' cases; a mediator sees their own profile and only the
number of their declarations. Anything out of scope is a 404, logged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from mediation.accounts.models import Role, RoleAssignment, User
from mediation.accounts.selectors import StaffScope, staff_scope
from mediation.assignment.conflicts import conflict_results, result_for
from mediation.assignment.models import (
    Availability,
    ConflictDeclaration,
    ConflictResult,
    Language,
    MediatorObjection,
    MediatorProfile,
)
from mediation.assignment.rules import status_problem
from mediation.assignment.suggestions import (
    Suggestion,
    active_load,
    assignment_suggestions,
    case_needs,
    community_mediator_rows,
)
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Category,
    PartyRole,
    Status,
)
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope, cases_visible_to

PROFILE_OBJECT = "mediator_profile"
DECLARATIONS_OBJECT = "conflict_declarations"
MEDIATOR_LIST_OBJECT = "mediator"
QUEUE_LIMIT = 100


class MediatorNotFound(Http404):
    """No such mediator in the caller's communities (deliberately the same as not existing)."""


def mediators_in(community_ids: frozenset[int]) -> QuerySet[User]:
    """Return the users, active or not, who hold the mediator role in any of the communities."""
    return User.objects.filter(
        pk__in=(
            User.objects.filter(
                role_assignments__role=Role.MEDIATOR,
                role_assignments__community_id__in=community_ids,
            ).values("pk")
        )
    )


def mediator_for_coordinator(
    *, user: User, mediator_id: int, action: Action = Action.UPDATE
) -> User:
    """Return the mediator if they work in one of ``user``'s communities; otherwise log, 404."""
    scope = staff_scope(user=user)
    mediator = (
        mediators_in(scope.coordinator_of).filter(pk=mediator_id).first()
        if scope.coordinator_of
        else None
    )
    if mediator is None:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=action,
            object_type=PROFILE_OBJECT,
            object_id=mediator_id,
            purpose=Purpose.CASEWORK,
        )
        raise MediatorNotFound
    return mediator


def mediator_for_deactivation(*, user: User, mediator_id: int) -> User:
    """Return the mediator for the deactivation page and log the view (a 404 if not theirs)."""
    mediator = mediator_for_coordinator(user=user, mediator_id=mediator_id, action=Action.VIEW)
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.VIEW,
        object_type=PROFILE_OBJECT,
        object_id=mediator.pk,
        purpose=Purpose.CASEWORK,
    )
    return mediator


# ---- the assignment page of one case -----------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    """A mediator on the case now, or in the past."""

    id: int
    mediator_id: int
    username: str
    role: str
    role_label: str
    assigned_at: datetime
    ended_at: datetime | None
    check_label: str
    mediator_active: bool
    objected: bool
    conflict_now: ConflictResult | None = None


@dataclass(frozen=True)
class ObjectionRow:
    party_label: str
    username: str
    recorded_at: datetime


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class AssignmentPage:
    case: Case
    suggestions: list[Suggestion]
    candidate_count: int
    languages: list[str]
    unnamed_parties: int
    current: list[AssignmentRow]
    past: list[AssignmentRow]
    objections: list[ObjectionRow]
    parties: list[Choice]
    mediators: list[Choice]
    status_problem: str
    can_mark_assigned: bool

    @property
    def has_lead(self) -> bool:
        return any(row.role == AssignmentRole.LEAD for row in self.current)


def _party_labels(parties: tuple[tuple[uuid.UUID, str], ...]) -> dict[uuid.UUID, str]:
    labels: dict[uuid.UUID, str] = {}
    others = [pk for pk, role in parties if role == PartyRole.OTHER_PARTY]
    for pk, role in parties:
        label = str(PartyRole(role).label)
        if role == PartyRole.OTHER_PARTY and len(others) > 1:
            label = f"{label} {others.index(pk) + 1}"
        labels[pk] = label
    return labels


def _assignment_rows(
    case: Case, objected: set[int], hashes: list[str], rows: list[dict[str, Any]]
) -> tuple[list[AssignmentRow], list[AssignmentRow]]:
    assignments = list(
        CaseAssignment.objects.filter(case=case)
        .select_related("mediator", "conflict_check")
        .order_by("-assigned_at", "-pk")
    )
    # The community's mediators' declarations came with ``rows``; only a current
    # mediator who is no longer one of them (deactivated) needs a query of its own.
    conflicts = {row["id"]: ConflictResult.CONFLICT for row in rows if row["declared"]}
    known = {row["id"] for row in rows}
    others = [
        a.mediator_id for a in assignments if a.ended_at is None and a.mediator_id not in known
    ]
    if others:
        conflicts |= conflict_results(hashes=hashes, mediator_ids=others)
    roles = dict(AssignmentRole.choices)
    checks = dict(ConflictResult.choices)
    current: list[AssignmentRow] = []
    past: list[AssignmentRow] = []
    for assignment in assignments:
        check = getattr(assignment, "conflict_check", None)
        is_current = assignment.ended_at is None
        row = AssignmentRow(
            id=assignment.pk,
            mediator_id=assignment.mediator_id,
            username=assignment.mediator.username,
            role=assignment.role,
            role_label=str(roles.get(assignment.role, assignment.role)),
            assigned_at=assignment.assigned_at,
            ended_at=assignment.ended_at,
            check_label=str(checks[check.result]) if check else "",
            mediator_active=assignment.mediator.is_active,
            objected=assignment.mediator_id in objected,
            conflict_now=(
                result_for(conflicts, assignment.mediator_id, hashes) if is_current else None
            ),
        )
        (current if is_current else past).append(row)
    current.sort(key=lambda row: (row.role != AssignmentRole.LEAD, row.assigned_at))
    return current, past


def assignment_page(*, user: User, reference: str, show_all: bool = False) -> AssignmentPage:
    """Return everything the assignment page of a case shows, for its coordinator; log the view.

    The page shows no party's personal data, but the conflict checks read
    the parties' name hashes: one view event for the case.
    """
    case = case_in_scope(
        user=user, reference=reference, action=Action.VIEW, coordinator_only=True
    ).case
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )
    needs = case_needs(case)
    party_labels = _party_labels(needs.parties)
    objection_rows = list(
        MediatorObjection.objects.filter(case=case)
        .select_related("mediator")
        .only("party_id", "mediator_id", "mediator__username", "recorded_at")
        .order_by("recorded_at")
    )
    objected = {objection.mediator_id for objection in objection_rows}
    rows = community_mediator_rows(case, needs)
    suggestions, count = assignment_suggestions(
        case=case, limit=None if show_all else 10, needs=needs, objected=objected, rows=rows
    )
    current, past = _assignment_rows(case, objected, needs.hashes, rows)
    language_labels = dict(Language.choices)
    problem = status_problem(case)
    return AssignmentPage(
        case=case,
        suggestions=suggestions,
        candidate_count=count,
        languages=[str(language_labels.get(code, code)) for code in needs.languages],
        unnamed_parties=sum(1 for value in needs.hashes if not value),
        current=current,
        past=past,
        objections=[
            ObjectionRow(
                party_label=party_labels.get(o.party_id, ""),
                username=o.mediator.username,
                recorded_at=o.recorded_at,
            )
            for o in objection_rows
        ],
        parties=[Choice(str(pk), party_labels[pk]) for pk, _role in needs.parties],
        mediators=[
            Choice(str(row["id"]), row["username"])
            for row in sorted(rows, key=lambda row: row["username"])
        ],
        status_problem=str(problem) if problem else "",
        can_mark_assigned=case.status == Status.SCREENING
        and any(row.role == AssignmentRole.LEAD for row in current),
    )


# ---- mediators and the coordinator's queues ------------------------------------


@dataclass(frozen=True)
class MediatorRow:
    id: int
    username: str
    is_active: bool
    has_profile: bool
    is_available: bool
    load: int
    max_cases: int
    languages: str
    categories: str
    availability: str
    communities: str

    @property
    def is_full(self) -> bool:
        return self.load >= self.max_cases


def _labels(codes: list[str] | None, labels: dict[str, str]) -> str:
    return ", ".join(labels[code] for code in labels if code in (codes or []))


def mediator_rows(*, user: User) -> QuerySet[User, dict[str, Any]]:
    """Return the mediators of ``user``'s communities as plain values, by username; log the list.

    Page through it, then turn a page into rows with ``mediator_page_rows``.
    """
    scope = staff_scope(user=user)
    if not scope.coordinator_of:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.LIST,
            object_type=MEDIATOR_LIST_OBJECT,
            object_id=None,
            purpose=Purpose.CASEWORK,
        )
        raise MediatorNotFound
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.LIST,
        object_type=MEDIATOR_LIST_OBJECT,
        object_id=None,
        purpose=Purpose.CASEWORK,
    )
    return (
        mediators_in(scope.coordinator_of)
        .annotate(load=active_load())
        .values(
            "id",
            "username",
            "is_active",
            "mediator_profile__id",
            "mediator_profile__is_available",
            "mediator_profile__languages",
            "mediator_profile__categories",
            "mediator_profile__availability",
            "mediator_profile__max_active_cases",
            "load",
        )
        .order_by("username")
    )


def mediator_page_rows(*, scope: StaffScope, values: list[dict[str, Any]]) -> list[MediatorRow]:
    """Return list rows for one page of ``mediator_rows``, with their communities (one query)."""
    ids = [value["id"] for value in values]
    communities: dict[int, list[str]] = {}
    for user_id, slug in (
        RoleAssignment.objects.filter(
            role=Role.MEDIATOR, user_id__in=ids, community_id__in=scope.coordinator_of
        )
        .order_by("community__slug")
        .values_list("user_id", "community__slug")
    ):
        communities.setdefault(user_id, []).append(slug)
    languages = {v: str(label) for v, label in Language.choices}
    categories = {v: str(label) for v, label in Category.choices}
    times = {v: str(label) for v, label in Availability.choices}
    default = MediatorProfile._meta.get_field("max_active_cases").get_default()
    return [
        MediatorRow(
            id=value["id"],
            username=value["username"],
            is_active=value["is_active"],
            has_profile=value["mediator_profile__id"] is not None,
            is_available=value["mediator_profile__is_available"] is not False,
            load=value["load"],
            max_cases=value["mediator_profile__max_active_cases"] or default,
            languages=_labels(value["mediator_profile__languages"], languages),
            categories=_labels(value["mediator_profile__categories"], categories),
            availability=_labels(value["mediator_profile__availability"], times),
            communities=", ".join(communities.get(value["id"], [])),
        )
        for value in values
    ]


@dataclass(frozen=True)
class QueueRow:
    reference: str
    category: str
    status: str
    submitted_at: datetime
    mediator: str = ""
    role: str = ""


def _coordinator_scope(user: User) -> StaffScope:
    scope = staff_scope(user=user)
    if not scope.coordinator_of:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.LIST,
            object_type=OBJECT_TYPE,
            object_id=None,
            purpose=Purpose.CASEWORK,
        )
        raise Http404
    return scope


def cases_to_reassign(
    *, user: User, mediator_id: int | None = None, include_active_mediators: bool = False
) -> list[QueueRow]:
    """Return the cases in progress whose mediator has been deactivated, oldest first.

    Limited to ``user``'s communities (and to one mediator with ``mediator_id``;
    with ``include_active_mediators`` their cases whether deactivated or not);
    at most ``QUEUE_LIMIT`` rows. The caller logs the page.
    """
    scope = _coordinator_scope(user)
    rows = CaseAssignment.objects.filter(
        ended_at__isnull=True,
        case__community_id__in=scope.coordinator_of,
        case_in_progress=True,
    )
    if not include_active_mediators:
        # Few mediators are ever deactivated: find them first (a small set), so
        # the common answer "none" costs one query instead of a walk over every
        # open case of the community.
        inactive = list(
            User.objects.filter(is_active=False, case_assignments__ended_at__isnull=True)
            .values_list("pk", flat=True)
            .distinct()
        )
        if not inactive:
            return []
        rows = rows.filter(mediator_id__in=inactive)
    if mediator_id is not None:
        rows = rows.filter(mediator_id=mediator_id)
    categories = {v: str(label) for v, label in Category.choices}
    statuses = {v: str(label) for v, label in Status.choices}
    roles = {v: str(label) for v, label in AssignmentRole.choices}
    return [
        QueueRow(
            reference=row["case__reference"],
            category=categories.get(row["case__category"], ""),
            status=statuses.get(row["case__status"], ""),
            submitted_at=row["case__submitted_at"],
            mediator=row["mediator__username"],
            role=roles.get(row["role"], ""),
        )
        for row in rows.values(
            "case__reference",
            "case__category",
            "case__status",
            "case__submitted_at",
            "mediator__username",
            "role",
        ).order_by("case__submitted_at", "case_id")[:QUEUE_LIMIT]
    ]


def cases_awaiting_mediators(*, user: User) -> list[QueueRow]:
    """Return the cases in screening with no lead mediator yet in ``user``'s communities.

    Oldest first, at most ``QUEUE_LIMIT``; logs one list event.
    """
    scope = _coordinator_scope(user)
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.LIST,
        object_type=OBJECT_TYPE,
        object_id=None,
        purpose=Purpose.CASEWORK,
    )
    lead = CaseAssignment.objects.filter(
        case=OuterRef("pk"), role=AssignmentRole.LEAD, ended_at__isnull=True
    )
    cases = (
        cases_visible_to(scope=scope)
        .filter(community_id__in=scope.coordinator_of, status=Status.SCREENING)
        .exclude(Exists(lead))
        .only("reference", "category", "status", "submitted_at")
        .order_by("submitted_at", "id")[:QUEUE_LIMIT]
    )
    categories = {v: str(label) for v, label in Category.choices}
    return [
        QueueRow(
            reference=case.reference,
            category=categories.get(case.category, ""),
            status=str(Status(case.status).label),
            submitted_at=case.submitted_at,
        )
        for case in cases
    ]


# ---- a mediator's own records ---------------------------------------------------


def _require_mediator(user: User, object_type: str) -> StaffScope:
    scope = staff_scope(user=user)
    if not scope.is_mediator:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.VIEW,
            object_type=object_type,
            object_id=user.pk,
            purpose=Purpose.CASEWORK,
        )
        raise MediatorNotFound
    return scope


def declaration_count(*, user: User) -> int:
    """Return how many people ``user`` has declared they know (the names cannot be read back)."""
    _require_mediator(user, DECLARATIONS_OBJECT)
    return ConflictDeclaration.objects.filter(mediator=user).count()


@dataclass(frozen=True)
class ProfileView:
    mediator: User
    profile: MediatorProfile
    is_own: bool


def profile_for_edit(*, user: User, mediator_id: int | None = None) -> ProfileView:
    """Return a mediator's profile (a blank one if they have none) for them or their coordinator.

    Without ``mediator_id``, the user's own; otherwise a mediator of one of the
    user's communities. Logs the view.
    """
    if mediator_id is None or mediator_id == user.pk:
        _require_mediator(user, PROFILE_OBJECT)
        mediator, role = user, ActorRole.MEDIATOR
    else:
        mediator = mediator_for_coordinator(user=user, mediator_id=mediator_id, action=Action.VIEW)
        role = ActorRole.COORDINATOR
    profile = MediatorProfile.objects.filter(user=mediator).first() or MediatorProfile(
        user=mediator
    )
    access_event_record(
        actor=Actor.staff(user.pk, role),
        action=Action.VIEW,
        object_type=PROFILE_OBJECT,
        object_id=mediator.pk,
        purpose=Purpose.CASEWORK,
    )
    return ProfileView(mediator=mediator, profile=profile, is_own=mediator.pk == user.pk)
