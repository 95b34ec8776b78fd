"""The project's widget templates render exactly what Django's own would, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer
from django.test.html import parse_html

DJANGO = DjangoTemplates()


def test_widgets_render_through_the_project_templates() -> None:
    assert isinstance(get_default_renderer(), TemplatesSetting)


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
    ],
)
def test_same_markup_as_django(widget: forms.Widget, value: object, attrs: dict) -> None:
    ours = widget.render("field", value, attrs=attrs)
    theirs = widget.render("field", value, attrs=attrs, renderer=DJANGO)
    assert parse_html(ours) == parse_html(theirs)
    assert "<script>" not in ours


def test_a_selected_option_is_marked_and_labels_escaped() -> None:
    html = forms.Select(choices=[("a", "A & B"), ("b", "B")]).render("f", "b")
    assert '<option value="b" selected>B</option>' in html
    assert '<option value="a">A &amp; B</option>' in html
