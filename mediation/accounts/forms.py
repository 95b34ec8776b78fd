"""Sign-in forms: password, then a code from the authenticator app or a recovery code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mediation.accounts import recovery_codes


class PasswordForm(AuthenticationForm):
    """The first step: Django's form, with the autocomplete hints password managers need."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class CodeForm(forms.Form):
    """Six digits from the authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code the app shows for this site now."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(
                _("Enter the 6 digits the app shows, without letters."), code="format"
            )
        return code


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes."""

    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the recovery codes you saved, for example 7KQ3-M9XW-D2HB-4RTE."),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter one of your recovery codes.")},
    )

    def clean_code(self) -> str:
        code = recovery_codes.normalise(str(self.cleaned_data["code"]))
        if len(code) != recovery_codes.LENGTH:
            raise forms.ValidationError(
                _("A recovery code has 16 letters and digits."), code="format"
            )
        return code
