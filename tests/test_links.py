"""The project's ``{% url %}`` answers as Django's does, and reverses each link once."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.template import Context, Engine, engines
from django.template.defaulttags import URLNode
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix

from mediation import links

TEMPLATES = [
    "{% url 'cases:list' %}",
    "{% url 'cases:move' reference %}",
    "{% url 'cases:move' reference=reference %}",
    "{% url name reference %}",
    "{% url 'cases:move' odd %}",
    "{% url 'cases:move' reference as there %}[{{ there }}]",
    "{% url 'no-such-view' as there %}[{{ there }}]",
]
CONTEXT = {"reference": "K7MQ2ZP4XH", "name": "cases:sessions", "odd": "a&b<c>"}


def _djangos(source: str, context: dict[str, Any]) -> str:
    """Render with Django's own tag: an engine without the project's builtins."""
    return Engine().from_string(source).render(Context(context))


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    links._path.cache_clear()
    yield
    links._path.cache_clear()


@pytest.mark.parametrize("source", TEMPLATES)
def test_every_form_of_the_tag_renders_as_djangos(source: str) -> None:
    ours = engines["django"].from_string(source)
    assert ours.render(CONTEXT) == _djangos(source, CONTEXT)
    assert ours.render(CONTEXT) == _djangos(source, CONTEXT)  # remembered


def test_the_tag_is_the_projects_in_every_template() -> None:
    template = engines["django"].from_string("{% url 'cases:list' %}")
    (node,) = template.template.nodelist  # type: ignore[attr-defined]
    assert isinstance(node, links.RememberingURLNode)
    assert type(_djangos_node()) is URLNode


def _djangos_node() -> Any:
    return Engine().from_string("{% url 'cases:list' %}").nodelist[0]


def test_a_link_is_reversed_once_and_an_unknown_name_still_fails() -> None:
    template = engines["django"].from_string("{% url 'cases:move' reference %}")
    with mock.patch.object(links, "reverse", wraps=links.reverse) as reverse:
        first = template.render({"reference": "AAAA"})
        assert template.render({"reference": "AAAA"}) == first
        assert template.render({"reference": "BBBB"}) == "/cases/BBBB/move/"
    assert reverse.call_count == 2
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% url 'no-such-view' %}").render({})


def test_the_script_prefix_and_the_url_configuration_are_part_of_the_key() -> None:
    template = engines["django"].from_string("{% url 'cases:list' %}")
    assert template.render({}) == "/cases/"
    set_script_prefix("/centre/")
    try:
        assert template.render({}) == "/centre/cases/"
    finally:
        clear_script_prefix()
    with override_settings(ROOT_URLCONF="tests.links_urls"):
        assert template.render({}) == "/elsewhere/cases/"
    assert template.render({}) == "/cases/"
