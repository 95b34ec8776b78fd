"""Per-case envelope encryption (ASVS 11.3.x)."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from django.db import transaction

from mediation.cases.models import Case, Party
from mediation.privacy import fields
from mediation.privacy.crypto import (
    CaseCipher,
    DecryptionError,
    MissingKeyError,
    data_key_new,
    master_key_id,
)
from mediation.privacy.models import DataKey
from tests.factories import CommunityFactory, make_case


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def test_it_round_trips_unicode_text() -> None:
    _key, cipher = data_key_new()
    record = uuid.uuid4()
    text = "邻居晚上很吵 — the neighbour is loud 🙁"
    token = cipher.encrypt(record_id=record, field="case.description", value=text)
    assert text.encode() not in token
    assert cipher.decrypt(record_id=record, field="case.description", token=token) == text


def test_a_value_moved_to_another_record_fails() -> None:
    _key, cipher = data_key_new()
    token = cipher.encrypt(record_id=uuid.uuid4(), field="case.description", value="secret")
    with pytest.raises(DecryptionError):
        cipher.decrypt(record_id=uuid.uuid4(), field="case.description", token=token)


def test_a_value_moved_to_another_field_fails() -> None:
    _key, cipher = data_key_new()
    record = uuid.uuid4()
    token = cipher.encrypt(record_id=record, field="case.description", value="secret")
    with pytest.raises(DecryptionError):
        cipher.decrypt(record_id=record, field="party.contact", token=token)


def test_another_cases_key_fails() -> None:
    _key, cipher = data_key_new()
    _other_key, other_cipher = data_key_new()
    record = uuid.uuid4()
    token = cipher.encrypt(record_id=record, field="case.description", value="secret")
    with pytest.raises(DecryptionError):
        other_cipher.decrypt(record_id=record, field="case.description", token=token)


def test_tampered_ciphertext_fails() -> None:
    _key, cipher = data_key_new()
    record = uuid.uuid4()
    token = bytearray(cipher.encrypt(record_id=record, field="case.description", value="secret"))
    token[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.decrypt(record_id=record, field="case.description", token=bytes(token))


def test_a_wrong_master_key_raises_instead_of_returning_ciphertext(settings) -> None:
    data_key, _cipher = data_key_new()
    forged = DataKey(
        id=data_key.id, master_key_id=data_key.master_key_id, wrapped_key=data_key.wrapped_key
    )
    # Same key id (as if the configured key were replaced by another under the same name).
    wrong = os.urandom(32)
    settings.MEDIATION_MASTER_KEYS = [wrong]
    forged.master_key_id = master_key_id(wrong)
    with pytest.raises(DecryptionError):
        CaseCipher.for_data_key(forged)


def test_a_missing_master_key_raises(settings) -> None:
    data_key, _cipher = data_key_new()
    settings.MEDIATION_MASTER_KEYS = [os.urandom(32)]
    with pytest.raises(MissingKeyError):
        CaseCipher.for_data_key(data_key)


def test_an_erased_data_key_raises() -> None:
    with pytest.raises(MissingKeyError):
        CaseCipher.for_data_key(None)


def test_a_wrapped_key_moved_to_another_data_key_fails() -> None:
    first, _ = data_key_new()
    second, _ = data_key_new()
    second.wrapped_key = first.wrapped_key
    with pytest.raises(DecryptionError):
        CaseCipher.for_data_key(second)


@pytest.mark.django_db
def test_case_fields_are_stored_only_as_ciphertext() -> None:
    case = make_case(community=CommunityFactory(), description="Mr Wang at No. 12 shouts")
    stored = Case.objects.values_list("description", flat=True).get(pk=case.pk)
    assert b"Wang" not in bytes(stored)
    party = Party.objects.get(case=case)
    assert b"resident@example.org" not in bytes(party.contact)
    cipher = CaseCipher.for_data_key(DataKey.objects.get(pk=case.data_key_id))
    assert fields.decrypt(Case.objects.get(pk=case.pk), "description", cipher) == (
        "Mr Wang at No. 12 shouts"
    )


@pytest.mark.django_db
def test_bulk_created_records_decrypt() -> None:
    community = CommunityFactory()
    keys, cases, ciphers = [], [], []
    for n in range(3):
        data_key, cipher = data_key_new()
        case = Case(
            id=uuid.uuid4(),
            reference=f"ABCDEFGH{n}0",
            community=community,
            category="family",
            intake_channel="web",
            data_key=data_key,
        )
        fields.encrypt(case, "description", f"story {n}", cipher)
        keys.append(data_key)
        cases.append(case)
        ciphers.append(cipher)
    with transaction.atomic():
        DataKey.objects.bulk_create(keys)
        Case.objects.bulk_create(cases)
    loaded = Case.objects.select_related("data_key").in_bulk([case.pk for case in cases])
    assert [
        fields.decrypt(
            loaded[case.pk], "description", CaseCipher.for_data_key(loaded[case.pk].data_key)
        )
        for case in cases
    ] == ["story 0", "story 1", "story 2"]


@pytest.mark.django_db
def test_a_ciphertext_copied_to_another_row_does_not_decrypt() -> None:
    community = CommunityFactory()
    first = make_case(community=community, description="first story")
    second = make_case(community=community, description="second story")
    Case.objects.filter(pk=second.pk).update(description=first.description)
    # Even with the right case key, the value is bound to the first row.
    first_cipher = CaseCipher.for_data_key(DataKey.objects.get(pk=first.data_key_id))
    with pytest.raises(DecryptionError):
        fields.decrypt(Case.objects.get(pk=second.pk), "description", first_cipher)


def test_encrypting_needs_the_records_uuid() -> None:
    _key, cipher = data_key_new()
    case = Case()
    case.id = None
    with pytest.raises(Exception, match="UUID"):
        fields.encrypt(case, "description", "text", cipher)
