"""Assignment suggestions: who is suggested, in what order, why, at constant query cost."""

from __future__ import annotations

import pytest

from mediation.accounts.models import Role, User
from mediation.assignment.models import ConflictResult, MediatorObjection
from mediation.assignment.services import declarations_add
from mediation.assignment.suggestions import assignment_suggestions
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Category,
    Outcome,
    Party,
    PartyRole,
    Reason,
    Status,
)
from mediation.cases.workflow import case_transition
from tests.assignment.conftest import in_screening, make_mediator
from tests.conftest import Cast
from tests.factories import make_case, staff_with_role

pytestmark = pytest.mark.django_db


def _names(case: Case, **kw: object) -> list[str]:
    suggestions, _count = assignment_suggestions(case=case, **kw)  # type: ignore[arg-type]
    return [s.username for s in suggestions]


@pytest.fixture
def family_case(cast: Cast) -> Case:
    """A family dispute whose requester prefers Chinese; the other party gave no language."""
    case = in_screening(
        make_case(community=cast.community, category=Category.FAMILY), cast.coordinator
    )
    Party.objects.filter(case=case, role=PartyRole.REQUESTER).update(language="zh-hans")
    return case


def _give_load(mediator: User, community_case_count: int, cast: Cast) -> None:
    for _ in range(community_case_count):
        CaseAssignment.objects.create(
            case=make_case(community=cast.community), mediator=mediator, role=AssignmentRole.CO
        )


def test_best_fit_first_with_reasons(cast: Cast, family_case: Case) -> None:
    make_mediator(
        cast.community,
        "speaks_and_handles",
        languages=("en", "zh-hans"),
        categories=("family",),
        availability=("weekday_evenings", "weekend_mornings"),
    )
    make_mediator(cast.community, "handles_only", categories=("family",))
    make_mediator(cast.community, "speaks_only", languages=("zh-hans",))
    make_mediator(cast.community, "neither", availability=())
    suggestions, count = assignment_suggestions(case=family_case)
    names = [s.username for s in suggestions]
    # The cast's mediators have no profile yet: suggested, but after those who fit.
    assert names[:4] == ["speaks_and_handles", "handles_only", "speaks_only", "neither"]
    assert set(names[4:]) == {"mediator", "other_mediator"}
    assert count == 6
    best = suggestions[0]
    assert best.reasons == [
        "Speaks Chinese",
        "Handles this kind of dispute: Family",
        "0 of 5 cases",
        "Usually free: Weekday evenings, Weekend mornings",
    ]
    assert best.concerns == []
    neither = suggestions[3]
    assert neither.concerns == [
        "Does not speak Chinese",
        "Has not listed this kind of dispute: Family",
        "No usual free times given",
    ]
    no_profile = suggestions[4]
    assert no_profile.has_profile is False
    assert no_profile.concerns[0].startswith("No profile yet")


def test_a_lighter_load_ranks_higher_among_equals_and_full_goes_last(
    cast: Cast, family_case: Case
) -> None:
    busy = make_mediator(cast.community, "busy", categories=("family",), max_active_cases=4)
    _give_load(busy, 3, cast)
    make_mediator(cast.community, "free", categories=("family",), max_active_cases=4)
    full = make_mediator(
        cast.community,
        "full",
        languages=("zh-hans",),
        categories=("family",),
        max_active_cases=2,
    )
    _give_load(full, 2, cast)
    suggestions, _count = assignment_suggestions(case=family_case, limit=None)
    # "full" fits best on paper, but has no room: after everyone with room.
    assert [s.username for s in suggestions] == [
        "free",
        "busy",
        "other_mediator",  # no profile, no case
        "mediator",  # no profile, one case
        "full",
    ]
    assert "3 of 4 cases" in suggestions[1].reasons
    assert suggestions[-1].is_full
    assert "Full: 2 of 2 cases" in suggestions[-1].concerns


def test_load_counts_only_active_assignments_on_cases_in_progress(
    cast: Cast, family_case: Case
) -> None:
    mediator = make_mediator(cast.community, "loaded", categories=("family",))
    _give_load(mediator, 2, cast)
    ended = CaseAssignment.objects.filter(mediator=mediator).first()
    assert ended is not None
    CaseAssignment.objects.filter(pk=ended.pk).update(ended_at=family_case.submitted_at)
    closing = in_screening(make_case(community=cast.community), cast.coordinator)
    CaseAssignment.objects.create(case=closing, mediator=mediator, role=AssignmentRole.LEAD)
    suggestions, _count = assignment_suggestions(case=family_case, limit=1)
    assert (suggestions[0].username, suggestions[0].load) == ("loaded", 2)

    # Closing the case through the workflow takes it off the mediator's load,
    # and the assignment stays (the mediator still reads the closed case).
    case_transition(
        user=cast.coordinator,
        reference=closing.reference,
        target=Status.CLOSED,
        outcome=Outcome.WITHDRAWN,
        reason=Reason.REQUESTER_WITHDREW,
    )
    suggestions, _count = assignment_suggestions(case=family_case, limit=1)
    assert (suggestions[0].username, suggestions[0].load) == ("loaded", 1)
    kept = CaseAssignment.objects.get(case=closing)
    assert (kept.ended_at, kept.case_in_progress) == (None, False)


def test_who_is_not_suggested(cast: Cast, family_case: Case) -> None:
    make_mediator(cast.community, "away", is_available=False)
    left = make_mediator(cast.community, "left")
    User.objects.filter(pk=left.pk).update(is_active=False)
    make_mediator(cast.other_community, "elsewhere")
    staff_with_role(Role.COORDINATOR, cast.community, "another_coordinator")
    on_case = make_mediator(cast.community, "on_case")
    CaseAssignment.objects.create(case=family_case, mediator=on_case, role=AssignmentRole.LEAD)
    names = _names(family_case, limit=None)
    assert sorted(names) == ["mediator", "other_mediator"]


def test_conflicts_and_objections_are_shown_last_and_cannot_be_assigned(
    cast: Cast, family_case: Case
) -> None:
    from tests.assignment.conftest import add_other_party

    add_other_party(family_case, "Wang Fang")
    knows = make_mediator(cast.community, "knows", languages=("zh-hans",), categories=("family",))
    declarations_add(user=knows, names=["wang fang"])
    objected = make_mediator(
        cast.community, "objected", languages=("zh-hans",), categories=("family",)
    )
    MediatorObjection.objects.create(
        case=family_case,
        party=Party.objects.get(case=family_case, role=PartyRole.REQUESTER),
        mediator=objected,
        recorded_by=cast.coordinator,
    )
    suggestions, _count = assignment_suggestions(case=family_case, limit=None)
    by_name = {s.username: s for s in suggestions}
    assert [s.username for s in suggestions][-2:] == ["knows", "objected"]
    assert by_name["knows"].conflict == ConflictResult.CONFLICT
    assert not by_name["knows"].can_assign
    assert by_name["objected"].objected
    assert not by_name["objected"].can_assign
    # The requester gave no name: nobody is "no conflict".
    assert by_name["mediator"].conflict == ConflictResult.CANNOT_CHECK
    assert by_name["mediator"].needs_confirmation


def test_with_every_party_named_the_others_show_no_conflict(cast: Cast, case: Case) -> None:
    suggestions, _count = assignment_suggestions(case=case)
    assert {s.conflict for s in suggestions} == {ConflictResult.NO_CONFLICT}


@pytest.mark.parametrize("mediators", [5, 60])
def test_suggestions_take_a_constant_number_of_queries(
    cast: Cast, family_case: Case, mediators: int, django_assert_max_num_queries
) -> None:
    for number in range(mediators):
        mediator = make_mediator(
            cast.community, f"m{number}", categories=("family",) if number % 2 else ()
        )
        declarations_add(user=mediator, names=[f"Friend {number}"])
        if number % 3 == 0:
            _give_load(mediator, 1, cast)
    with django_assert_max_num_queries(3):
        suggestions, count = assignment_suggestions(case=family_case, limit=None)
    assert count == mediators + 2
    assert len(suggestions) == mediators + 2
