"""Roles are scoped to communities; administrators' are not."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from mediation.accounts.models import Role, RoleAssignment
from mediation.accounts.selectors import staff_scope
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
    from mediation.accounts.models import User

    names = {field.name for field in User._meta.concrete_fields}
    assert "first_name" not in names
    assert "last_name" not in names
