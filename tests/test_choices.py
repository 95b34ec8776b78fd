"""Choice labels: the project's faster ``get_FOO_display()`` answers exactly as Django's."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from mediation.choices import ChoiceLabels


def _choice_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("mediation.")
        for field in model._meta.fields
        if field.choices
    ]


def test_every_model_with_choices_uses_the_labels() -> None:
    models_with_choices = {model for model, _field in _choice_fields()}
    assert len(models_with_choices) >= 16
    slow = sorted(m.__name__ for m in models_with_choices if not issubclass(m, ChoiceLabels))
    assert slow == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_label_is_djangos_in_each_language(language: str) -> None:
    checked = 0
    with translation.override(language):
        for model, field in _choice_fields():
            for value in [value for value, _label in field.flatchoices] + ["no-such-value", None]:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                djangos = models.Model._get_FIELD_display(instance, field)  # type: ignore[attr-defined]
                assert ours == djangos, (model.__name__, field.name, value)
                assert type(ours) is type(djangos)
                checked += 1
    assert checked > 100


def test_one_case_answers_in_the_language_of_the_moment() -> None:
    from mediation.cases.models import Case, Status

    case = Case(status=Status.AGREEMENT)
    with translation.override("en"):
        english = case.get_status_display()
    with translation.override("zh-hans"):
        chinese = case.get_status_display()
    assert (english, chinese) == ("Agreement reached", "达成协议")
