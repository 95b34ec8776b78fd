"""Roles are scoped to communities; administrators' are not; a page reads them with the user."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mediation.accounts.backends import StaffBackend
from mediation.accounts.models import Role, RoleAssignment, User
from mediation.accounts.selectors import staff_scope
from tests.conftest import Cast, client_for
from tests.factories import CommunityFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


def test_a_community_role_needs_a_community() -> None:
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, community=None)


def test_an_administrator_role_has_no_community() -> None:
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role=Role.ADMINISTRATOR, community=CommunityFactory()
        )
    RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR, community=None)
    assert staff_scope(user=user).is_administrator


def test_the_same_role_twice_in_one_community_is_refused() -> None:
    community = CommunityFactory()
    user = staff_with_role(Role.MEDIATOR, community, "m")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.MEDIATOR, community=community)


def test_staff_scope_collects_roles_per_community() -> None:
    first, second = CommunityFactory(), CommunityFactory()
    user = staff_with_role(Role.COORDINATOR, first, "c")
    RoleAssignment.objects.create(user=user, role=Role.MEDIATOR, community=second)
    scope = staff_scope(user=user)
    assert scope.coordinator_of == frozenset({first.pk})
    assert scope.mediator_in == frozenset({second.pk})
    assert scope.privacy_officer_of == frozenset()
    assert not scope.is_administrator
    assert scope.is_case_worker


def test_an_inactive_user_holds_no_role() -> None:
    user = staff_with_role(Role.COORDINATOR, CommunityFactory(), "c")
    user.is_active = False
    user.save()
    scope = staff_scope(user=user)
    assert scope.coordinator_of == frozenset()
    assert not scope.is_case_worker


def test_the_user_model_holds_no_real_names() -> None:
    names = {field.name for field in User._meta.concrete_fields}
    assert "first_name" not in names
    assert "last_name" not in names


def _every_role_user() -> User:
    first, second, third = CommunityFactory(), CommunityFactory(), CommunityFactory()
    user = staff_with_role(Role.COORDINATOR, first, "all")
    for role, community in (
        (Role.COORDINATOR, second),
        (Role.MEDIATOR, third),
        (Role.PRIVACY_OFFICER, first),
        (Role.ADMINISTRATOR, None),
    ):
        RoleAssignment.objects.create(user=user, role=role, community=community)
    return user


@pytest.mark.parametrize("roles", ["every role", "no role"])
def test_roles_read_with_the_user_are_the_roles_read_on_their_own(roles: str) -> None:
    user = _every_role_user() if roles == "every role" else UserFactory()
    with CaptureQueriesContext(connection) as queries:
        signed_in = StaffBackend().get_user(user.pk)
        assert signed_in is not None
        scope = staff_scope(user=signed_in)
    assert len(queries.captured_queries) == 1
    assert scope == staff_scope(user=User.objects.get(pk=user.pk))
    if roles == "every role":
        assert scope.coordinator_of == {
            c.community_id for c in user.role_assignments.filter(role=Role.COORDINATOR)
        }
        assert scope.is_administrator
        assert len(scope.coordinator_of | scope.mediator_in | scope.privacy_officer_of) == 3


def test_the_backend_refuses_an_inactive_or_unknown_user() -> None:
    user = _every_role_user()
    user.is_active = False
    user.save()
    assert StaffBackend().get_user(user.pk) is None
    assert StaffBackend().get_user(999_999) is None


def test_a_staff_page_reads_the_roles_with_the_user(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:list")).status_code == 200
    role_queries = [q for q in queries.captured_queries if "accounts_roleassignment" in q["sql"]]
    assert len(role_queries) == 1
    assert "accounts_user" in role_queries[0]["sql"]


def test_the_backend_reads_the_user_as_the_orm_does(cast: Cast) -> None:
    user = cast.coordinator
    user.last_login = user.date_joined
    user.save()
    signed_in = StaffBackend().get_user(user.pk)
    assert signed_in is not None
    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(signed_in, field.attname) == getattr(expected, field.attname), field.name
    assert signed_in.last_login is not None
