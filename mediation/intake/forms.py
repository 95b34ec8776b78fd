"""The public request form (a first, single-page version)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mediation.accounts.selectors import communities_accepting_requests
from mediation.cases.models import Category, ContactChannel
from mediation.consent.notices import MEDIATION_NOTICE

# C0 and C1 control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")

DESCRIPTION_MAX = 5000


def reject_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise forms.ValidationError(
            _("Remove the special characters that cannot be shown, then try again."),
            code="control_characters",
        )


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name(get_language()))


class RequestForm(forms.Form):
    community = CommunityChoiceField(
        label=_("Which community or mediation centre are you asking?"),
        queryset=communities_accepting_requests(),
        empty_label=_("Choose a community"),
        error_messages={
            "required": _("Choose the community or centre you are asking."),
            "invalid_choice": _("Choose one of the communities listed."),
        },
    )
    category = forms.ChoiceField(
        label=_("What is the dispute about?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the dispute is about."),
            "invalid_choice": _("Choose one of the kinds of dispute listed."),
        },
    )
    description = forms.CharField(
        label=_("Tell us what has happened"),
        help_text=_(
            "Describe the dispute in your own words. You do not need to give "
            "anyone's full name or ID number."
        ),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[reject_control_characters],
        error_messages={
            "required": _("Tell us what has happened."),
            "max_length": _("Shorten your description to %(limit_value)d characters or fewer."),
        },
    )
    contact_channel = forms.ChoiceField(
        label=_("How should the centre contact you?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the centre should contact you."),
            "invalid_choice": _("Choose one of the ways of contact listed."),
        },
    )
    contact_detail = forms.CharField(
        label=_("Email address or phone number (optional if you chose not to be contacted)"),
        required=False,
        max_length=200,
        validators=[reject_control_characters],
        error_messages={
            "max_length": _("Shorten this to %(limit_value)d characters or fewer."),
        },
    )
    consent = forms.BooleanField(
        label=MEDIATION_NOTICE.text,
        error_messages={
            "required": _("Tick the box to agree, or the centre cannot process your request.")
        },
    )

    def clean_contact_detail(self) -> str:
        return str(self.cleaned_data.get("contact_detail", "")).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        channel = cleaned.get("contact_channel")
        detail = cleaned.get("contact_detail", "")
        if channel == ContactChannel.EMAIL:
            try:
                validate_email(detail)
            except forms.ValidationError:
                self.add_error(
                    "contact_detail",
                    _("Enter an email address like name@example.com."),
                )
        elif channel == ContactChannel.PHONE:
            if not _PHONE.match(detail):
                self.add_error(
                    "contact_detail",
                    _(
                        "Enter a phone number using digits, like 020 7946 0000 "
                        "or +86 138 0000 0000."
                    ),
                )
        elif channel == ContactChannel.NONE:
            cleaned["contact_detail"] = ""
        return cleaned
