"""One form per question of the public request form.

Every form cleans to JSON-safe values, because answers are kept in the
encrypted draft between pages. Labels and errors follow the GOV.UK patterns:
plain questions, optional fields marked "(optional)", errors that say what
to do.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mediation.accounts.selectors import communities_accepting_requests
from mediation.cases.models import Category, ContactChannel
from mediation.consent.notices import CONTACT_NOTICE, MEDIATION_NOTICE, STATISTICS_NOTICE
from mediation.privacy.text import has_control_characters

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")

DESCRIPTION_MAX = 5000
SHORT_TEXT_MAX = 500


def reject_control_characters(value: str) -> None:
    if has_control_characters(value):
        raise forms.ValidationError(
            _("Remove the special characters that cannot be shown, then try again."),
            code="control_characters",
        )


def _text(
    label: Any, *, required: bool, max_length: int, help_text: Any = "", **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        validators=[reject_control_characters],
        error_messages={
            "max_length": _("Shorten this to %(limit_value)d characters or fewer."),
            **kw.pop("error_messages", {}),
        },
        **kw,
    )


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name(get_language()))


class CommunityForm(forms.Form):
    community = CommunityChoiceField(
        label=_("Which community or mediation centre are you asking?"),
        help_text=_(
            "Choose the one nearest to where the dispute is. You do not need to give an address."
        ),
        queryset=communities_accepting_requests(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the community or centre you are asking."),
            "invalid_choice": _("Choose one of the communities listed."),
        },
    )

    def clean_community(self) -> int:
        return int(self.cleaned_data["community"].pk)


class CategoryForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is the dispute about?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the dispute is about."),
            "invalid_choice": _("Choose one of the kinds of dispute listed."),
        },
    )


class DescriptionForm(forms.Form):
    description = _text(
        _("Tell us what has happened"),
        required=True,
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "Describe the dispute in your own words. You do not need to give anyone's "
            "full name or ID number."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Tell us what has happened."),
            "max_length": _("Shorten your description to %(limit_value)d characters or fewer."),
        },
    )


class OtherPartyForm(forms.Form):
    APPROACHES = [
        ("centre", _("I would rather the centre contacts them")),
        ("myself", _("I will tell them myself that I have asked for mediation")),
        ("unknown", _("I do not know how to reach them")),
    ]
    identity = _text(
        _("Who is the dispute with? (optional)"),
        required=False,
        max_length=SHORT_TEXT_MAX,
        help_text=_(
            "Say as much or as little as you want, for example “the family in the flat "
            "above mine”. You do not need to give their full name."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approach = forms.ChoiceField(
        label=_("How should they hear about this?"),
        choices=APPROACHES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the other person should hear about this.")},
    )
    contact = _text(
        _("How can the centre reach them? (optional)"),
        required=False,
        max_length=SHORT_TEXT_MAX,
        help_text=_("A phone number, email address or where the centre can find them."),
    )


class ContactForm(forms.Form):
    TIMES = [
        ("any", _("Any time")),
        ("mornings", _("Mornings")),
        ("afternoons", _("Afternoons")),
        ("evenings", _("Evenings")),
        ("weekends", _("Weekends")),
    ]
    channel = forms.ChoiceField(
        label=_("How should the centre contact you?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the centre should contact you."),
            "invalid_choice": _("Choose one of the ways of contact listed."),
        },
    )
    detail = _text(
        _("Email address or phone number (optional if you chose not to be contacted)"),
        required=False,
        max_length=200,
    )
    times = forms.MultipleChoiceField(
        label=_("When is it safe and convenient to contact you? (optional)"),
        choices=TIMES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_detail(self) -> str:
        return str(self.cleaned_data.get("detail", "")).strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        channel = cleaned.get("channel")
        detail = cleaned.get("detail", "")
        if channel == ContactChannel.EMAIL:
            try:
                validate_email(detail)
            except forms.ValidationError:
                self.add_error("detail", _("Enter an email address like name@example.com."))
        elif channel == ContactChannel.PHONE:
            if not _PHONE.match(detail):
                self.add_error(
                    "detail",
                    _(
                        "Enter a phone number using digits, like 020 7946 0000 "
                        "or +86 138 0000 0000."
                    ),
                )
        elif channel == ContactChannel.NONE:
            cleaned["detail"] = ""
            cleaned["times"] = []
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Which language should the centre use with you?"),
        choices=[("en", "English"), ("zh-hans", "简体中文")],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a language.")},
    )


YES_NO = [("yes", _("Yes")), ("no", _("No")), ("prefer_not", _("I would rather not say"))]


class SafetyForm(forms.Form):
    violence = forms.ChoiceField(
        label=_("Has the other person ever hurt you, or someone you live with?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether the other person has hurt anyone.")},
    )
    threats = forms.ChoiceField(
        label=_("Has the other person threatened you or made you do things you did not want to?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether the other person has threatened you.")},
    )
    fear = forms.ChoiceField(
        label=_("Are you afraid of the other person?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether you are afraid of the other person.")},
    )


class ConsentForm(forms.Form):
    mediation = forms.BooleanField(
        label=MEDIATION_NOTICE.text,
        error_messages={
            "required": _("Tick the box to agree, or the centre cannot process your request.")
        },
    )
    contact = forms.BooleanField(
        label=CONTACT_NOTICE.text,
        required=False,
    )
    statistics = forms.BooleanField(
        label=format_lazy("{} {}", STATISTICS_NOTICE.text, _("(optional)")),
        required=False,
    )

    def __init__(self, *args: Any, contact_needed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contact_needed = contact_needed
        if not contact_needed:
            del self.fields["contact"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.contact_needed and not cleaned.get("contact"):
            self.add_error(
                "contact",
                _(
                    "Tick the box to agree to be contacted, or go back and choose "
                    "“Do not contact me”."
                ),
            )
        return cleaned
