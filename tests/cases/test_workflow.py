"""The workflow table and case_transition: every transition allowed and refused."""

from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import pytest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, Channel
from mediation.audit.models import Outcome as EventOutcome
from mediation.cases.models import (
    Agreement,
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseEvent,
    EventKind,
    FollowUp,
    Status,
)
from mediation.cases.selectors import CaseNotFound
from mediation.cases.workflow import (
    TRANSITIONS,
    Transition,
    TransitionRefused,
    case_transition,
    transition_for,
    transitions_open_to,
)
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

MEDIATION_ROOT = Path(__file__).resolve().parents[2] / "mediation"


def _put_in(case: Case, status: str) -> None:
    # Test set-up only: the app itself never writes status outside case_transition.
    Case.objects.filter(pk=case.pk).update(status=status)


def _satisfy_guard(case: Case, transition: Transition, cast: Cast) -> None:
    if transition.target == Status.ASSIGNED:
        CaseAssignment.objects.get_or_create(
            case=case, mediator=cast.mediator, ended_at=None, defaults={"role": "lead"}
        )
    if transition.target == Status.AGREEMENT:
        Agreement.objects.create(case=case, recorded_by=cast.mediator)
    if transition.target == Status.FOLLOW_UP:
        agreement = Agreement.objects.create(case=case, recorded_by=cast.mediator)
        FollowUp.objects.create(
            case=case, agreement=agreement, due_on=timezone.localdate() + datetime.timedelta(30)
        )


def _arguments(transition: Transition) -> dict[str, str]:
    return {
        "outcome": transition.outcomes[0] if transition.outcomes else "",
        "reason": transition.reasons[0] if transition.reasons else "",
    }


def _edge_id(transition: Transition) -> str:
    return f"{transition.source}->{transition.target}"


@pytest.mark.parametrize("transition", TRANSITIONS, ids=_edge_id)
def test_each_transition_moves_the_case_and_records_it(cast: Cast, transition: Transition) -> None:
    case = cast.assigned_case
    _put_in(case, transition.source)
    _satisfy_guard(case, transition, cast)
    actor = cast.coordinator if "coordinator" in transition.by else cast.mediator

    event = case_transition(
        user=actor, reference=case.reference, target=transition.target, **_arguments(transition)
    )

    case.refresh_from_db()
    assert case.status == transition.target
    assert (event.kind, event.from_status, event.to_status) == (
        EventKind.STATUS_CHANGED,
        transition.source,
        transition.target,
    )
    assert event.actor == actor
    assert event.reason == _arguments(transition)["reason"]
    logged = AccessEvent.objects.get(object_id=str(case.pk), action=Action.UPDATE)
    assert logged.outcome == EventOutcome.SUCCESS
    assert logged.actor_id == str(actor.pk)
    assert logged.purpose == transition.purpose
    if transition.target == Status.CLOSED:
        assert case.outcome == transition.outcomes[0]
        assert case.closed_at is not None
    else:
        assert case.outcome == ""


@pytest.mark.parametrize(
    "transition", [t for t in TRANSITIONS if "mediator" not in t.by], ids=_edge_id
)
def test_a_mediator_cannot_make_a_coordinators_transition(
    cast: Cast, transition: Transition
) -> None:
    case = cast.assigned_case
    _put_in(case, transition.source)
    _satisfy_guard(case, transition, cast)

    with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused) as refused:
        case_transition(
            user=cast.mediator,
            reference=case.reference,
            target=transition.target,
            **_arguments(transition),
        )

    assert "coordinator" in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == transition.source
    assert not CaseEvent.objects.filter(case=case).exists()
    refusal = AccessEvent.objects.get(object_id=str(case.pk))
    assert refusal.outcome == EventOutcome.REFUSED


ALL_EDGES = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if transition_for(source, target) is None
]


@pytest.mark.parametrize(("source", "target"), ALL_EDGES)
def test_every_move_missing_from_the_table_is_refused(cast: Cast, source: str, target: str) -> None:
    case = cast.assigned_case
    _put_in(case, source)

    with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused):
        case_transition(user=cast.coordinator, reference=case.reference, target=target)

    case.refresh_from_db()
    assert case.status == source
    assert AccessEvent.objects.get(object_id=str(case.pk)).outcome == EventOutcome.REFUSED


def test_an_unknown_target_is_refused(cast: Cast) -> None:
    with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused):
        case_transition(
            user=cast.coordinator, reference=cast.unassigned_case.reference, target="archived"
        )


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (Status.SCREENING, Status.ASSIGNED, "lead mediator"),
        (Status.SESSIONS, Status.AGREEMENT, "agreement"),
        (Status.AGREEMENT, Status.FOLLOW_UP, "follow-up"),
    ],
)
def test_a_guard_refuses_until_its_condition_holds(
    cast: Cast, source: str, target: str, message: str
) -> None:
    case = cast.unassigned_case
    _put_in(case, source)
    if target != Status.ASSIGNED:
        CaseAssignment.objects.create(case=case, mediator=cast.mediator, role=AssignmentRole.LEAD)

    with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused) as refused:
        case_transition(user=cast.coordinator, reference=case.reference, target=target)

    assert message in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == source


def test_an_ended_lead_does_not_count_for_assignment(cast: Cast) -> None:
    case = cast.unassigned_case
    _put_in(case, Status.SCREENING)
    CaseAssignment.objects.create(
        case=case, mediator=cast.mediator, role=AssignmentRole.LEAD, ended_at=timezone.now()
    )
    with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused):
        case_transition(user=cast.coordinator, reference=case.reference, target=Status.ASSIGNED)


def test_closing_needs_one_of_the_allowed_outcomes(cast: Cast) -> None:
    case = cast.unassigned_case
    for outcome in ("", "agreement_held"):
        with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused):
            case_transition(
                user=cast.coordinator,
                reference=case.reference,
                target=Status.CLOSED,
                outcome=outcome,
                reason="not_suitable",
            )
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.SUBMITTED, "")


def test_declining_needs_a_reason_from_the_list(cast: Cast) -> None:
    case = cast.unassigned_case
    for reason in ("", "because I said so"):
        with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused):
            case_transition(
                user=cast.coordinator,
                reference=case.reference,
                target=Status.CLOSED,
                outcome="declined",
                reason=reason,
            )


def test_a_move_that_takes_no_reason_refuses_one(cast: Cast) -> None:
    with audit_context(channel=Channel.WEB), pytest.raises(TransitionRefused):
        case_transition(
            user=cast.coordinator,
            reference=cast.unassigned_case.reference,
            target=Status.SCREENING,
            reason="safety",
        )


@pytest.mark.parametrize("persona", ["other_mediator", "privacy_officer", "outsider"])
def test_people_without_the_case_get_not_found(cast: Cast, persona: str) -> None:
    user: User = getattr(cast, persona)
    case = cast.assigned_case
    with audit_context(channel=Channel.WEB), pytest.raises(CaseNotFound):
        case_transition(user=user, reference=case.reference, target=Status.SCREENING)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert AccessEvent.objects.get(object_id=str(case.pk)).outcome == EventOutcome.REFUSED


def test_a_mediator_loses_the_case_when_their_assignment_ends(cast: Cast) -> None:
    case = cast.assigned_case
    _put_in(case, Status.ASSIGNED)
    CaseAssignment.objects.filter(case=case).update(ended_at=timezone.now())
    with audit_context(channel=Channel.WEB), pytest.raises(CaseNotFound):
        case_transition(user=cast.mediator, reference=case.reference, target=Status.SESSIONS)


def test_the_table_offers_each_role_its_own_moves() -> None:
    coordinator = {t.target for t in transitions_open_to(status="submitted", role="coordinator")}
    mediator = {t.target for t in transitions_open_to(status="submitted", role="mediator")}
    assert coordinator == {Status.SCREENING, Status.CLOSED}
    assert mediator == set()
    assert {t.target for t in transitions_open_to(status="sessions", role="mediator")} == {
        Status.AGREEMENT,
        Status.NO_AGREEMENT,
        Status.WITHDRAWN,
    }


def test_every_status_can_reach_closed_and_closed_is_final() -> None:
    reachable = {Status.CLOSED.value}
    changed = True
    while changed:
        before = len(reachable)
        reachable |= {t.source.value for t in TRANSITIONS if t.target in reachable}
        changed = len(reachable) != before
    assert reachable == set(Status.values)
    assert not [t for t in TRANSITIONS if t.source == Status.CLOSED]


def test_no_code_outside_the_workflow_writes_a_case_status() -> None:
    """Status is written only by case_transition (seeding builds unsaved demo cases)."""
    writes = re.compile(r"\bcase\.status\s*=(?!=)|Case\.objects.*update\([^)]*\bstatus\s*=")
    allowed = {"workflow.py", "seeding.py"}
    offenders = [
        f"{path.relative_to(MEDIATION_ROOT)}:{number}"
        for path in MEDIATION_ROOT.rglob("*.py")
        if path.name not in allowed and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if writes.search(line)
    ]
    assert offenders == []
