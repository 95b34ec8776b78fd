"""The questions of the request form, in order, and what each needs from earlier answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import ContactChannel
from mediation.intake import forms as intake_forms

Answers = dict[str, dict[str, Any]]


def _contact_needed(answers: Answers) -> dict[str, Any]:
    channel = answers.get("contact", {}).get("channel")
    return {"contact_needed": channel not in (None, ContactChannel.NONE)}


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    form_class: type[forms.Form]
    form_kwargs: Callable[[Answers], dict[str, Any]] = field(default=lambda answers: {})

    def form(self, answers: Answers, data: Any = None) -> forms.Form:
        """Return this step's form, bound to ``data`` or filled from earlier answers."""
        kwargs = self.form_kwargs(answers)
        if data is not None:
            return self.form_class(data, **kwargs)
        return self.form_class(initial=answers.get(self.slug, {}), **kwargs)


STEPS: tuple[Step, ...] = (
    Step("community", _("Community or centre"), intake_forms.CommunityForm),
    Step("dispute", _("What the dispute is about"), intake_forms.CategoryForm),
    Step("what-happened", _("What has happened"), intake_forms.DescriptionForm),
    Step("other-party", _("The other person"), intake_forms.OtherPartyForm),
    Step("contact", _("How to contact you"), intake_forms.ContactForm),
    Step("language", _("Language"), intake_forms.LanguageForm),
    Step("safety", _("Your safety"), intake_forms.SafetyForm),
    Step("consent", _("Your agreement"), intake_forms.ConsentForm, _contact_needed),
)
BY_SLUG = {step.slug: step for step in STEPS}


def step_after(slug: str) -> Step | None:
    index = [step.slug for step in STEPS].index(slug)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_before(slug: str) -> Step | None:
    index = [step.slug for step in STEPS].index(slug)
    return STEPS[index - 1] if index > 0 else None


def first_unanswered(answers: Answers) -> Step | None:
    """Return the first step whose answers are missing or no longer valid, if any."""
    for step in STEPS:
        stored = answers.get(step.slug)
        if stored is None or not step.form(answers, data=_as_data(stored)).is_valid():
            return step
    return None


def safety_concern(answers: Answers) -> bool:
    """Return whether any safety answer was yes: the case goes to safety screening."""
    return "yes" in answers.get("safety", {}).values()


def _as_data(stored: dict[str, Any]) -> dict[str, Any]:
    # Stored answers are cleaned values; feed them back as form data to re-validate.
    data: dict[str, Any] = {}
    for name, value in stored.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data
