"""Shared set-up for assignment tests: cases in screening, named parties, mediator profiles."""

from __future__ import annotations

import pytest

from mediation.accounts.models import Community, Role, User
from mediation.assignment.conflicts import name_hash
from mediation.assignment.models import MediatorProfile
from mediation.cases.models import Case, Party, PartyRole, Status
from mediation.cases.services import party_add_other
from mediation.cases.workflow import case_transition
from tests.conftest import Cast
from tests.factories import make_case, staff_with_role


def in_screening(case: Case, coordinator: User) -> Case:
    """Accept ``case`` for mediation through the workflow service, as a coordinator would."""
    case_transition(user=coordinator, reference=case.reference, target=Status.SCREENING)
    case.refresh_from_db()
    return case


def name_requester(case: Case, name: str) -> None:
    # Test set-up: no form asks the requester's name yet; the hash is what a check reads.
    Party.objects.filter(case=case, role=PartyRole.REQUESTER).update(name_index=name_hash(name))


def add_other_party(case: Case, identity: str) -> Party:
    return party_add_other(case=case, identity=identity, contact_json="{}")


def make_mediator(
    community: Community,
    username: str,
    *,
    languages: tuple[str, ...] = ("en",),
    categories: tuple[str, ...] = ("neighbour",),
    availability: tuple[str, ...] = ("weekday_evenings",),
    max_active_cases: int = 5,
    is_available: bool = True,
) -> User:
    user = staff_with_role(Role.MEDIATOR, community, username)
    MediatorProfile.objects.create(
        user=user,
        languages=list(languages),
        categories=list(categories),
        availability=list(availability),
        max_active_cases=max_active_cases,
        is_available=is_available,
    )
    return user


@pytest.fixture
def case(cast: Cast) -> Case:
    """A neighbour dispute in screening, with a named other party and a named requester."""
    case = in_screening(cast.unassigned_case, cast.coordinator)
    add_other_party(case, "Wang Fang")
    name_requester(case, "Li Lei")
    return case


@pytest.fixture
def unnamed_case(cast: Cast) -> Case:
    """A case in screening whose requester gave no name (as the public form allows)."""
    fresh = make_case(community=cast.community, description="Unnamed: hedge")
    case = in_screening(fresh, cast.coordinator)
    add_other_party(case, "Zhao Min")
    return case
