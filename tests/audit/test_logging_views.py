"""The logging views do log: each request writes access events of the kinds its view declares.

Issue 5, item 1. Every logging view is requested as the persona it is for
(or as one it must refuse), per the visits in ``tests/audit/visits.py``, and
the request must have written access events, of the kinds the view declares
and no others. The declarations themselves are checked in ``test_coverage.py``.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve, reverse

from mediation.accounts.models import Role, User
from mediation.audit.coverage import LogsAccess, declaration_of
from mediation.audit.models import AccessEvent, Channel, Outcome
from tests.audit.routes import all_routes
from tests.audit.visits import VISITS, Visit
from tests.audit.world import World, build_world, resident_client
from tests.conftest import Cast, client_for
from tests.factories import PASSWORD, staff_with_role
from tests.intake.journey import answer_all


def _a_new_staff_user(world: World, username: str, *, with_device: bool) -> User:
    user = staff_with_role(Role.MEDIATOR, world.cast.community, username)
    if with_device:
        client_for(user)  # gives the user an authenticator device
    return user


def _pending_sign_in(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _client(persona: str, world: World) -> Client:
    cast = world.cast
    staff = {
        "coordinator": cast.coordinator,
        "mediator": cast.mediator,
        "other_mediator": cast.other_mediator,
        "outsider": cast.outsider,
        "privacy_officer": cast.privacy_officer,
        "administrator": world.administrator,
    }
    if persona in staff:
        return client_for(staff[persona])
    if persona == "resident":
        return resident_client(world)
    if persona == "anonymous":
        return Client()
    if persona == "resident_with_draft":
        client = Client()
        answer_all(client, cast.community.pk)
        return client
    if persona == "password_given":
        return _pending_sign_in(_a_new_staff_user(world, "pending", with_device=True))
    if persona == "password_given_no_app":
        return _pending_sign_in(_a_new_staff_user(world, "enrolling", with_device=False))
    raise AssertionError(persona)


def _id(visit: Visit) -> str:
    return f"{visit.url_name}-{visit.persona}-{visit.method}" + ("-htmx" if visit.headers else "")


@pytest.mark.django_db
@pytest.mark.parametrize("visit", VISITS, ids=[_id(v) for v in VISITS])
def test_a_logging_view_writes_the_events_it_declares(cast: Cast, visit: Visit) -> None:
    world = build_world(cast, "The family upstairs plays music until 2am.")
    client = _client(visit.persona, world)
    url = reverse(visit.url_name, kwargs=visit.kwargs(world))
    declared = declaration_of(resolve(url).func)
    assert isinstance(declared, LogsAccess), visit.url_name
    before = AccessEvent.objects.count()

    response = getattr(client, visit.method)(url, visit.data(world), headers=visit.headers)

    events = list(AccessEvent.objects.filter(request_id=response["X-Request-ID"]))
    assert events, (visit.url_name, response.status_code)
    assert AccessEvent.objects.count() - before == len(events)
    written = {(event.action, event.object_type) for event in events}
    assert written <= declared.events, (visit.url_name, written - declared.events)
    if visit.writes:
        assert tuple(visit.writes.split(" ")) in written, (visit.url_name, written)
    refused = {event.outcome for event in events} - {Outcome.SUCCESS}
    assert bool(refused) == visit.refused, (visit.url_name, response.status_code, written)
    channel = Channel.ADMIN if visit.url_name.startswith("admin:") else Channel.WEB
    assert {event.channel for event in events} == {channel}


def test_every_logging_view_is_visited_above() -> None:
    """A new logging URL gets a visit in VISITS, or this fails."""
    visited = {visit.url_name for visit in VISITS}
    logging = {
        route.name
        for route in all_routes()
        if isinstance(declaration_of(route.callback), LogsAccess)
    }
    assert logging - visited == set()
