"""Validation of free text that staff type into a case (notes, session places).

Control characters that cannot be shown (and could forge log lines or confuse
terminals) are refused, with the same rule as the public form
(``privacy.text``); HTML is not refused, it is escaped on output like
everything else.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.privacy.text import has_control_characters

NOTE_MAX = 5000
SHORT_TEXT_MAX = 500


def reject_control_characters(value: str) -> None:
    """Raise ValidationError when ``value`` holds a control character other than tab or newline."""
    if has_control_characters(value):
        raise forms.ValidationError(
            _("Remove the special characters that cannot be shown, then try again."),
            code="control_characters",
        )
