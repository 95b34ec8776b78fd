"""The Django admin needs a two-factor session; deactivating a user there ends their sessions."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediation.accounts.models import Role, User
from mediation.audit.models import AccessEvent, Action, ActorRole
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    user.role_assignments.create(role=Role.ADMINISTRATOR, community=None)
    return user


def test_the_admin_opens_for_a_verified_administrator(administrator: User) -> None:
    assert client_for(administrator).get("/admin/").status_code == 200


def test_the_admin_sends_everyone_else_to_the_staff_sign_in() -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302
    login = Client().get(response["Location"])
    assert login.status_code == 302
    assert login["Location"] == "/staff/login/?next=/admin/"


def test_a_password_only_administrator_session_gets_no_admin(administrator: User) -> None:
    client = Client()
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_admin_login_form_is_never_shown(administrator: User) -> None:
    """The admin's own form would be a second way in, with a password only."""
    response = Client().post("/admin/login/", {"username": "admin", "password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_a_verified_member_of_staff_without_admin_rights_is_refused() -> None:
    mediator = staff_with_role(Role.MEDIATOR, CommunityFactory(), "mediator")
    client = client_for(mediator)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_two_factor_secrets_are_not_in_the_admin() -> None:
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_deactivating_a_user_in_the_admin_ends_their_sessions(administrator: User) -> None:
    mediator = staff_with_role(Role.MEDIATOR, CommunityFactory(), "mediator")
    theirs = client_for(mediator)
    response = client_for(administrator).post(
        f"/admin/accounts/user/{mediator.pk}/change/",
        {
            "username": "mediator",
            "email": "",
            "is_staff": "",
            "is_superuser": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mediator.refresh_from_db()
    assert not mediator.is_active
    assert theirs.get("/cases/").status_code == 302
    event = AccessEvent.objects.get(action=Action.DELETE, object_type="staff_session")
    assert (event.actor_id, event.actor_role) == (str(administrator.pk), ActorRole.ADMINISTRATOR)


def test_the_admin_actions_end_sessions_and_reset_two_factor(administrator: User) -> None:
    mediator = staff_with_role(Role.MEDIATOR, CommunityFactory(), "mediator")
    theirs = client_for(mediator)
    client = client_for(administrator)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [mediator.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=mediator).exists()
    assert theirs.get("/cases/").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_signing_out_of_the_admin_is_logged(administrator: User) -> None:
    client = client_for(administrator)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert AccessEvent.objects.filter(action=Action.DELETE, object_type="staff_session").exists()
