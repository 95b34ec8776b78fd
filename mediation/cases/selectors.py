"""Reads of cases, scoped to what the caller may see, and logged.

Scope: a coordinator sees the cases of their communities; a mediator sees the
cases they are actively assigned to; nobody else sees any case. A case out
of scope is indistinguishable from one that does not exist (404).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from mediation.accounts.models import User
from mediation.accounts.selectors import StaffScope, staff_scope
from mediation.aggregates import joined_column
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, BreakGlassAccess, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    FINISHED_STATUSES,
    AssignmentRole,
    Case,
    CaseAssignment,
    EventKind,
    Party,
    PartyRole,
    Statement,
    Status,
)
from mediation.cases.references import display, normalise
from mediation.cases.timeline import TimelineLine, timeline_lines
from mediation.compiled import CompiledQuery
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

OBJECT_TYPE = "case"
LIST_COLUMNS = ("id", "reference", "category", "status", "submitted_at", "community__slug")
TRIAGE_COLUMNS = (*LIST_COLUMNS, "intake_channel", "safety_flagged")


class CaseNotFound(Http404):
    """The case does not exist or is outside the caller's scope (deliberately the same)."""


def _active_assignments_of(user_id: int) -> QuerySet[CaseAssignment]:
    return CaseAssignment.objects.filter(mediator_id=user_id, ended_at__isnull=True)


def cases_visible_to(*, scope: StaffScope) -> QuerySet[Case]:
    """Return every case ``scope`` may see, unordered and unlogged (build lists on it)."""
    return _visible_cases(*_visibility(scope))


def _visibility(scope: StaffScope) -> tuple[tuple[int, ...], int | None]:
    """What decides which cases ``scope`` sees: its coordinator's communities, and the
    user whose active assignments count if they mediate."""
    return tuple(sorted(scope.coordinator_of)), scope.user_id if scope.is_mediator else None


def _visible_cases(coordinator_of: tuple[int, ...], mediator_id: int | None) -> QuerySet[Case]:
    condition = Q()
    if coordinator_of:
        condition |= Q(community_id__in=coordinator_of)
    if mediator_id is not None:
        condition |= Q(id__in=_active_assignments_of(mediator_id).values("case_id"))
    if not condition:
        return Case.objects.none()
    return Case.objects.filter(condition)


def _break_glass_in_force(scope: StaffScope, case: Case) -> BreakGlassAccess | None:
    if not (scope.coordinator_of or scope.is_administrator):
        return None
    return (
        BreakGlassAccess.objects.filter(
            user_id=scope.user_id, case_id=case.pk, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def _break_glass_role(scope: StaffScope) -> ActorRole:
    return ActorRole.ADMINISTRATOR if scope.is_administrator else ActorRole.COORDINATOR


def _role_for(scope: StaffScope, case: Case) -> ActorRole:
    if case.community_id in scope.coordinator_of:
        return ActorRole.COORDINATOR
    return ActorRole.MEDIATOR


def _list_role(scope: StaffScope) -> ActorRole:
    return ActorRole.COORDINATOR if scope.coordinator_of else ActorRole.MEDIATOR


@dataclass(frozen=True)
class CaseFilters:
    """What the case list is narrowed to; empty values mean "all"."""

    status: str = ""
    category: str = ""
    community_id: int | None = None


def case_list_for_user(
    *, user: User, filters: CaseFilters | None = None
) -> QuerySet[Case, dict[str, Any]]:
    """Return the list rows (``LIST_COLUMNS`` and ``mediators``) of the cases ``user`` may see.

    Lists show no personal data, so one access event records the request.
    Filters narrow the scope, never widen it. Rows are plain dicts, not model
    instances: a list page shows a few columns of many cases, newest first.
    Each row's active mediators are a column of its own (``_active_mediators``).
    """
    filters = filters or CaseFilters()
    scope = staff_scope(user=user)
    access_event_record(
        actor=Actor.staff(user.pk, _list_role(scope)),
        action=Action.LIST,
        object_type=OBJECT_TYPE,
        object_id=None,
        purpose=Purpose.CASEWORK,
    )
    cases = cases_visible_to(scope=scope)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.community_id is not None:
        cases = cases.filter(community_id=filters.community_id)
    # Only the columns a list shows: never the ciphertext of personal fields.
    return (
        cases.annotate(mediators=_active_mediators())
        .values(*LIST_COLUMNS, "mediators")
        .order_by("-submitted_at", "-id")
    )


def mediator_pairs(joined: str | None) -> list[tuple[str, str]]:
    """Split an ``_active_mediators`` column into (role, username), the lead mediator
    first, then by name (the database promises no order)."""
    if not joined:
        return []
    pairs = [(role, name) for role, _, name in (pair.partition(":") for pair in joined.split(","))]
    return sorted(pairs, key=lambda pair: (pair[0] != AssignmentRole.LEAD, pair[1]))


def _active_mediators() -> Subquery:
    """Each case's active mediators as one column: "lead:username,co:username"."""
    return joined_column(
        CaseAssignment.objects.filter(case_id=OuterRef("pk"), ended_at__isnull=True),
        group="case_id",
        value=Concat("role", Value(":"), "mediator__username", output_field=CharField()),
    )


@dataclass(frozen=True)
class TriageFilters:
    """What a coordinator narrowed the queue to; empty values mean "all"."""

    community_id: int | None = None
    category: str = ""
    intake_channel: str = ""
    safety_flagged: bool | None = None


class TriageNotAvailable(Http404):
    """Only coordinators have a triage queue."""


def triage_queue_for_user(*, user: User, filters: TriageFilters) -> QuerySet[Case, dict[str, Any]]:
    """Return the list rows of new requests in ``user``'s communities, oldest first; log it.

    Lists show no personal data (the safety flag is shown to coordinators
    only, to route the case to screening), so one event records the request.
    """
    scope = staff_scope(user=user)
    if not scope.coordinator_of:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.LIST,
            object_type=OBJECT_TYPE,
            object_id=None,
            purpose=Purpose.TRIAGE,
        )
        raise TriageNotAvailable
    communities = scope.coordinator_of
    if filters.community_id is not None:
        communities = communities & {filters.community_id}
    cases = Case.objects.filter(status=Status.SUBMITTED, community_id__in=communities)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.intake_channel:
        cases = cases.filter(intake_channel=filters.intake_channel)
    if filters.safety_flagged is not None:
        cases = cases.filter(safety_flagged=filters.safety_flagged)
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.LIST,
        object_type=OBJECT_TYPE,
        object_id=None,
        purpose=Purpose.TRIAGE,
    )
    return cases.values(*TRIAGE_COLUMNS).order_by("submitted_at", "id")


def parties_signing_in_with(reference: str) -> QuerySet[Party]:
    """Return the parties whose status-page reference ``reference`` (canonical) is.

    The requester signs in with the case's reference, another party with
    their own, so neither learns the other's.
    """
    # A scalar subquery on the case's unique reference, not a join: the planner
    # then ORs two index lookups instead of scanning both tables.
    case_id = Case.objects.filter(reference=reference).values("pk")[:1]
    return Party.objects.filter(
        Q(case_id=Subquery(case_id), reference__isnull=True) | Q(reference=reference)
    )


def case_for_coordinator(*, user: User, reference: str) -> Case:
    """Return the case if ``user`` coordinates its community; otherwise log and raise 404."""
    return case_in_scope(
        user=user, reference=reference, action=Action.UPDATE, coordinator_only=True
    ).case


@dataclass(frozen=True)
class ScopedCase:
    """A case the caller may work on, and the role they work on it in."""

    case: Case
    role: ActorRole

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR


def case_role(*, scope: StaffScope, case: Case) -> ActorRole | None:
    """Return the role ``scope`` holds on ``case`` (coordinator first), or None.

    A case read by ``case_in_scope`` carries ``assigned_to_caller`` (whether
    the caller is an active mediator on it), read with the case itself.
    """
    if case.community_id in scope.coordinator_of:
        return ActorRole.COORDINATOR
    if not scope.is_mediator:
        return None
    assigned = getattr(case, "assigned_to_caller", None)
    if assigned is None:
        assigned = _active_assignments_of(scope.user_id).filter(case=case).exists()
    return ActorRole.MEDIATOR if assigned else None


def case_in_scope(
    *,
    user: User,
    reference: str,
    action: Action,
    purpose: Purpose = Purpose.CASEWORK,
    coordinator_only: bool = False,
    for_update: bool = False,
) -> ScopedCase:
    """Return the case ``user`` may work on, with their role; otherwise log and raise 404.

    Out of scope and not existing are the same answer. With ``for_update`` the
    case row is locked until the caller's transaction ends.
    """
    scope = staff_scope(user=user)
    canonical = normalise(reference)
    case = None
    if canonical:
        rows = Case.objects.select_related("community", "data_key").filter(reference=canonical)
        if scope.is_mediator:
            # Whether the caller mediates the case, in the same query as the case.
            rows = rows.annotate(
                assigned_to_caller=Exists(
                    _active_assignments_of(scope.user_id).filter(case=OuterRef("pk"))
                )
            )
        case = (rows.select_for_update(of=("self",)) if for_update else rows).first()
    role = case_role(scope=scope, case=case) if case is not None else None
    if coordinator_only and role != ActorRole.COORDINATOR:
        role = None
    if case is None or role is None:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=action,
            object_type=OBJECT_TYPE,
            object_id=case.pk if case is not None else None,
            purpose=purpose,
            community_id=case.community_id if case is not None else None,
        )
        raise CaseNotFound
    return ScopedCase(case=case, role=role)


@dataclass(frozen=True)
class RequesterDetails:
    party_id: uuid.UUID
    contact_channel: str
    contact_detail: str


@dataclass(frozen=True)
class OtherPartyDetails:
    """The other party as the requester described them."""

    identity: str
    approach: str
    contact: str


@dataclass(frozen=True)
class StatementLine:
    added: datetime
    by_role: str
    text: str


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    role: ActorRole
    description: str
    requester: RequesterDetails | None
    other_party: OtherPartyDetails | None
    # "tom (Lead mediator), mei (Co-mediator)", or "" when nobody is on the case.
    mediators: str
    statements: list[StatementLine]
    timeline: list[TimelineLine]
    # Set when the user reads the case under a break-glass access (read only).
    break_glass: BreakGlassAccess | None = None

    @property
    def linked_reference(self) -> str:
        """The reference of the case this one is linked to as a duplicate, or ""."""
        # Read with the case (an annotation): a whole second case is not needed.
        return getattr(self.case, "linked_reference", None) or ""

    @property
    def linked_display_reference(self) -> str:
        return display(self.linked_reference) if self.linked_reference else ""

    @property
    def consent_withdrawn(self) -> TimelineLine | None:
        """The latest withdrawal of a party's consent to mediation on a case still open."""
        if self.case.status in FINISHED_STATUSES:
            return None
        return next((e for e in self.timeline if e.kind == EventKind.CONSENT_WITHDRAWN), None)


def case_detail_for_user(*, user: User, reference: str) -> CaseDetail:
    """Return the case with this reference, decrypted, and log the access.

    Raise CaseNotFound, after logging the refused attempt, when the case does
    not exist or ``user`` may not see it.
    """
    scope = staff_scope(user=user)
    canonical = normalise(reference)
    case = None
    if canonical is not None:
        case = _CASE_PAGE.first(*_visibility(scope), canonical)
    grant = None
    if case is None:
        # Log which case was asked for, if it exists, without telling the caller.
        hidden = (
            _with_page_columns(Case.objects.all()).filter(reference=canonical).first()
            if canonical
            else None
        )
        grant = _break_glass_in_force(scope, hidden) if hidden is not None else None
        if grant is None or hidden is None:
            access_event_record_refused(
                actor=Actor.staff(user.pk),
                action=Action.VIEW,
                object_type=OBJECT_TYPE,
                object_id=hidden.pk if hidden else None,
                purpose=Purpose.CASEWORK,
                community_id=hidden.community_id if hidden else None,
            )
            raise CaseNotFound
        case = hidden
    cipher = CaseCipher.for_data_key(case.data_key)
    parties = _PARTIES.fetch(case.pk)
    requester = next((p for p in parties if p.role == PartyRole.REQUESTER), None)
    other = next((p for p in parties if p.role == PartyRole.OTHER_PARTY), None)
    roles = {party.pk: party.get_role_display() for party in parties}
    role = _break_glass_role(scope) if grant else _role_for(scope, case)
    access_event_record(
        actor=Actor.staff(user.pk, role),
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.BREAK_GLASS if grant else Purpose.CASEWORK,
        community_id=case.community_id,
        break_glass_id=grant.pk if grant else None,
    )
    return CaseDetail(
        case=case,
        role=role,
        break_glass=grant,
        description=fields.decrypt(case, "description", cipher) or "",
        requester=_requester_details(requester, cipher) if requester else None,
        other_party=_other_party_details(other, cipher) if other else None,
        mediators=_mediators_with_roles(getattr(case, "mediators", None)),
        # Most cases have no statement added later: ask only when the case says so.
        statements=[
            StatementLine(
                added=statement.created_at,
                by_role=roles.get(statement.party_id, ""),
                text=fields.decrypt(statement, "text", cipher) or "",
            )
            for statement in (
                case.statements.all() if getattr(case, "has_statements", True) else []
            )
        ],
        timeline=timeline_lines(case_id=case.pk),
    )


_PARTIES = CompiledQuery(lambda case_id: Party.objects.filter(case_id=case_id))
# The case page's case, compiled once per shape of scope (CompiledQuery, decision 0016).
_CASE_PAGE = CompiledQuery(
    lambda coordinator_of, mediator_id, reference: _with_page_columns(
        _visible_cases(coordinator_of, mediator_id)
    ).filter(reference=reference)[:1]
)


def _with_page_columns(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The case with what its page shows of related rows, in the same query: the
    linked duplicate's reference, the active mediators, whether statements exist."""
    return cases.select_related("community", "data_key").annotate(
        linked_reference=F("duplicate_of__reference"),
        mediators=_active_mediators(),
        has_statements=Exists(Statement.objects.filter(case_id=OuterRef("pk"))),
    )


def _mediators_with_roles(joined: str | None) -> str:
    """``"co:mei,lead:tom"`` -> ``"tom (Lead mediator), mei (Co-mediator)"``."""
    labels = {value: str(label) for value, label in AssignmentRole.choices}
    return ", ".join(f"{name} ({labels.get(role, role)})" for role, name in mediator_pairs(joined))


def _other_party_details(party: Party, cipher: CaseCipher) -> OtherPartyDetails:
    contact = json.loads(fields.decrypt(party, "contact", cipher) or "{}")
    return OtherPartyDetails(
        identity=fields.decrypt(party, "identity", cipher) or "",
        approach=contact.get("approach", ""),
        contact=contact.get("detail", ""),
    )


def _requester_details(party: Party, cipher: CaseCipher) -> RequesterDetails:
    contact = json.loads(fields.decrypt(party, "contact", cipher) or "{}")
    return RequesterDetails(
        party_id=party.pk,
        contact_channel=contact.get("channel", ""),
        contact_detail=contact.get("detail", ""),
    )
