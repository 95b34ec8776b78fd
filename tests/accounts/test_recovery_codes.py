"""Recovery codes: ten, each works once, stored only as keyed hashes."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediation.accounts import recovery_codes, services
from mediation.accounts.models import Role, User
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, Outcome
from tests.conftest import client_for, totp_code
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    user = staff_with_role(Role.COORDINATOR, CommunityFactory(), "coordinator")
    TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    return user


@pytest.fixture
def codes(coordinator: User) -> list[str]:
    return services.recovery_codes_issue(user=coordinator, actor=Actor.system("test"))


def _sign_in_with_recovery_code(code: str) -> tuple[Client, int]:
    client = Client()
    client.post("/staff/login/", {"username": "coordinator", "password": PASSWORD})
    response = client.post("/staff/login/recovery/", {"code": code})
    return client, response.status_code


def test_ten_codes_of_eighty_bits_are_issued(codes: list[str]) -> None:
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(code) == 16 and set(code) <= set(recovery_codes.ALPHABET) for code in codes)


def test_a_recovery_code_signs_in_once(codes: list[str]) -> None:
    client, status = _sign_in_with_recovery_code(codes[0])
    assert status == 302
    assert client.get("/cases/").status_code == 200
    event = AccessEvent.objects.filter(action=Action.LOGIN, outcome=Outcome.SUCCESS).get()
    assert event.object_type == "recovery_codes"

    again, status = _sign_in_with_recovery_code(codes[0])
    assert status == 400
    assert "_auth_user_id" not in again.session
    assert AccessEvent.objects.filter(action=Action.LOGIN, outcome=Outcome.FAILED).count() == 1


def test_a_recovery_code_may_be_typed_with_spaces_and_in_lower_case(codes: list[str]) -> None:
    typed = " " + recovery_codes.display(codes[3]).replace("-", " ").lower() + " "
    _client, status = _sign_in_with_recovery_code(typed)
    assert status == 302


def test_recovery_codes_are_stored_only_as_keyed_hashes(codes: list[str]) -> None:
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    typed_forms = {
        form(code) for code in codes for form in (str, str.lower, recovery_codes.display)
    }
    assert stored.isdisjoint(typed_forms)


def test_new_codes_replace_the_old_ones_after_a_fresh_code(
    coordinator: User, codes: list[str]
) -> None:
    client = client_for(coordinator)
    page = client.get("/staff/account/recovery-codes/")
    assert "You have 10 unused recovery codes." in page.content.decode()
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post("/staff/account/recovery-codes/", {"code": totp_code(device)})
    assert response.status_code == 200
    shown = response.content.decode()
    assert recovery_codes.display(codes[0]) not in shown
    assert StaticToken.objects.count() == 10
    _client, status = _sign_in_with_recovery_code(codes[0])
    assert status == 400


def test_new_codes_are_refused_without_a_right_code(coordinator: User, codes: list[str]) -> None:
    client = client_for(coordinator)
    response = client.post("/staff/account/recovery-codes/", {"code": "12345"})
    assert response.status_code == 400
    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        recovery_codes.stored_form(code) for code in codes
    }


def test_new_codes_need_a_signed_in_user() -> None:
    response = Client().get("/staff/account/recovery-codes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
