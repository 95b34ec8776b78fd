"""Master key rotation (ASVS 11.1.x)."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mediation.cases.models import Case
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher, MissingKeyError, master_key_id
from mediation.privacy.models import DataKey
from tests.factories import CommunityFactory, make_case

pytestmark = pytest.mark.django_db


def _description(case: Case) -> str | None:
    case = Case.objects.select_related("data_key").get(pk=case.pk)
    return fields.decrypt(case, "description", CaseCipher.for_data_key(case.data_key))


def test_rotation_rewraps_every_key_and_data_stays_readable(settings) -> None:
    old_key = settings.MEDIATION_MASTER_KEYS[0]
    community = CommunityFactory()
    cases = [make_case(community=community, description=f"story {n}") for n in range(3)]
    new_key = os.urandom(32)
    settings.MEDIATION_MASTER_KEYS = [new_key, old_key]

    out = StringIO()
    call_command("rotate_master_key", "--batch-size", "2", stdout=out)

    assert "Re-wrapped 3 data keys" in out.getvalue()
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {master_key_id(new_key)}
    settings.MEDIATION_MASTER_KEYS = [new_key]  # the old key is gone
    assert [_description(case) for case in cases] == ["story 0", "story 1", "story 2"]


def test_rotation_is_idempotent(settings) -> None:
    make_case(community=CommunityFactory())
    settings.MEDIATION_MASTER_KEYS = [os.urandom(32), *settings.MEDIATION_MASTER_KEYS]
    call_command("rotate_master_key", stdout=StringIO())
    out = StringIO()
    call_command("rotate_master_key", stdout=out)
    assert "Re-wrapped 0 data keys" in out.getvalue()
    assert "1 were already wrapped" in out.getvalue()


def test_dry_run_changes_nothing(settings) -> None:
    make_case(community=CommunityFactory())
    before = list(DataKey.objects.values_list("master_key_id", "wrapped_key"))
    settings.MEDIATION_MASTER_KEYS = [os.urandom(32), *settings.MEDIATION_MASTER_KEYS]
    out = StringIO()
    call_command("rotate_master_key", "--dry-run", stdout=out)
    assert "Would re-wrap 1 data keys" in out.getvalue()
    after = list(DataKey.objects.values_list("master_key_id", "wrapped_key"))
    assert [(k, bytes(w)) for k, w in after] == [(k, bytes(w)) for k, w in before]


def test_rotation_without_the_old_key_fails_and_changes_nothing(settings) -> None:
    case = make_case(community=CommunityFactory(), description="kept")
    old_key = settings.MEDIATION_MASTER_KEYS[0]
    settings.MEDIATION_MASTER_KEYS = [os.urandom(32)]
    with pytest.raises(CommandError, match="not configured"):
        call_command("rotate_master_key", stdout=StringIO())
    settings.MEDIATION_MASTER_KEYS = [old_key]
    assert _description(case) == "kept"
    with pytest.raises(MissingKeyError):
        settings.MEDIATION_MASTER_KEYS = [os.urandom(32)]
        _description(case)
