"""``CompiledQuery`` runs the query its function builds, compiled once per shape of
its values, and refuses queries it could not replay faithfully."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediation.accounts.models import Community, Role, RoleAssignment, User
from mediation.cases.models import Party
from mediation.compiled import CompiledQuery
from tests.factories import CommunityFactory, UserFactory, make_case, staff_with_role

pytestmark = pytest.mark.django_db


def _users_with_role_count(pk: Any) -> QuerySet[User]:
    return User.objects.filter(pk=pk).annotate(roles=Count("role_assignments"))


def _fields(user: User) -> list[Any]:
    return [getattr(user, field.attname) for field in User._meta.concrete_fields]


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
            (found,) = compiled.fetch(user.pk)
        assert len(queries.captured_queries) == 1
        expected = _users_with_role_count(user.pk).get()
        assert isinstance(found, User)
        assert _fields(found) == _fields(expected)
        counts.append(found.roles)  # type: ignore[attr-defined]
    assert counts == [2, 0, 2]
    assert compiled.fetch(999_999) == []
    assert compiled.first(999_999) is None
    assert getattr(compiled.first(second.pk), "pk", None) == second.pk
    # Built once to learn the model and twice to compile, then never again.
    assert len(builds) == 3


def _members(communities: Any, role: Any, active_only: bool) -> QuerySet[User]:
    users = User.objects.filter(
        role_assignments__community_id__in=communities, role_assignments__role=role
    )
    if active_only:
        users = users.filter(is_active=True)
    return users.select_related(None).order_by("username")


def test_collections_booleans_and_related_objects_are_replayed() -> None:
    north, south, east = CommunityFactory(), CommunityFactory(), CommunityFactory()
    ann = staff_with_role(Role.MEDIATOR, north, "ann")
    bo = staff_with_role(Role.MEDIATOR, south, "bo")
    staff_with_role(Role.COORDINATOR, south, "cy")
    bo.is_active = False
    bo.save()
    compiled = CompiledQuery(_members)
    for communities, active_only in [
        ({north.pk, south.pk}, False),
        ({north.pk, south.pk}, True),
        ([east.pk, south.pk], False),
        ([south.pk, south.pk, north.pk], False),
        ({east.pk}, False),
    ]:
        expected = list(_members(communities, Role.MEDIATOR, active_only))
        assert compiled.fetch(communities, Role.MEDIATOR, active_only) == expected
    assert [u.username for u in compiled.fetch({north.pk, south.pk}, Role.MEDIATOR, False)] == [
        "ann",
        "bo",
    ]
    assert compiled.fetch(set(), Role.MEDIATOR, False) == []
    assert ann in compiled.fetch((north.pk,), Role.MEDIATOR, True)

    related = CompiledQuery(
        lambda pk: RoleAssignment.objects.filter(user_id=pk).select_related("community")
    )
    with CaptureQueriesContext(connection) as queries:
        (assignment,) = related.fetch(ann.pk)
        assert assignment.community.name_en == north.name_en
    assert len(queries.captured_queries) == 1
    rows = CompiledQuery(
        lambda pk: Community.objects.filter(Q(pk=pk)).values("slug", "name_en")
    ).fetch(east.pk)
    assert rows == [{"slug": east.slug, "name_en": east.name_en}]


def _parties(case_ids: Any, party_id: Any) -> QuerySet[Party, dict[str, Any]]:
    parties = Party.objects.filter(case_id__in=case_ids).exclude(pk=party_id)
    return parties.order_by("case__reference", "role").values("id", "case_id", "role")


def test_uuids_alone_and_in_collections_are_replayed() -> None:
    community = CommunityFactory()
    first, second = make_case(community=community), make_case(community=community)
    (requester,) = first.parties.all()
    compiled = CompiledQuery(_parties)
    for case_ids, party_id in [
        ([first.pk, second.pk], requester.pk),
        ((second.pk,), requester.pk),
        ([first.pk], requester.pk),
    ]:
        assert compiled.fetch(case_ids, party_id) == list(_parties(case_ids, party_id))
    assert [row["case_id"] for row in compiled.fetch([first.pk], second.pk)] == [first.pk]
    assert compiled.fetch([first.pk], requester.pk) == []


@pytest.mark.parametrize(
    ("build", "refusal"),
    [
        (lambda pk: User.objects.filter(pk__lte=pk)[: -pk % 7], "SQL changes with the values"),
        (
            lambda pk: User.objects.filter(pk=pk, date_joined__lte=timezone.now()),
            "parameter other than the values",
        ),
        (lambda pk: User.objects.filter(username__contains=str(pk)), "other than the values"),
        (lambda pk: User.objects.filter(pk=pk).prefetch_related("x"), "prefetch_related"),
    ],
)
def test_it_refuses_what_it_could_not_replay(build: Any, refusal: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=refusal):
        CompiledQuery(build).fetch(1)


@pytest.mark.django_db(transaction=True)
def test_a_query_compiled_on_one_thread_runs_on_anothers_connection() -> None:
    user = UserFactory()
    compiled = CompiledQuery(_users_with_role_count)
    assert [found.pk for found in compiled.fetch(user.pk)] == [user.pk]
    found_there: list[Any] = []

    def elsewhere() -> None:
        try:
            found_there.extend(compiled.fetch(user.pk))
            found_there.append(connection.alias)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert [getattr(found, "pk", found) for found in found_there] == [user.pk, "default"]
