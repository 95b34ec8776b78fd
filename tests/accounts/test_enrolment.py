"""First sign-in: set up an authenticator app from a QR code or key, then get recovery codes."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediation.accounts import recovery_codes, services
from mediation.accounts.models import Role, User
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, Outcome, Purpose
from tests.conftest import client_for, totp_code
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer() -> User:
    return staff_with_role(Role.MEDIATOR, CommunityFactory(), "newcomer")


def _password(client: Client) -> None:
    response = client.post("/staff/login/", {"username": "newcomer", "password": PASSWORD})
    assert response["Location"] == "/staff/login/set-up/"


def test_the_set_up_page_shows_the_key_and_an_inline_qr_code(newcomer: User) -> None:
    client = Client()
    _password(client)
    page = client.get("/staff/login/set-up/")
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    shown_key = re.search(r'<p class="code" id="secret">([A-Z2-7 ]+)</p>', body)
    assert shown_key is not None
    assert b32decode(shown_key.group(1).replace(" ", "")) == device.bin_key
    assert '<svg width="' in body
    assert "QR code to scan with your authenticator app" in body
    assert "<script" not in body.split("<main")[1]
    assert "style=" not in body
    # Opening the page again shows the same key, not a new one.
    client.get("/staff/login/set-up/")
    assert TOTPDevice.objects.get(user=newcomer).key == device.key


def test_confirming_a_code_turns_two_factor_on_and_shows_recovery_codes_once(
    newcomer: User,
) -> None:
    client = Client()
    _password(client)
    client.get("/staff/login/set-up/")
    device = TOTPDevice.objects.get(user=newcomer)
    response = client.post("/staff/login/set-up/", {"code": totp_code(device)})
    assert response.status_code == 200
    shown = re.findall(
        r"<li>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</li>", response.content.decode()
    )
    assert len(shown) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        recovery_codes.stored_form(code) for code in shown
    }
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    assert list(
        AccessEvent.objects.filter(outcome=Outcome.SUCCESS, purpose=Purpose.AUTHENTICATION)
        .order_by("id")
        .values_list("action", "object_type")
    ) == [
        (Action.CREATE, "totp_device"),
        (Action.CREATE, "recovery_codes"),
        (Action.LOGIN, "totp_device"),
    ]
    # Signed in now: the set-up page is not offered again.
    assert client.get("/staff/login/set-up/")["Location"] == "/staff/login/"


def test_a_wrong_code_leaves_two_factor_off(newcomer: User) -> None:
    client = Client()
    _password(client)
    client.get("/staff/login/set-up/")
    device = TOTPDevice.objects.get(user=newcomer)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post("/staff/login/set-up/", {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.count() == 0


def test_an_enrolled_user_is_not_offered_a_new_key(newcomer: User) -> None:
    TOTPDevice.objects.create(user=newcomer, name="authenticator app", confirmed=True)
    client = Client()
    client.post("/staff/login/", {"username": "newcomer", "password": PASSWORD})
    assert client.get("/staff/login/set-up/")["Location"] == "/staff/login/verify/"
    assert TOTPDevice.objects.count() == 1


def test_after_a_two_factor_reset_the_user_sets_up_again(newcomer: User) -> None:
    """ASVS 7.4.3: changing the second factor ends the user's sessions."""
    client = client_for(newcomer)
    services.recovery_codes_issue(user=newcomer, actor=Actor.system("test"))
    services.user_two_factor_reset(user=newcomer, actor=Actor.system("test"))
    assert client.get("/cases/").status_code == 302
    assert TOTPDevice.objects.filter(user=newcomer).count() == 0
    assert StaticToken.objects.count() == 0
    _password(Client())
