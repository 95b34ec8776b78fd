"""The data inventory classifies every field; personal fields of ours are encrypted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from mediation.privacy.fields import EncryptedField
from mediation.privacy.inventory import INVENTORY, Personal
from mediation.privacy.record import record_of_processing

OUR_APPS = {"accounts", "audit", "privacy", "consent", "cases", "intake"}


def _model_fields(model: type[models.Model]) -> set[str]:
    # Every column and many-to-many table of the model, the primary key included.
    names = {field.name for field in model._meta.concrete_fields}
    names |= {field.name for field in model._meta.local_many_to_many}
    return names


def test_every_field_of_every_model_is_classified() -> None:
    missing = [
        f"{model._meta.label}.{name}"
        for model in apps.get_models()
        for name in sorted(_model_fields(model))
        if name not in INVENTORY.get(model._meta.label, {})
    ]
    assert missing == [], f"Classify these in mediation/privacy/inventory.py: {missing}"


def test_the_inventory_names_no_field_that_does_not_exist() -> None:
    stale = []
    for label, declared in INVENTORY.items():
        model = apps.get_model(label)
        stale += [f"{label}.{name}" for name in declared if name not in _model_fields(model)]
    assert stale == []


def test_our_personal_fields_are_encrypted_or_say_why_not() -> None:
    offenders = []
    for label, declared in INVENTORY.items():
        model = apps.get_model(label)
        if model._meta.app_label not in OUR_APPS:
            continue
        for name, item in declared.items():
            if not isinstance(item, Personal):
                continue
            encrypted = isinstance(model._meta.get_field(name), EncryptedField)
            if not encrypted and not item.unencrypted_because:
                offenders.append(f"{label}.{name}")
    assert offenders == []


def test_encrypted_fields_are_declared_personal() -> None:
    wrong = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedField)
        and not isinstance(INVENTORY[model._meta.label][field.name], Personal)
    ]
    assert wrong == []


def test_encrypted_fields_have_unique_logical_names() -> None:
    names = [
        field.logical_name
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedField)
    ]
    assert len(names) == len(set(names))


def test_the_record_of_processing_is_up_to_date() -> None:
    committed = (Path(settings.BASE_DIR) / "docs" / "record-of-processing.md").read_text()
    assert committed == record_of_processing(), "Run: python manage.py inventory_report"


@pytest.mark.django_db
def test_no_model_str_returns_personal_data(cast) -> None:
    from mediation.accounts.models import RoleAssignment
    from mediation.cases.models import Party
    from mediation.consent.models import ConsentRecord
    from mediation.privacy.models import DataKey

    samples = [
        cast.coordinator,
        cast.assigned_case,
        Party.objects.first(),
        RoleAssignment.objects.first(),
        DataKey.objects.first(),
        cast.assigned_case.assignments.first(),
        cast.community,
    ]
    ConsentRecord.objects.create(
        party_id=Party.objects.first().pk,
        purpose="mediation",
        given=True,
        notice_version="v",
        notice_digest="d",
        language="en",
        method="web_form",
    )
    samples.append(ConsentRecord.objects.first())
    cast.coordinator.email = "coordinator.private@example.org"
    texts = [str(sample) for sample in samples]
    for text in texts:
        assert "coordinator" not in text
        assert "example.org" not in text
        assert "loud music" not in text
