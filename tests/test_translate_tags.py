"""``{% load i18n %}`` is Django's library, with a ``translate`` tag that answers as
Django's does and translates each literal message once per language."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.template import Context, Engine, engines
from django.templatetags import i18n as django_i18n
from django.utils import translation

from mediation import translate_tags

SOURCES = [
    '{% translate "Cases" %}',
    "{% translate 'Cases' %}",
    '{% trans "Sign out" %}',
    '{% translate "Cases" noop %}',
    '{% translate "May" context "month name" %}',
    '{% translate "Cases" context label %}',
    '{% translate "Cases"|upper %}',
    "{% translate message %}",
    '{% translate "Cases" as heading %}[{{ heading }}]',
    '{% translate "Fish & <chips>" %}',
    '{% autoescape off %}{% translate "Fish & <chips>" %}{% endautoescape %}',
    '{% translate "100%% sure" %}',
    "<a title=\"{% translate 'Staff' %}\">{% get_current_language as code %}{{ code }}</a>",
]
CONTEXT = {"message": "Cases", "label": "month name"}


def _djangos(source: str, context: dict[str, Any]) -> str:
    """Render with Django's own i18n library: an engine without the project's options."""
    engine = Engine(libraries={"i18n": "django.templatetags.i18n"})
    return engine.from_string("{% load i18n %}" + source).render(Context(context))


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    translate_tags._answers.clear()
    yield
    translate_tags._answers.clear()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("source", SOURCES)
def test_every_form_renders_as_djangos(source: str, language: str) -> None:
    ours = engines["django"].from_string("{% load i18n %}" + source)
    with translation.override(language):
        expected = _djangos(source, CONTEXT)
        assert ours.render(CONTEXT) == expected
        assert ours.render(CONTEXT) == expected  # remembered


def test_the_project_loads_its_own_library_under_the_name_i18n() -> None:
    template = engines["django"].from_string('{% load i18n %}{% translate "Cases" %}')
    nodes = template.template.nodelist  # type: ignore[attr-defined]
    assert [type(node).__name__ for node in nodes] == ["LoadNode", "RememberingTranslateNode"]
    assert set(django_i18n.register.tags) <= set(translate_tags.register.tags)
    assert set(django_i18n.register.filters) <= set(translate_tags.register.filters)


def test_a_literal_is_translated_once_per_language() -> None:
    template = engines["django"].from_string('{% load i18n %}{% translate "Cases" %}')
    with mock.patch.object(
        django_i18n.TranslateNode, "render", autospec=True, side_effect=lambda node, c: "x"
    ) as render:
        for language in ("en", "zh-hans", "en", "zh-hans"):
            with translation.override(language):
                template.render({})
    assert render.call_count == 2
    translate_tags._answers.clear()
    with translation.override("zh-hans"):
        assert template.render({}) == _djangos('{% translate "Cases" %}', {}) != "Cases"


def test_no_other_label_names_two_template_libraries() -> None:
    # settings silence templates.W003 for the one label shared on purpose.
    warnings = engines["django"]._check_for_template_tags_with_the_same_name()  # type: ignore[attr-defined]
    assert [warning.msg for warning in warnings] == [
        "'i18n' is used for multiple template tag modules: "
        "'django.templatetags.i18n', 'mediation.translate_tags'"
    ]
