"""Forms for assignment pages: they parse and validate input; the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.assignment.models import Availability, Language
from mediation.assignment.selectors import Choice
from mediation.assignment.services import ProfileChanges
from mediation.cases.models import AssignmentRole, Category

# C0 and C1 control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NAME_MAX = 200
NAMES_PER_SUBMISSION = 200
MOST_CASES_CEILING = 50


def _reject_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise forms.ValidationError(
            _("Remove the special characters that cannot be shown, then try again."),
            code="control_characters",
        )


class AssignForm(forms.Form):
    mediator = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        choices=AssignmentRole.choices,
        error_messages={"required": _("Choose lead mediator or co-mediator.")},
    )
    confirmed_in_person = forms.BooleanField(
        required=False,
        label=_("I have checked in person that there is no conflict of interest"),
    )


class UnassignForm(forms.Form):
    assignment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ObjectionForm(forms.Form):
    party = forms.ChoiceField(
        label=_("Which party objects?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the party who objects."),
            "invalid_choice": _("Choose one of the parties listed."),
        },
    )
    mediator = forms.ChoiceField(
        label=_("To which mediator?"),
        error_messages={
            "required": _("Choose the mediator they object to."),
            "invalid_choice": _("Choose one of the mediators listed."),
        },
    )

    def __init__(
        self, *args: Any, parties: list[Choice], mediators: list[Choice], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(c.value, c.label) for c in parties]  # type: ignore[attr-defined]
        self.fields["mediator"].choices = [("", _("Choose a mediator"))] + [  # type: ignore[attr-defined]
            (c.value, c.label) for c in mediators
        ]


class DeclarationsForm(forms.Form):
    names = forms.CharField(
        label=_("Names of people you know"),
        help_text=_(
            "One name per line, as you would write it. Spaces, capitals and full-width "
            "characters do not matter: “Wang Fang”, “wang fang” and “ＷＡＮＧ ＦＡＮＧ” "
            "are the same."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        max_length=NAMES_PER_SUBMISSION * (NAME_MAX + 1),
        validators=[_reject_control_characters],
        error_messages={
            "required": _("Enter at least one name."),
            "max_length": _("Enter fewer names at a time."),
        },
    )

    def clean_names(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["names"].splitlines()]
        names = [line for line in lines if line]
        if not names:
            raise forms.ValidationError(_("Enter at least one name."), code="required")
        if len(names) > NAMES_PER_SUBMISSION:
            raise forms.ValidationError(
                _("Enter at most %(limit)d names at a time."),
                code="too_many",
                params={"limit": NAMES_PER_SUBMISSION},
            )
        if any(len(name) > NAME_MAX for name in names):
            raise forms.ValidationError(
                _("Shorten each name to %(limit)d characters or fewer."),
                code="too_long",
                params={"limit": NAME_MAX},
            )
        return names


class RemoveDeclarationForm(forms.Form):
    name = forms.CharField(
        label=_("Name to remove"),
        help_text=_("Type it as you declared it (spaces and capitals do not matter)."),
        max_length=NAME_MAX,
        validators=[_reject_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the name to remove.")},
    )


class ClearDeclarationsForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, remove every name I have declared"),
        error_messages={"required": _("Tick the box to confirm you want to remove every name.")},
    )


class ProfileForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages for mediation"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Kinds of dispute handled"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("Usually free for sessions"),
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_active_cases = forms.IntegerField(
        label=_("Most cases at once"),
        min_value=1,
        max_value=MOST_CASES_CEILING,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how many cases at once."),
            "invalid": _("Enter a whole number, like 5."),
            "min_value": _("Enter a number of at least 1."),
            "max_value": _("Enter a number of %(limit_value)s or fewer."),
        },
    )
    is_available = forms.BooleanField(
        label=_("Taking new cases (untick while away or full)"), required=False
    )

    def changes(self) -> ProfileChanges:
        data = self.cleaned_data
        return ProfileChanges(
            languages=list(data["languages"]),
            categories=list(data["categories"]),
            availability=list(data["availability"]),
            max_active_cases=int(data["max_active_cases"]),
            is_available=bool(data["is_available"]),
        )
