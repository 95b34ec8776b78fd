"""Shared by the safety screening tests: answers to give, the screening URLs, the form."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mediation.cases.models import Case, Party, PartyRole, SafetyScreening

CALM: dict[str, str] = {
    "violence_ever": "no",
    "violence_recent": "no",
    "threats": "no",
    "intimidation": "no",
    "control_money": "no",
    "control_movement": "no",
    "control_contacts": "no",
    "sexual_coercion": "no",
    "weapons": "no",
    "fear": "0",
    "stalking": "no",
    "children": "no_children",
    "speak_freely": "yes",
}
# Answers whose codes must never appear in the database in plaintext.
ALARMING = {
    **CALM,
    "weapons": "used_or_threatened",
    "violence_ever": "yes",
    "violence_recent": "yes",
    "fear": "3",
}


def _overview(case: Case) -> str:
    return reverse("cases:screening", kwargs={"reference": case.reference})


def _screen_url(case: Case, party: Party) -> str:
    return reverse(
        "cases:screening_new", kwargs={"reference": case.reference, "party_id": party.pk}
    )


def _answers_url(case: Case, screening: SafetyScreening) -> str:
    return reverse(
        "cases:screening_answers",
        kwargs={"reference": case.reference, "screening_id": screening.pk},
    )


def _requester(case: Case) -> Party:
    return Party.objects.get(case=case, role=PartyRole.REQUESTER)


def _form(answers: dict[str, str], decision: str = "joint", **extra: str) -> dict[str, Any]:
    return {**answers, "held_privately": "on", "decision": decision, "action": "record", **extra}
