"""Form widgets rendered in Python: ``<input>`` and ``<select>``.

Every form on a staff page renders its fields through Django's form
renderer, one template render per widget with a fresh context: ~0.3 ms for a
select of ten options, more than a tenth of a case page with three of them.
``WidgetRenderer`` writes the markup of the project's two flat widget
templates (``mediation/templates/django/forms/widgets/``) directly, escaped
as the templates escape it, and hands every other template to the template
engine. tests/test_widgets.py holds each widget kind to the markup Django's
own renderer produces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_WIDGETS = "django/forms/widgets/"
# Django's templates for these are all {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)
SELECT_TEMPLATE = f"{_WIDGETS}select.html"


def _text(value: object) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping."""
    return str(conditional_escape(str(value)))


def _attrs(attrs: Mapping[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def render_input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def render_select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{_text(group_name)}">')
        for option in group_choices:
            selected = " selected" if option["selected"] else ""
            parts.append(
                f'\n<option value="{_text(option["value"])}"{selected}>'
                f"{_text(option['label'])}</option>"
            )
        if group_name:
            parts.append("</optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class WidgetRenderer(TemplatesSetting):
    """The project's form renderer: inputs and selects in Python, the rest by template."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> SafeString:
        if template_name == SELECT_TEMPLATE:
            return mark_safe(render_select(context["widget"]))  # noqa: S308 (escaped above)
        if template_name in INPUT_TEMPLATES:
            return mark_safe(render_input(context["widget"]))  # noqa: S308 (escaped above)
        return mark_safe(super().render(template_name, context, request))  # noqa: S308 (a template's output)
