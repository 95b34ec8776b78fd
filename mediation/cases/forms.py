"""Forms of the staff case pages: workflow moves, triage filters, duplicate links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import Category, IntakeChannel, Outcome, Reason, Status
from mediation.cases.workflow import Transition


class TransitionForm(forms.Form):
    """One workflow move; outcome and reason appear only when the move takes them."""

    target = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["target"].initial = transition.target
        prefix = f"{transition.source}-{transition.target}"
        self.auto_id = f"id_{prefix}_%s"
        if transition.outcomes:
            labels = dict(Outcome.choices)
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=[
                    ("", _("Choose an outcome")),
                    *((o, labels[o]) for o in transition.outcomes),
                ],
                error_messages={"required": _("Choose an outcome.")},
            )
        if transition.reasons:
            labels = dict(Reason.choices)
            self.fields["reason"] = forms.ChoiceField(
                label=_("Reason"),
                choices=[("", _("Choose a reason")), *((r, labels[r]) for r in transition.reasons)],
                error_messages={"required": _("Choose a reason.")},
            )


def _optional(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", _("All")), *choices]


class TriageFilterForm(forms.Form):
    """The triage queue's filters, read from the query string."""

    community = forms.TypedChoiceField(
        label=_("Community"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_optional(list(Category.choices))
    )
    channel = forms.ChoiceField(
        label=_("Received by"), required=False, choices=_optional(list(IntakeChannel.choices))
    )
    safety = forms.ChoiceField(
        label=_("Safety"),
        required=False,
        choices=[
            ("", _("All")),
            ("yes", _("Needs safety screening")),
            ("no", _("No safety concern raised")),
        ],
    )

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _optional(list(communities))  # type: ignore[attr-defined]


class CaseFilterForm(forms.Form):
    """The case list's filters, read from the query string."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_optional(list(Status.choices))
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_optional(list(Category.choices))
    )
    community = forms.TypedChoiceField(
        label=_("Community"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _optional(list(communities))  # type: ignore[attr-defined]
        if len(communities) < 2:
            del self.fields["community"]


class DuplicateForm(forms.Form):
    """Link this case to another one of the same dispute."""

    other_reference = forms.CharField(
        label=_("Reference of the other case"),
        max_length=20,
        help_text=_("For example ABCD-EFGH-JK. Both cases must be in your communities."),
        error_messages={"required": _("Enter the reference of the other case.")},
    )
