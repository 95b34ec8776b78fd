"""The session's two-factor device is checked with the user's own query, as django-otp would.

A staff page is reached only while the session's device exists, is confirmed
and belongs to the signed-in user; otherwise the session is ended as
unverified, and the device id leaves the session.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from mediation.accounts.backends import StaffBackend
from mediation.accounts.middleware import StaffOTPMiddleware
from mediation.accounts.models import Role, User
from mediation.accounts.otp import DEVICE_ID_SESSION_KEY, StaticDevice, TOTPDevice
from mediation.accounts.selectors import confirmed_devices
from mediation.audit.models import AccessEvent, Action
from tests.conftest import client_for
from tests.factories import CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return staff_with_role(Role.COORDINATOR, CommunityFactory(), "coordinator")


def _ended_unverified() -> bool:
    return AccessEvent.objects.filter(
        action=Action.DELETE, object_type="staff_session", actor_id="session_unverified"
    ).exists()


def test_a_verified_page_reads_no_device_of_its_own(coordinator: User) -> None:
    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    device_reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "otp_')
    ]
    assert device_reads == []
    user_query = next(
        q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]
    )
    assert "otp_totp_totpdevice" in user_query
    assert "otp_static_staticdevice" in user_query


def test_recovery_codes_verify_a_session_too(coordinator: User) -> None:
    device = StaticDevice.objects.create(user=coordinator, name="recovery codes", confirmed=True)
    assert client_for(coordinator, device).get("/cases/").status_code == 200


@pytest.mark.parametrize("change", ["unconfirmed", "deleted", "someone else's"])
def test_a_device_that_no_longer_counts_ends_the_session(coordinator: User, change: str) -> None:
    owner = coordinator
    if change == "someone else's":
        owner = staff_with_role(Role.COORDINATOR, CommunityFactory(), "other")
        TOTPDevice.objects.create(user=coordinator, name="their own app", confirmed=True)
    device = TOTPDevice.objects.create(user=owner, name="app", confirmed=True)
    client = client_for(coordinator, device)
    if change == "unconfirmed":
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    elif change == "deleted":
        device.delete()
    response = client.get("/cases/")
    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert "_auth_user_id" not in client.session
    assert _ended_unverified()


def test_the_device_is_loaded_only_when_something_asks_for_it(coordinator: User) -> None:
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    client = client_for(coordinator, device)
    request = RequestFactory().get("/cases/")
    request.session = client.session
    assert request.session.get(DEVICE_ID_SESSION_KEY)  # the session is read before counting
    user = StaffBackend().get_user(coordinator.pk)
    with CaptureQueriesContext(connection) as queries:
        checked = StaffOTPMiddleware(lambda r: None)._verify_user_sync(request, user)
        assert checked.is_verified()
    assert queries.captured_queries == []
    assert checked.otp_device.pk == device.pk  # now read
    assert confirmed_devices(user) == {device.persistent_id}


def test_a_user_read_without_the_devices_is_checked_by_django_otp(coordinator: User) -> None:
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    request = RequestFactory().get("/cases/")
    request.session = client_for(coordinator, device).session
    assert request.session.get(DEVICE_ID_SESSION_KEY)  # the session is read before counting
    plain = User.objects.get(pk=coordinator.pk)
    assert confirmed_devices(plain) is None
    with CaptureQueriesContext(connection) as queries:
        checked = StaffOTPMiddleware(lambda r: None)._verify_user_sync(request, plain)
    assert checked.is_verified()
    assert len(queries.captured_queries) == 1  # django-otp's own read of the device
