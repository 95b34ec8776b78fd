"""The safety screening form: the structured questions, a privacy check, and the process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import ScreeningDecision
from mediation.cases.screening_questions import (
    GROUPS,
    QUESTIONS,
    VIOLENCE_DISAGREE,
    Suggestion,
    suggest_process,
    violence_answers_disagree,
)

DECISION_HINTS = {
    ScreeningDecision.JOINT: _("Both parties together, in the same room or call."),
    ScreeningDecision.SHUTTLE: _(
        "The mediator meets each party apart and carries messages between them."
    ),
    ScreeningDecision.REMOTE: _("Sessions online or by phone; nobody travels to meet the other."),
    ScreeningDecision.NO_MEDIATION: _(
        "Mediation does not go ahead. Offer the person a referral to a specialist service."
    ),
}


@dataclass(frozen=True)
class BoundGroup:
    legend: str
    fields: list[forms.BoundField]


class SafetyScreeningForm(forms.Form):
    """Every question of the screening, then the process the screener chooses.

    With ``deciding`` false the process is not required: the screener asked to
    see the suggested process before choosing.
    """

    held_privately = forms.BooleanField(
        label=_(
            "I am screening this person on their own, where the other party cannot see or "
            "hear us, and I have told them they may skip any question."
        ),
        error_messages={
            "required": _("Confirm that the screening is held privately, with this person alone.")
        },
    )
    decision = forms.ChoiceField(
        label=_("Which process do you choose for this person?"),
        help_text=_(
            "You decide; the suggestion is only a guide. Where parties' screenings differ, "
            "the strictest process applies to the case."
        ),
        choices=[
            (value, format_lazy("{}: {}", label, DECISION_HINTS[ScreeningDecision(value)]))
            for value, label in ScreeningDecision.choices
        ],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the processes given.")},
    )

    def __init__(self, *args: Any, deciding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deciding = deciding
        for question in QUESTIONS:
            self.fields[question.name] = forms.ChoiceField(
                label=question.label,
                choices=question.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": question.missing,
                    "invalid_choice": _("Choose one of the answers given."),
                },
            )
        # The privacy confirmation first, the process last, the questions between.
        self.order_fields(["held_privately", *(q.name for q in QUESTIONS), "decision"])

    def clean_decision(self) -> str:
        decision: str = self.cleaned_data.get("decision", "")
        if self.deciding and not decision:
            raise forms.ValidationError(_("Choose the process for this person."))
        return decision

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if violence_answers_disagree(cleaned):
            self.add_error("violence_ever", VIOLENCE_DISAGREE)
        return cleaned

    def groups(self) -> Iterator[BoundGroup]:
        for group in GROUPS:
            yield BoundGroup(
                legend=str(group.legend), fields=[self[q.name] for q in group.questions]
            )

    def answers(self) -> dict[str, str]:
        """Return the answers given (call after ``is_valid``)."""
        return {q.name: self.cleaned_data[q.name] for q in QUESTIONS if q.name in self.cleaned_data}

    def suggestion(self) -> Suggestion | None:
        """Return the suggested process once every question is validly answered."""
        answers = self.answers()
        if len(answers) != len(QUESTIONS):
            return None
        return suggest_process(answers)
