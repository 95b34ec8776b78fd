"""Staff sessions: idle and absolute timeouts; disabling a user ends all their sessions."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from mediation.accounts import services
from mediation.accounts.models import Role, User
from mediation.accounts.sessions import SESSION_KEY
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, ActorType
from tests.conftest import client_for
from tests.factories import CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return staff_with_role(Role.COORDINATOR, CommunityFactory(), "coordinator")


def _age(client: Client, *, since: float, seen: float) -> None:
    session = client.session
    now = time.time()
    session[SESSION_KEY] = {"since": now - since, "seen": now - seen}
    session.save()


def _ended_by(reason: str) -> AccessEvent:
    event = AccessEvent.objects.filter(action=Action.DELETE, object_type="staff_session").get()
    assert (event.actor_type, event.actor_id) == (ActorType.SYSTEM, f"session_{reason}")
    return event


def test_an_idle_session_is_ended(coordinator: User, settings) -> None:
    """ASVS 7.3.1; SECURITY.md scenario 11."""
    client = client_for(coordinator)
    _age(client, since=60, seen=settings.MEDIATION_STAFF_IDLE_SECONDS + 1)
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert "_auth_user_id" not in client.session
    assert _ended_by("idle").object_id == str(coordinator.pk)
    login = client.get(response["Location"]).content.decode()
    assert "You were signed out because the page was left unused." in login


def test_a_session_in_use_is_kept_and_its_clock_moves(coordinator: User, settings) -> None:
    client = client_for(coordinator)
    _age(client, since=3600, seen=settings.MEDIATION_STAFF_IDLE_SECONDS - 5)
    assert client.get("/cases/").status_code == 200
    stamp = client.session[SESSION_KEY]
    assert time.time() - stamp["seen"] < 5
    assert time.time() - stamp["since"] >= 3600


def test_a_session_past_the_absolute_limit_is_ended_even_when_busy(
    coordinator: User, settings
) -> None:
    """ASVS 7.3.2."""
    client = client_for(coordinator)
    _age(client, since=settings.MEDIATION_STAFF_ABSOLUTE_SECONDS + 1, seen=1)
    assert client.get("/cases/").status_code == 302
    assert "_auth_user_id" not in client.session
    _ended_by("absolute")


def test_the_timeouts_come_from_settings(coordinator: User, settings) -> None:
    settings.MEDIATION_STAFF_IDLE_SECONDS = 5
    client = client_for(coordinator)
    _age(client, since=10, seen=6)
    assert client.get("/cases/").status_code == 302


def test_a_signed_in_session_without_the_second_factor_is_ended(coordinator: User) -> None:
    """Whatever created it, a session that did not pass both steps reaches no staff page."""
    client = Client()
    client.force_login(coordinator)
    assert client.get("/cases/").status_code == 302
    assert "_auth_user_id" not in client.session
    _ended_by("unverified")


def test_public_pages_are_unaffected_by_staff_timeouts() -> None:
    client = Client()
    assert client.get("/").status_code == 200
    assert client.get("/status/").status_code == 200
    assert not AccessEvent.objects.exists()


def test_deactivating_a_user_ends_all_their_sessions(coordinator: User) -> None:
    """ASVS 7.4.2; SECURITY.md scenario 11."""
    laptop, phone = client_for(coordinator), client_for(coordinator)
    services.user_deactivate(user=coordinator, actor=Actor.system("test"))
    assert laptop.get("/cases/").status_code == 302
    # Even if the account is enabled again, the old sessions stay ended.
    User.objects.filter(pk=coordinator.pk).update(is_active=True)
    assert phone.get("/cases/").status_code == 302
    assert "_auth_user_id" not in phone.session
    assert list(
        AccessEvent.objects.order_by("id").values_list("action", "object_type", "object_id")
    )[:2] == [
        (Action.UPDATE, "staff_user", str(coordinator.pk)),
        (Action.DELETE, "staff_session", str(coordinator.pk)),
    ]


def test_ending_sessions_leaves_other_users_signed_in(coordinator: User) -> None:
    other = staff_with_role(Role.COORDINATOR, CommunityFactory(), "other")
    mine, theirs = client_for(coordinator), client_for(other)
    services.user_sessions_end(user=coordinator, actor=Actor.system("test"))
    assert mine.get("/cases/").status_code == 302
    assert theirs.get("/cases/").status_code == 200


def test_a_password_change_ends_other_sessions(coordinator: User) -> None:
    client = client_for(coordinator)
    coordinator.set_password("a-completely-new-passphrase")
    coordinator.save()
    assert client.get("/cases/").status_code == 302


def test_signing_out_removes_the_session_row(coordinator: User) -> None:
    client = client_for(coordinator)
    key = client.session.session_key
    client.post("/staff/logout/")
    assert not Session.objects.filter(session_key=key).exists()
