"""Assigning and removing mediators, objections, deactivation: rules, history and logging."""

from __future__ import annotations

import pytest

from mediation.accounts.models import Role, RoleAssignment, User
from mediation.assignment.models import AssignmentCheck, ConflictResult, MediatorObjection
from mediation.assignment.selectors import MediatorNotFound, cases_to_reassign
from mediation.assignment.services import (
    AssignmentRefused,
    declarations_add,
    mediator_assign,
    mediator_deactivate,
    mediator_unassign,
    objection_record,
)
from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel, Outcome
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseEvent,
    EventKind,
    Party,
    PartyRole,
    Reason,
    Status,
)
from mediation.cases.models import Outcome as CaseOutcome
from mediation.cases.selectors import CaseNotFound
from mediation.cases.workflow import case_transition
from tests.assignment.conftest import make_mediator
from tests.conftest import Cast
from tests.factories import staff_with_role

pytestmark = pytest.mark.django_db


def _assign(
    cast: Cast, case: Case, mediator: User, role: str = "lead", **kw: bool
) -> CaseAssignment:
    with audit_context(channel=Channel.WEB):
        return mediator_assign(
            user=cast.coordinator,
            reference=case.reference,
            mediator_id=mediator.pk,
            role=role,
            **kw,
        )


def _refused(cast: Cast, case: Case, mediator: User, role: str = "lead", **kw: bool) -> str:
    with pytest.raises(AssignmentRefused) as refused:
        _assign(cast, case, mediator, role, **kw)
    return str(refused.value.message)


def _active(case: Case) -> list[tuple[int, str]]:
    return sorted(
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values_list(
            "mediator_id", "role"
        )
    )


def test_coordinator_assigns_a_lead_with_no_conflict(cast: Cast, case: Case) -> None:
    assignment = _assign(cast, case, cast.other_mediator)
    assert _active(case) == [(cast.other_mediator.pk, AssignmentRole.LEAD)]
    check = AssignmentCheck.objects.get(assignment=assignment)
    assert (check.result, check.confirmed_in_person, check.checked_by_id) == (
        ConflictResult.NO_CONFLICT,
        False,
        cast.coordinator.pk,
    )
    event = CaseEvent.objects.get(case=case, kind=EventKind.MEDIATOR_ASSIGNED)
    assert (event.actor_id, event.subject_id) == (cast.coordinator.pk, check.pk)
    access = AccessEvent.objects.filter(object_id=str(case.pk), action=Action.UPDATE).last()
    assert access is not None
    assert (access.actor_id, access.actor_role, access.outcome) == (
        str(cast.coordinator.pk),
        ActorRole.COORDINATOR,
        Outcome.SUCCESS,
    )


def test_assigning_the_lead_leaves_the_status_to_the_coordinator(cast: Cast, case: Case) -> None:
    _assign(cast, case, cast.other_mediator)
    case.refresh_from_db()
    assert case.status == Status.SCREENING
    case_transition(user=cast.coordinator, reference=case.reference, target=Status.ASSIGNED)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED


def test_a_declared_acquaintance_blocks_the_assignment_without_saying_who(
    cast: Cast, case: Case
) -> None:
    declarations_add(user=cast.other_mediator, names=["wang fang"])
    message = _refused(cast, case, cast.other_mediator, confirmed_in_person=True)
    assert "Conflict of interest" in message
    for revealing in ("Wang", "Fang", "requester", "other party", "Requester", "Other party"):
        assert revealing not in message
    assert _active(case) == []
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (refused.actor_id, refused.object_id) == (str(cast.coordinator.pk), str(case.pk))


def test_cannot_check_needs_the_in_person_confirmation(cast: Cast, unnamed_case: Case) -> None:
    message = _refused(cast, unnamed_case, cast.other_mediator)
    assert "cannot be made" in message
    assert _active(unnamed_case) == []
    assignment = _assign(cast, unnamed_case, cast.other_mediator, confirmed_in_person=True)
    check = AssignmentCheck.objects.get(assignment=assignment)
    assert (check.result, check.confirmed_in_person) == (ConflictResult.CANNOT_CHECK, True)


def test_confirmation_does_not_override_a_conflict(cast: Cast, unnamed_case: Case) -> None:
    declarations_add(user=cast.other_mediator, names=["Zhao Min"])
    message = _refused(cast, unnamed_case, cast.other_mediator, confirmed_in_person=True)
    assert "Conflict of interest" in message


def test_an_objection_blocks_the_mediator(cast: Cast, case: Case) -> None:
    other = Party.objects.get(case=case, role=PartyRole.OTHER_PARTY)
    with audit_context(channel=Channel.WEB):
        objection_record(
            user=cast.coordinator,
            reference=case.reference,
            party_id=str(other.pk),
            mediator_id=cast.other_mediator.pk,
        )
    assert MediatorObjection.objects.filter(case=case, mediator=cast.other_mediator).exists()
    assert "objected" in _refused(cast, case, cast.other_mediator)
    assert _active(case) == []


def test_an_objection_needs_a_party_of_this_case(cast: Cast, case: Case) -> None:
    stranger = Party.objects.exclude(case=case).first()
    assert stranger is not None
    with audit_context(channel=Channel.WEB), pytest.raises(AssignmentRefused):
        objection_record(
            user=cast.coordinator,
            reference=case.reference,
            party_id=str(stranger.pk),
            mediator_id=cast.other_mediator.pk,
        )


def test_a_new_lead_replaces_the_old_and_the_history_is_kept(cast: Cast, case: Case) -> None:
    first = _assign(cast, case, cast.other_mediator)
    second_mediator = make_mediator(cast.community, "second")
    _assign(cast, case, second_mediator)
    assert _active(case) == [(second_mediator.pk, AssignmentRole.LEAD)]
    first.refresh_from_db()
    assert first.ended_at is not None
    assert CaseAssignment.objects.filter(case=case).count() == 2
    kinds = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [
        EventKind.MEDIATOR_ASSIGNED,
        EventKind.MEDIATOR_REMOVED,
        EventKind.MEDIATOR_ASSIGNED,
    ]
    removed = CaseEvent.objects.get(case=case, kind=EventKind.MEDIATOR_REMOVED)
    assert removed.subject_id == first.conflict_check.pk


def test_a_co_mediator_joins_the_lead(cast: Cast, case: Case) -> None:
    _assign(cast, case, cast.other_mediator)
    co = make_mediator(cast.community, "co")
    _assign(cast, case, co, role="co")
    assert _active(case) == sorted(
        [(cast.other_mediator.pk, AssignmentRole.LEAD), (co.pk, AssignmentRole.CO)]
    )


def test_a_co_mediator_can_become_the_lead(cast: Cast, case: Case) -> None:
    _assign(cast, case, cast.other_mediator, role="co")
    _assign(cast, case, cast.other_mediator, role="lead")
    assert _active(case) == [(cast.other_mediator.pk, AssignmentRole.LEAD)]
    assert CaseAssignment.objects.filter(case=case).count() == 2


def test_the_same_mediator_in_the_same_role_is_refused(cast: Cast, case: Case) -> None:
    _assign(cast, case, cast.other_mediator)
    assert "already" in _refused(cast, case, cast.other_mediator)


def test_unassign_ends_the_assignment_and_records_it(cast: Cast, case: Case) -> None:
    assignment = _assign(cast, case, cast.other_mediator)
    with audit_context(channel=Channel.WEB):
        mediator_unassign(
            user=cast.coordinator, reference=case.reference, assignment_id=assignment.pk
        )
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert _active(case) == []
    assert CaseEvent.objects.filter(case=case, kind=EventKind.MEDIATOR_REMOVED).count() == 1
    with audit_context(channel=Channel.WEB), pytest.raises(AssignmentRefused):
        mediator_unassign(
            user=cast.coordinator, reference=case.reference, assignment_id=assignment.pk
        )


def test_mediators_from_elsewhere_and_deactivated_ones_are_refused(cast: Cast, case: Case) -> None:
    elsewhere = staff_with_role(Role.MEDIATOR, cast.other_community, "elsewhere")
    assert "community" in _refused(cast, case, elsewhere)
    assert "community" in _refused(cast, case, cast.privacy_officer)
    left = make_mediator(cast.community, "left")
    User.objects.filter(pk=left.pk).update(is_active=False)
    assert "deactivated" in _refused(cast, case, left)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.CLOSED])
def test_cases_not_accepted_or_ended_take_no_mediators(cast: Cast, case: Case, status: str) -> None:
    Case.objects.filter(pk=case.pk).update(status=status)  # test set-up only
    assert _refused(cast, case, cast.other_mediator)


def test_an_invalid_role_is_refused(cast: Cast, case: Case) -> None:
    assert "lead" in _refused(cast, case, cast.other_mediator, role="boss")


@pytest.mark.parametrize("persona", ["mediator", "other_mediator", "privacy_officer", "outsider"])
def test_only_the_case_coordinator_may_assign(cast: Cast, case: Case, persona: str) -> None:
    user = getattr(cast, persona)
    with audit_context(channel=Channel.WEB), pytest.raises(CaseNotFound):
        mediator_assign(
            user=user, reference=case.reference, mediator_id=cast.other_mediator.pk, role="lead"
        )
    assert _active(case) == []
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED, actor_id=str(user.pk))
    assert refused.object_id == str(case.pk)


def test_deactivating_a_mediator_lists_their_cases_for_reassignment(cast: Cast, case: Case) -> None:
    _assign(cast, case, cast.other_mediator)
    before = cast.other_mediator.session_generation
    with audit_context(channel=Channel.WEB):
        mediator_deactivate(user=cast.coordinator, mediator_id=cast.other_mediator.pk)
    cast.other_mediator.refresh_from_db()
    assert cast.other_mediator.is_active is False
    assert cast.other_mediator.session_generation == before + 1
    rows = cases_to_reassign(user=cast.coordinator)
    assert [(row.reference, row.mediator) for row in rows] == [(case.reference, "other_mediator")]
    # The history is kept until someone else takes the case.
    assert _active(case) == [(cast.other_mediator.pk, AssignmentRole.LEAD)]
    _assign(cast, case, make_mediator(cast.community, "replacement"))
    assert cases_to_reassign(user=cast.coordinator) == []


def test_a_closed_case_is_not_listed_for_reassignment(cast: Cast, case: Case) -> None:
    _assign(cast, case, cast.other_mediator)
    with audit_context(channel=Channel.WEB):
        mediator_deactivate(user=cast.coordinator, mediator_id=cast.other_mediator.pk)
    case_transition(
        user=cast.coordinator,
        reference=case.reference,
        target=Status.CLOSED,
        outcome=CaseOutcome.WITHDRAWN,
        reason=Reason.REQUESTER_WITHDREW,
    )
    assert cases_to_reassign(user=cast.coordinator) == []


def test_someone_with_other_roles_is_for_an_administrator(cast: Cast) -> None:
    RoleAssignment.objects.create(
        user=cast.other_mediator, role=Role.MEDIATOR, community=cast.other_community
    )
    with audit_context(channel=Channel.WEB), pytest.raises(AssignmentRefused) as refused:
        mediator_deactivate(user=cast.coordinator, mediator_id=cast.other_mediator.pk)
    assert "administrator" in str(refused.value.message)
    cast.other_mediator.refresh_from_db()
    assert cast.other_mediator.is_active


@pytest.mark.parametrize("persona", ["mediator", "privacy_officer", "outsider"])
def test_only_their_coordinator_may_deactivate_a_mediator(cast: Cast, persona: str) -> None:
    with audit_context(channel=Channel.WEB), pytest.raises(MediatorNotFound):
        mediator_deactivate(user=getattr(cast, persona), mediator_id=cast.other_mediator.pk)
    cast.other_mediator.refresh_from_db()
    assert cast.other_mediator.is_active


# ---- sessions of a mediator who comes off a case -----------------------------------


def _live_bookings(case: Case) -> set[int]:
    from mediation.cases.models import SessionMediator

    return set(
        SessionMediator.objects.filter(session__case=case, is_cancelled=False).values_list(
            "mediator_id", flat=True
        )
    )


@pytest.fixture
def in_sessions(cast: Cast, case: Case) -> Case:
    from tests.cases.casework import put_in

    put_in(case, Status.SESSIONS)
    return case


def test_coming_off_a_case_frees_the_mediators_sessions_to_come(
    cast: Cast, in_sessions: Case
) -> None:
    from tests.cases.casework import at, schedule

    lead = _assign(cast, in_sessions, cast.other_mediator)
    co = make_mediator(cast.community, "co")
    _assign(cast, in_sessions, co, role="co")
    schedule(cast.coordinator, in_sessions, at(4, 10), at(4, 11))
    assert _live_bookings(in_sessions) == {cast.other_mediator.pk, co.pk}
    with audit_context(channel=Channel.WEB):
        mediator_unassign(
            user=cast.coordinator, reference=in_sessions.reference, assignment_id=lead.pk
        )
    assert _live_bookings(in_sessions) == {co.pk}


def test_a_replaced_lead_loses_their_bookings_but_a_promoted_co_keeps_theirs(
    cast: Cast, in_sessions: Case
) -> None:
    from tests.cases.casework import at, schedule

    _assign(cast, in_sessions, cast.other_mediator)
    co = make_mediator(cast.community, "co")
    _assign(cast, in_sessions, co, role="co")
    schedule(cast.coordinator, in_sessions, at(4, 10), at(4, 11))
    _assign(cast, in_sessions, co, role="lead")
    assert _live_bookings(in_sessions) == {co.pk}


def test_deactivation_frees_the_sessions_to_come_and_keeps_the_assignment(
    cast: Cast, in_sessions: Case
) -> None:
    from tests.cases.casework import at, schedule

    _assign(cast, in_sessions, cast.other_mediator)
    schedule(cast.coordinator, in_sessions, at(4, 10), at(4, 11))
    with audit_context(channel=Channel.WEB):
        mediator_deactivate(user=cast.coordinator, mediator_id=cast.other_mediator.pk)
    assert _live_bookings(in_sessions) == set()
    assert _active(in_sessions) == [(cast.other_mediator.pk, AssignmentRole.LEAD)]
