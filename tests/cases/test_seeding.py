"""Demo and benchmark seeding writes real, encrypted, logged cases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mediation.accounts.models import Role, RoleAssignment, User
from mediation.audit.models import AccessEvent
from mediation.cases.models import Case, Party
from mediation.cases.seeding import SeedStaff, seed_cases
from mediation.consent.models import ConsentRecord
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from tests.factories import CommunityFactory, staff_with_role

pytestmark = pytest.mark.django_db


def test_seeded_cases_are_encrypted_consented_and_logged() -> None:
    community = CommunityFactory()
    mediator = staff_with_role(Role.MEDIATOR, community, "m")
    created = seed_cases(
        communities=[community],
        staff=SeedStaff(mediators_by_community={community.pk: [mediator]}),
        count=25,
        batch_size=10,
    )
    assert created == 25
    assert Case.objects.count() == Party.objects.count() == ConsentRecord.objects.count() == 25
    assert AccessEvent.objects.filter(action="create", object_type="case").count() == 25
    for case in Case.objects.select_related("data_key"):
        cipher = CaseCipher.for_data_key(case.data_key)
        text = fields.decrypt(case, "description", cipher) or ""
        assert len(text) > 20
        assert text.encode() not in bytes(case.description)


def test_demo_data_loads_once_and_always_prints_the_logins() -> None:
    out = StringIO()
    call_command("load_demo_data", "--cases", "12", stdout=out)
    assert "Demo data loaded." in out.getvalue()
    assert "coordinator-demo-2026" in out.getvalue()
    assert Case.objects.count() == 12
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="coordinator").check_password("coordinator-demo-2026")

    again = StringIO()
    call_command("load_demo_data", stdout=again)
    assert "Demo data already present." in again.getvalue()
    assert "mediator3-demo-2026" in again.getvalue()
    assert Case.objects.count() == 12


def test_demo_data_is_refused_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo_data", stdout=StringIO())
    assert Case.objects.count() == 0
