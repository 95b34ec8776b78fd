"""The access log review's filter forms, read from the query string (or the export's POST)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.audit.models import Action, ActorType, Outcome, Purpose
from mediation.cases.log_review import END_BEFORE_START, PAGE_SIZE, PAGE_SIZES, LogQuery


def _any(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class LogFilterForm(forms.Form):
    """Filters of the access log. Every field is optional; the selector checks the rest."""

    username = forms.CharField(
        label=_("Staff member"),
        help_text=_("Their username."),
        required=False,
        max_length=150,
    )
    actor_type = forms.ChoiceField(
        label=_("Who acted"), required=False, choices=_any(list(ActorType.choices))
    )
    reference = forms.CharField(
        label=_("Case reference"),
        help_text=_("Shows the case and its parts, over all time unless you choose dates."),
        required=False,
        max_length=20,
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=_any(list(Action.choices))
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=_any(list(Outcome.choices))
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), required=False, choices=_any(list(Purpose.choices))
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=_DateInput())
    date_to = forms.DateField(
        label=_("To"), required=False, widget=_DateInput(), help_text=_("This day is included.")
    )
    break_glass = forms.BooleanField(label=_("Only break-glass events"), required=False)
    per_page = forms.TypedChoiceField(
        label=_("Events per page"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZE,  # type: ignore[arg-type]  # the stubs allow only str | None
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", END_BEFORE_START)
        return cleaned

    def query(self) -> LogQuery:
        """Return the filters as the selector takes them (call after is_valid())."""
        data = self.cleaned_data
        return LogQuery(
            username=data["username"].strip(),
            actor_type=data["actor_type"],
            reference=data["reference"].strip(),
            action=data["action"],
            outcome=data["outcome"],
            purpose=data["purpose"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            break_glass_only=data["break_glass"],
        )


class FlagWindowForm(forms.Form):
    """The window the unusual-pattern flags look at (the last seven days by default)."""

    date_from = forms.DateField(label=_("From"), required=False, widget=_DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=_DateInput())
