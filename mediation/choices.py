"""Labels of choice fields, translated one at a time.

Django's ``get_FOO_display()`` builds ``dict(make_hashable(field.flatchoices))``
on every call, and hashing a lazy label translates it: a case page showing 18
timeline events translated every label of every choice list ~30 times, about a
seventh of the page's time. ``ChoiceLabels`` keeps one map per field, of the
value to its still-lazy label, so a call translates only the label it returns.
The answer is the same as Django's, in every language (tests/test_choices.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    return dict(field.flatchoices)


class ChoiceLabels:
    """Mix into a model (before ``models.Model``) whose choice labels pages show."""

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # an unhashable value (never one of this project's choices)
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        return force_str(label, strings_only=True)
