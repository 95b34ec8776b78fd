"""Forms of the agreement and follow-up pages. They validate input; services decide."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.cases.agreement_selectors import PartySlot, language_name
from mediation.cases.models import FollowUpResult, Outcome
from mediation.cases.workflow import transition_for

TERMS_MAX = 10_000
# C0 and C1 control characters other than tab, line feed and carriage return
# (the same rule as the public form's free text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def reject_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise forms.ValidationError(
            _("Remove the special characters that cannot be shown, then try again."),
            code="control_characters",
        )


def _language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code, _name in settings.LANGUAGES]


class AgreementForm(forms.Form):
    """The terms for each party, each in the language of that party's copy.

    Fields are named after the party's id, so terms can never land on the
    wrong party's copy even if the parties change between showing and sending.
    """

    def __init__(self, *args: Any, slots: list[PartySlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot in slots:
            key = slot.party_id.hex
            self.fields[f"language_{key}"] = forms.ChoiceField(
                label=_("Language of the %(role)s’s copy") % {"role": slot.role_label.lower()},
                choices=_language_choices(),
                initial=slot.language,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose the language of this copy.")},
            )
            self.fields[f"terms_{key}"] = forms.CharField(
                label=_("Terms for the %(role)s, in %(language)s")
                % {"role": slot.role_label.lower(), "language": language_name(slot.language)},
                help_text=_(
                    "Write what was agreed in plain words, in the language chosen above: "
                    "who does what, and by when. Names are not needed."
                ),
                max_length=TERMS_MAX,
                initial=slot.terms,
                validators=[reject_control_characters],
                widget=forms.Textarea(attrs={"rows": 10, "lang": slot.language}),
                error_messages={
                    "required": _("Write the terms for the %(role)s.")
                    % {"role": slot.role_label.lower()},
                    "max_length": _("Shorten the terms to %(limit_value)d characters or fewer."),
                },
            )

    def sections(self) -> list[tuple[PartySlot, forms.BoundField, forms.BoundField]]:
        """Return each party with its language and terms fields, in order."""
        return [
            (slot, self[f"language_{slot.party_id.hex}"], self[f"terms_{slot.party_id.hex}"])
            for slot in self.slots
        ]

    def copies(self) -> list[tuple[uuid.UUID, str, str]]:
        """Return (party id, language, terms) for each party, once the form is valid."""
        return [
            (
                slot.party_id,
                self.cleaned_data[f"language_{slot.party_id.hex}"],
                self.cleaned_data[f"terms_{slot.party_id.hex}"].replace("\r\n", "\n"),
            )
            for slot in self.slots
        ]


class AcceptanceForm(forms.Form):
    copy = forms.UUIDField(widget=forms.HiddenInput)


class FollowUpResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("What did the follow-up find?"),
        choices=FollowUpResult.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the follow-up found."),
            "invalid_choice": _("Choose one of the results listed."),
        },
    )


class FollowUpAddForm(forms.Form):
    due_on = forms.DateField(
        label=_("Date of another follow-up"),
        help_text=_("For example 2027-03-31. From today to two years ahead."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date of the follow-up."),
            "invalid": _("Enter a real date, for example 2027-03-31."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean_due_on(self) -> Any:
        due_on = self.cleaned_data["due_on"]
        today = timezone.localdate()
        if not today <= due_on <= today + timedelta(days=730):
            raise forms.ValidationError(_("Choose a date from today to two years ahead."))
        return due_on


def _closing_outcomes() -> list[tuple[str, str]]:
    transition = transition_for("follow_up", "closed")
    labels = dict(Outcome.choices)
    outcomes = transition.outcomes if transition is not None else ()
    return [(outcome, str(labels[outcome])) for outcome in outcomes]


class CloseCaseForm(forms.Form):
    """Close a followed-up case with an outcome; the choices are the workflow table's."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an outcome."),
            "invalid_choice": _("Choose one of the outcomes listed."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _closing_outcomes()  # type: ignore[attr-defined]
