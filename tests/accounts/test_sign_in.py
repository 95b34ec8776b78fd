"""Staff sign-in: a password, then a code; nothing is reachable with the password alone."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediation.accounts import services
from mediation.accounts.models import Role, User
from mediation.accounts.signin import PENDING_KEY
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, ActorType, Outcome, Purpose
from tests.conftest import totp_code
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return staff_with_role(Role.COORDINATOR, CommunityFactory(), "coordinator")


@pytest.fixture
def device(coordinator: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=coordinator, name="authenticator app", confirmed=True)


def _password(client: Client, username: str = "coordinator", password: str = PASSWORD, **extra):
    return client.post("/staff/login/", {"username": username, "password": password}, **extra)


def _login_events() -> list[tuple[str, str, str, str, str]]:
    return list(
        AccessEvent.objects.filter(purpose=Purpose.AUTHENTICATION)
        .order_by("id")
        .values_list("action", "outcome", "actor_type", "object_type", "object_id")
    )


def test_a_password_alone_signs_nobody_in(coordinator: User, device: TOTPDevice) -> None:
    """ASVS 6.3.3: every member of staff needs a second factor."""
    client = Client()
    response = _password(client)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/verify/"
    assert "_auth_user_id" not in client.session
    cases = client.get("/cases/")
    assert cases.status_code == 302
    assert cases["Location"].startswith("/staff/login/")
    assert client.get("/intake/new/").status_code == 302


def test_the_code_completes_sign_in_and_is_logged(coordinator: User, device: TOTPDevice) -> None:
    client = Client()
    _password(client)
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert PENDING_KEY not in client.session
    assert _login_events() == [
        (Action.LOGIN, Outcome.SUCCESS, ActorType.STAFF, "totp_device", str(device.pk))
    ]


def test_the_page_asked_for_is_kept_through_both_steps(
    coordinator: User, device: TOTPDevice
) -> None:
    client = Client()
    client.post(
        "/staff/login/?next=/intake/new/",
        {"username": "coordinator", "password": PASSWORD, "next": "/intake/new/"},
    )
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response["Location"] == "/intake/new/"


def test_an_offsite_next_is_ignored(coordinator: User, device: TOTPDevice) -> None:
    client = Client()
    client.post(
        "/staff/login/",
        {"username": "coordinator", "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response["Location"] == "/cases/"


def test_the_session_key_changes_at_each_step(coordinator: User, device: TOTPDevice) -> None:
    """ASVS 7.2.4: a new session at sign-in, so a planted session id is useless."""
    client = Client()
    client.get("/staff/login/")
    client.cookies["sessionid"] = "planted"
    _password(client)
    after_password = client.cookies["sessionid"].value
    assert after_password != "planted"
    client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert client.cookies["sessionid"].value != after_password


def test_a_wrong_code_is_refused_and_logged(coordinator: User, device: TOTPDevice) -> None:
    client = Client()
    _password(client)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post("/staff/login/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _login_events() == [
        (Action.LOGIN, Outcome.FAILED, ActorType.STAFF, "totp_device", str(device.pk))
    ]


def test_a_code_that_is_not_six_digits_is_explained(coordinator: User, device: TOTPDevice) -> None:
    client = Client()
    _password(client)
    response = client.post("/staff/login/verify/", {"code": "12ab"})
    assert response.status_code == 400
    assert "Enter the 6 digits the app shows" in response.content.decode()


def test_a_code_is_accepted_only_once(coordinator: User, device: TOTPDevice) -> None:
    code = totp_code(device)
    first = Client()
    _password(first)
    assert first.post("/staff/login/verify/", {"code": code}).status_code == 302
    second = Client()
    _password(second)
    assert second.post("/staff/login/verify/", {"code": code}).status_code == 400


def test_a_paused_device_asks_to_wait(
    coordinator: User, device: TOTPDevice, settings: pytest.FixtureRequest
) -> None:
    """django-otp pauses a device for longer after each wrong code (1 s, 2 s, 4 s, ...)."""
    client = Client()
    _password(client)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    client.post("/staff/login/verify/", {"code": wrong})
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response.status_code == 400
    assert "Wait a minute" in response.content.decode()
    assert _login_events()[-1] == (
        Action.LOGIN,
        Outcome.REFUSED,
        ActorType.STAFF,
        "totp_device",
        str(device.pk),
    )


def test_a_wrong_password_is_logged_by_user_id_only(coordinator: User) -> None:
    """ASVS 16.3.1: every failed sign-in is logged, with no username or password in the log."""
    client = Client()
    response = _password(client, password="wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    _password(client, username="nobody", password="wrong")
    assert _login_events() == [
        (Action.LOGIN, Outcome.FAILED, ActorType.ANONYMOUS, "staff_user", str(coordinator.pk)),
        (Action.LOGIN, Outcome.FAILED, ActorType.ANONYMOUS, "staff_user", ""),
    ]


def test_a_stale_pending_sign_in_starts_again(coordinator: User, device: TOTPDevice) -> None:
    client = Client()
    _password(client)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": 0}
    session.save()
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/"
    assert "_auth_user_id" not in client.session


def test_a_user_disabled_between_the_steps_cannot_finish(
    coordinator: User, device: TOTPDevice
) -> None:
    client = Client()
    _password(client)
    services.user_deactivate(user=coordinator, actor=Actor.system("test"))
    response = client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert response["Location"] == "/staff/login/"
    assert "_auth_user_id" not in client.session


def test_the_second_step_pages_need_a_password_first(device: TOTPDevice) -> None:
    client = Client()
    for path in ["/staff/login/verify/", "/staff/login/recovery/", "/staff/login/set-up/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/staff/login/"
    assert TOTPDevice.objects.count() == 1


def test_signing_out_ends_the_session_and_is_logged(coordinator: User, device: TOTPDevice) -> None:
    client = Client()
    _password(client)
    client.post("/staff/login/verify/", {"code": totp_code(device)})
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/cases/").status_code == 302
    assert _login_events()[-1] == (
        Action.DELETE,
        Outcome.SUCCESS,
        ActorType.STAFF,
        "staff_session",
        str(coordinator.pk),
    )


def test_the_sign_in_pages_carry_accessible_code_fields(
    coordinator: User, device: TOTPDevice
) -> None:
    client = Client()
    _password(client)
    body = client.get("/staff/login/verify/").content.decode()
    assert 'autocomplete="one-time-code"' in body
    assert 'inputmode="numeric"' in body
    assert '<label for="id_code">' in body
    recovery = client.get("/staff/login/recovery/").content.decode()
    assert '<label for="id_code">' in recovery
    login = Client().get("/staff/login/").content.decode()
    assert 'autocomplete="username"' in login
    assert 'autocomplete="current-password"' in login
