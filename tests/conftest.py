"""Personas and shared fixtures.

The cast: a coordinator of community A, a mediator in A with one assigned
case, another mediator in A with none of those cases, a privacy officer, and
an outsider (coordinator of community B) who must see nothing of A.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from mediation.accounts.models import Community, Role, User
from mediation.cases.models import Case
from tests.factories import CommunityFactory, make_case, staff_with_role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class Cast:
    community: Community
    other_community: Community
    coordinator: User
    mediator: User
    other_mediator: User
    privacy_officer: User
    outsider: User
    assigned_case: Case
    unassigned_case: Case
    other_community_case: Case


def _make_cast() -> Cast:
    community = CommunityFactory(slug="riverside")
    other = CommunityFactory(slug="hillview")
    mediator = staff_with_role(Role.MEDIATOR, community, "mediator")
    return Cast(
        community=community,
        other_community=other,
        coordinator=staff_with_role(Role.COORDINATOR, community, "coordinator"),
        mediator=mediator,
        other_mediator=staff_with_role(Role.MEDIATOR, community, "other_mediator"),
        privacy_officer=staff_with_role(Role.PRIVACY_OFFICER, community, "privacy_officer"),
        outsider=staff_with_role(Role.COORDINATOR, other, "outsider"),
        assigned_case=make_case(
            community=community, description="Assigned: loud music", mediator=mediator
        ),
        unassigned_case=make_case(community=community, description="Unassigned: fence"),
        other_community_case=make_case(community=other, description="Elsewhere: parking"),
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return _make_cast()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cast_db(transactional_db: None) -> Cast:
    """The cast, for tests that need real commits (transaction=True)."""
    return _make_cast()
