"""Personas and shared fixtures.

The cast: a coordinator of community A, a mediator in A with one assigned
case, another mediator in A with none of those cases, a privacy officer, and
an outsider (coordinator of community B) who must see nothing of A.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediation.accounts.models import Community, Role, User
from mediation.accounts.sessions import mark_signed_in
from mediation.cases.models import Case
from tests.factories import CommunityFactory, make_case, staff_with_role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@dataclass
class Cast:
    community: Community
    other_community: Community
    coordinator: User
    mediator: User
    other_mediator: User
    privacy_officer: User
    outsider: User
    assigned_case: Case
    unassigned_case: Case
    other_community_case: Case


def _make_cast() -> Cast:
    community = CommunityFactory(slug="riverside")
    other = CommunityFactory(slug="hillview")
    mediator = staff_with_role(Role.MEDIATOR, community, "mediator")
    return Cast(
        community=community,
        other_community=other,
        coordinator=staff_with_role(Role.COORDINATOR, community, "coordinator"),
        mediator=mediator,
        other_mediator=staff_with_role(Role.MEDIATOR, community, "other_mediator"),
        privacy_officer=staff_with_role(Role.PRIVACY_OFFICER, community, "privacy_officer"),
        outsider=staff_with_role(Role.COORDINATOR, other, "outsider"),
        assigned_case=make_case(
            community=community, description="Assigned: loud music", mediator=mediator
        ),
        unassigned_case=make_case(community=community, description="Unassigned: fence"),
        other_community_case=make_case(community=other, description="Elsewhere: parking"),
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return _make_cast()


def client_for(user: User, device: Device | None = None) -> Client:
    """Return a client signed in as ``user`` with both steps, as the sign-in flow leaves it.

    The second step is ``device``, or else the user's authenticator app (made if needed).
    """
    client = Client()
    client.force_login(user)
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    mark_signed_in(session)
    session.save()
    return client


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """Return the code an authenticator app holding ``device``'s key shows now.

    ``steps_ahead=1`` gives the next 30-second code, which is also accepted:
    django-otp accepts each code once, so a second sign-in within the same
    30 seconds needs it.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def cast_db(transactional_db: None) -> Cast:
    """The cast, for tests that need real commits (transaction=True)."""
    return _make_cast()
