"""The project's widget templates render exactly what Django's own would, only faster."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from mediation.widgets import INPUT_TEMPLATES, SELECT_TEMPLATE, WidgetRenderer

DJANGO = DjangoTemplates()
INPUT = "django/forms/widgets/input.html"


def test_widgets_render_through_the_project_renderer() -> None:
    renderer = get_default_renderer()
    assert isinstance(renderer, WidgetRenderer)
    assert isinstance(renderer, TemplatesSetting)


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [
        (forms.Select(choices=[("", "All"), ("a", "Apples"), ("b", "<b>Pears</b>")]), "b", {}),
        (forms.Select(choices=[("x", "X")]), None, {"required": True, "aria-describedby": "h"}),
        (
            forms.Select(choices=[("Fruit", [("a", "Apples"), ("p", "Pears")]), ("z", "Zed")]),
            "p",
            {"id": "id_kind", "disabled": False},
        ),
        (forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]), [1, 3], {}),
        (forms.TextInput(), 'say "hi" <script>', {"maxlength": 20, "autocomplete": "off"}),
        (forms.TextInput(), None, {"required": True}),
        (forms.PasswordInput(), "secret", {}),
        (forms.EmailInput(), "a@example.org", {"spellcheck": False}),
        (forms.HiddenInput(), 42, {}),
        (forms.DateInput(), "2026-11-29", {"inputmode": "numeric"}),
        (forms.NumberInput(), 7, {"min": 0, "step": "any"}),
        (forms.URLInput(), "https://example.org/?a=1&b=2", {}),
        (forms.TimeInput(), "14:05", {"id": "id_time"}),
        (forms.DateTimeInput(), "2026-11-29 14:05", {}),
        (forms.CheckboxInput(), True, {"id": "id_yes"}),
        (forms.CheckboxInput(), False, {}),
        (forms.SearchInput(), "x", {}),
        (forms.TelInput(), "+44 20", {}),
        (forms.Select(choices=[("x", mark_safe("<i>safe</i>")), ("y", "Y")]), "", {}),
        (forms.NullBooleanSelect(), True, {"class": "a 'b' c"}),
    ],
)
def test_same_markup_as_django(widget: forms.Widget, value: object, attrs: dict) -> None:
    ours = widget.render("field", value, attrs=attrs)
    theirs = widget.render("field", value, attrs=attrs, renderer=DJANGO)
    assert parse_html(ours) == parse_html(theirs)
    assert "<script>" not in ours
    # And character for character what the project's own two templates give.
    flat = SELECT_TEMPLATE if widget.template_name == SELECT_TEMPLATE else INPUT
    assert ours == render_to_string(flat, widget.get_context("field", value, attrs))


def test_a_selected_option_is_marked_and_labels_escaped() -> None:
    html = forms.Select(choices=[("a", "A & B"), ("b", "B")]).render("f", "b")
    assert '<option value="b" selected>B</option>' in html
    assert '<option value="a">A &amp; B</option>' in html


def test_the_renderer_takes_only_the_widgets_whose_templates_it_mirrors() -> None:
    django_widgets = Path(forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
    include = '{% include "django/forms/widgets/input.html" %}'
    mirrored = {
        f"django/forms/widgets/{path.name}"
        for path in django_widgets.glob("*.html")
        if path.read_text().strip() == include
    }
    assert mirrored | {"django/forms/widgets/input.html"} == INPUT_TEMPLATES
    textarea = forms.Textarea().render("notes", "a < b")
    assert textarea.startswith("<textarea")
    assert "a &lt; b" in textarea
