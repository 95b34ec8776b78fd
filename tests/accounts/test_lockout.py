"""Lockout after repeated failures (django-axes), per username, storing no address or browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediation.accounts import services
from mediation.accounts.lockout import username_hash
from mediation.accounts.models import Role, User
from mediation.audit.actors import Actor, ActorRole
from mediation.audit.models import AccessEvent, Action, ActorType, Outcome
from tests.conftest import totp_code
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db

BROWSER = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "Mozilla/5.0 (Distinctive UA 42)"}


@pytest.fixture
def coordinator() -> User:
    user = staff_with_role(Role.COORDINATOR, CommunityFactory(), "coordinator")
    TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    return user


def _attempt(client: Client, password: str, username: str = "coordinator"):
    return client.post("/staff/login/", {"username": username, "password": password}, **BROWSER)


def _without_csrf(body: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())


def _wrong_code(device: TOTPDevice) -> str:
    return "000000" if totp_code(device) != "000000" else "111111"


def test_five_wrong_passwords_lock_the_username(coordinator: User) -> None:
    """ASVS 6.3.1: brute force is stopped; the fifth failure locks the account for a while."""
    client = Client()
    statuses = [_attempt(client, f"wrong-{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = _attempt(Client(), PASSWORD)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in Client().session
    outcomes = list(
        AccessEvent.objects.filter(action=Action.LOGIN).values_list("outcome", flat=True)
    )
    # Five failures, the lockout, then the refused attempt with the right password.
    assert outcomes == [Outcome.FAILED] * 5 + [Outcome.REFUSED, Outcome.REFUSED]


def test_the_lockout_ends_after_the_cool_off(coordinator: User) -> None:
    client = Client()
    for n in range(5):
        _attempt(client, f"wrong-{n}")
    assert _attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _attempt(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/verify/"


def test_attempts_during_the_lockout_do_not_extend_it(coordinator: User) -> None:
    """A stranger cannot keep someone locked out by trying again and again."""
    client = Client()
    for n in range(5):
        _attempt(client, f"wrong-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    for n in range(3):
        assert _attempt(client, f"again-{n}").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _attempt(client, PASSWORD).status_code == 302


def test_wrong_codes_count_towards_the_same_lockout(
    coordinator: User, settings: pytest.FixtureRequest
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # type: ignore[attr-defined]
    device = TOTPDevice.objects.get(user=coordinator)
    client = Client()
    for n in range(2):
        _attempt(client, f"wrong-{n}")
    _attempt(client, PASSWORD)
    statuses = [
        client.post("/staff/login/verify/", {"code": _wrong_code(device)}).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    # The pending sign-in is gone: even the right code now needs the password again.
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response["Location"] == "/staff/login/"
    assert _attempt(Client(), PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_count(coordinator: User) -> None:
    device = TOTPDevice.objects.get(user=coordinator)
    client = Client()
    for n in range(4):
        _attempt(client, f"wrong-{n}")
    _attempt(client, PASSWORD)
    client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert AccessAttempt.objects.count() == 0
    assert _attempt(Client(), "wrong-again").status_code == 200


def test_unknown_and_known_usernames_lock_out_alike(coordinator: User) -> None:
    """ASVS 6.3.8: the lockout tells nobody whether a username exists."""
    known, unknown = Client(), Client()
    for n in range(5):
        last_known = _attempt(known, f"wrong-{n}")
        last_unknown = _attempt(unknown, f"wrong-{n}", username="nobody")
    assert last_known.status_code == last_unknown.status_code == 429
    assert _without_csrf(last_known.content) == _without_csrf(last_unknown.content)


def test_one_username_locked_leaves_others_alone(coordinator: User) -> None:
    staff_with_role(Role.MEDIATOR, CommunityFactory(), "mediator")
    client = Client()
    for n in range(5):
        _attempt(client, f"wrong-{n}")
    assert _attempt(client, PASSWORD, username="mediator").status_code == 302


def test_axes_stores_no_address_user_agent_username_or_password(coordinator: User) -> None:
    """SECURITY.md: login throttling keeps no raw IP address or user agent."""
    client = Client()
    for n in range(3):
        _attempt(client, f"secret-guess-{n}")
    _attempt(client, "typo", username="someone@example.org")
    attempts = list(AccessAttempt.objects.all())
    assert len(attempts) == 2
    for attempt in attempts:
        assert attempt.ip_address is None
        assert attempt.user_agent == ""
        assert attempt.http_accept == ""
        stored = " ".join(
            str(getattr(attempt, field.attname)) for field in AccessAttempt._meta.concrete_fields
        )
        for personal in ("203.0.113.77", "Distinctive", "coordinator", "someone@", "guess"):
            assert personal not in stored
    assert {a.username for a in attempts} == {
        username_hash("coordinator"),
        username_hash("someone@example.org"),
    }


def test_axes_keeps_no_log_of_successful_sign_ins(coordinator: User) -> None:
    device = TOTPDevice.objects.get(user=coordinator)
    client = Client()
    _attempt(client, "wrong")
    _attempt(client, PASSWORD)
    client.post("/staff/login/verify/", {"code": totp_code(device)}, **BROWSER)
    client.post("/staff/logout/", **BROWSER)
    assert AccessLog.objects.count() == 0
    assert AccessFailureLog.objects.count() == 0


def test_an_administrator_can_lift_a_lockout(coordinator: User) -> None:
    client = Client()
    for n in range(5):
        _attempt(client, f"wrong-{n}")
    services.user_lockout_lift(user=coordinator, actor=Actor.staff(1, ActorRole.ADMINISTRATOR))
    assert _attempt(client, PASSWORD).status_code == 302
    lifted = AccessEvent.objects.filter(action=Action.UPDATE).get()
    assert (lifted.actor_type, lifted.object_id) == (ActorType.STAFF, str(coordinator.pk))


def test_one_client_is_slowed_across_usernames(
    coordinator: User, settings: pytest.FixtureRequest
) -> None:
    """Password spraying (a guess or two at many usernames) meets the per-client rate."""
    settings.MEDIATION_STAFF_SIGN_IN_CLIENT_RATE = "3/h"  # type: ignore[attr-defined]
    client = Client()
    statuses = [_attempt(client, "Winter2026!", username=f"user{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert AccessEvent.objects.filter(outcome=Outcome.REFUSED).count() == 1
    # Even the right password is refused from that client until the window passes.
    assert _attempt(client, PASSWORD).status_code == 429


def test_successful_sign_ins_do_not_use_up_the_client_rate(
    coordinator: User, settings: pytest.FixtureRequest
) -> None:
    """Many staff behind one office address sign in all day without meeting the rate."""
    settings.MEDIATION_STAFF_SIGN_IN_CLIENT_RATE = "3/h"  # type: ignore[attr-defined]
    statuses = [_attempt(Client(), PASSWORD).status_code for _ in range(6)]
    assert statuses == [302] * 6
