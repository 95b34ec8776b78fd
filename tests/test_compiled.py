"""``CompiledQuery`` runs the query its function builds, compiled once, and refuses
queries it could not replay faithfully."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediation.accounts.models import Role, RoleAssignment, User
from mediation.compiled import CompiledQuery
from tests.factories import CommunityFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


def _users_with_role_count(pk: Any) -> QuerySet[User]:
    return User.objects.filter(pk=pk).annotate(roles=Count("role_assignments"))


def test_it_answers_as_the_queryset_does_and_builds_only_to_compile() -> None:
    community = CommunityFactory()
    first = staff_with_role(Role.COORDINATOR, community, "first")
    RoleAssignment.objects.create(user=first, role=Role.MEDIATOR, community=community)
    second = UserFactory(last_login=timezone.now())
    builds: list[Any] = []

    def build(pk: Any) -> QuerySet[User]:
        builds.append(pk)
        return _users_with_role_count(pk)

    compiled = CompiledQuery(build)
    counts = []
    for user in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            (found,) = compiled.raw(user.pk)
        assert len(queries.captured_queries) == 1
        expected = _users_with_role_count(user.pk).get()
        assert isinstance(found, User)
        assert [getattr(found, f.attname) for f in User._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in User._meta.concrete_fields
        ]
        assert found.roles == expected.roles  # type: ignore[attr-defined]
        counts.append(found.roles)  # type: ignore[attr-defined]
    assert counts == [2, 0, 2]
    assert list(compiled.raw(999_999)) == []
    # Built with the two sample values to compile, then never again.
    assert builds == [-1, -1, -2]


@pytest.mark.parametrize(
    ("build", "refusal"),
    [
        (lambda pk: User.objects.filter(pk__in=range(-pk)), "SQL changes with the value"),
        (
            lambda pk: User.objects.filter(pk=pk, date_joined__lte=timezone.now()),
            "parameter other than the value",
        ),
        (lambda pk: User.objects.filter(username="fixed"), "parameter other than the value"),
        (lambda pk: User.objects.filter(pk=pk).select_related("x"), "related objects"),
        (lambda pk: User.objects.filter(pk=pk).prefetch_related("x"), "related objects"),
    ],
)
def test_it_refuses_what_it_could_not_replay(build: Any, refusal: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=refusal):
        list(CompiledQuery(build).raw(1))
