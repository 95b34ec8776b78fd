"""Reads of safety screenings, scoped to who may see what, and logged.

Who sees what (decision 0010):

- coordinators of the case's community: every screening, answers included;
- a mediator assigned to the case: the answers of the screenings they did
  themselves; of the others only that the party was screened;
- every assigned mediator: the process that applies to the case
  (``case_process``), which they need to arrange sessions;
- nobody else anything (404, logged); residents never.

Reading answers writes a VIEW event for the screening (purpose triage). The
object type is not "case", so the resident's list of accesses, built from the
case's own events, never shows that a screening exists.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    Case,
    Party,
    PartyRole,
    SafetyScreening,
    ScreeningDecision,
    Status,
)
from mediation.cases.screening_questions import GROUPS, Suggestion, strictest, suggest_process
from mediation.cases.selectors import OBJECT_TYPE, ScopedCase, case_in_scope
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

SCREENING_OBJECT_TYPE = "safety_screening"


class ScreeningNotFound(Http404):
    """The screening does not exist, is of another case, or is not the caller's to read."""


def case_process(case: Case) -> ScreeningDecision | None:
    """Return the process that applies to ``case``, or None if nobody has been screened.

    The latest screening of each party counts; across parties the strictest
    wins (no mediation > shuttle > remote > joint). Unlogged: it returns a
    code for pages that already checked scope (sessions, the case page).
    """
    return strictest(latest_screening_decisions(case))


def latest_screening_decisions(case: Case) -> set[str]:
    """Return the decision of each party's latest screening (one query, unlogged).

    Sessions combine them (shuttle for one party and remote for the other
    means separate remote sessions); ``case_process`` names the strictest.
    """
    latest: dict[uuid.UUID, str] = {}
    rows = SafetyScreening.objects.filter(case=case).order_by("party_id", "-screened_at")
    for party_id, decision in rows.values_list("party_id", "decision"):
        latest.setdefault(party_id, decision)
    return set(latest.values())


def party_labels(parties: list[Party]) -> dict[uuid.UUID, str]:
    """Name parties by role only ("Other party 2"), so that nothing needs decrypting."""
    others = [p for p in parties if p.role == PartyRole.OTHER_PARTY]
    labels: dict[uuid.UUID, str] = {}
    for party in parties:
        if party.role == PartyRole.REQUESTER or len(others) == 1:
            labels[party.pk] = str(party.get_role_display())
        else:
            labels[party.pk] = f"{party.get_role_display()} {others.index(party) + 1}"
    return labels


def _parties(case: Case) -> list[Party]:
    # Requester first, then other parties in the order they were added.
    return sorted(
        case.parties.only("id", "case_id", "role", "created_at"),
        key=lambda p: (p.role != PartyRole.REQUESTER, p.created_at, str(p.pk)),
    )


@dataclass(frozen=True)
class ScreeningLine:
    """One screening as the viewer may see it: when, by whom, which process."""

    id: uuid.UUID
    screened_at: datetime
    screener: str
    decision: ScreeningDecision
    is_current: bool


@dataclass(frozen=True)
class PartyScreenings:
    party_id: uuid.UUID
    label: str
    screened: bool
    may_screen: bool
    # Newest first; only those the viewer may see (all for coordinators, own for mediators).
    lines: list[ScreeningLine]


@dataclass(frozen=True)
class ScreeningOverview:
    case: Case
    role: ActorRole
    process: ScreeningDecision | None
    parties: list[PartyScreenings]

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR


def screening_overview_for_user(*, user: User, reference: str) -> ScreeningOverview:
    """Return the case's screenings as ``user`` may see them, and log the view.

    The view is logged as an ordinary view of the case: it is one, and the
    resident's list of accesses must not tell it from any other.
    """
    scoped = case_in_scope(
        user=user, reference=reference, action=Action.VIEW, purpose=Purpose.TRIAGE
    )
    case = scoped.case
    parties = _parties(case)
    labels = party_labels(parties)
    screenings = list(
        SafetyScreening.objects.filter(case=case)
        .select_related("screener")
        .only("id", "party_id", "decision", "screened_at", "screener_id", "screener__username")
        .order_by("-screened_at")
    )
    current: dict[uuid.UUID, uuid.UUID] = {}
    screeners: dict[uuid.UUID, int] = {}
    for screening in screenings:
        current.setdefault(screening.party_id, screening.pk)
        screeners.setdefault(screening.party_id, screening.screener_id)
    access_event_record(
        actor=Actor.staff(user.pk, scoped.role),
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.TRIAGE,
        community_id=case.community_id,
    )
    return ScreeningOverview(
        case=case,
        role=scoped.role,
        process=strictest(s.decision for s in screenings if current.get(s.party_id) == s.pk),
        parties=[
            PartyScreenings(
                party_id=party.pk,
                label=labels[party.pk],
                screened=party.pk in current,
                may_screen=_screening_problem(case, scoped.role, user, screeners.get(party.pk))
                is None,
                lines=[
                    ScreeningLine(
                        id=s.pk,
                        screened_at=s.screened_at,
                        screener=s.screener.username,
                        decision=ScreeningDecision(s.decision),
                        is_current=current[party.pk] == s.pk,
                    )
                    for s in screenings
                    if s.party_id == party.pk and _may_read(scoped, user, s)
                ],
            )
            for party in parties
        ],
    )


def _may_read(scoped: ScopedCase, user: User, screening: SafetyScreening) -> bool:
    return scoped.is_coordinator or screening.screener_id == user.pk


@dataclass(frozen=True)
class ScreeningSubject:
    """The party about to be screened, on a case the user may screen on.

    ``problem`` says why a screening cannot be recorded now, if it cannot.
    """

    case: Case
    role: ActorRole
    party_id: uuid.UUID
    label: str
    problem: StrPromise | None


def _screening_problem(
    case: Case, role: ActorRole, user: User, current_screener_id: int | None
) -> StrPromise | None:
    if case.status == Status.CLOSED:
        return _("The case is closed: a screening can no longer be recorded.")
    # A later screening replaces the party's current one; a mediator must not
    # replace (and so perhaps relax) a screening they did not do and cannot read.
    if (
        role == ActorRole.MEDIATOR
        and current_screener_id is not None
        and current_screener_id != user.pk
    ):
        return _("Someone else has screened this person. Only a coordinator can screen them again.")
    return None


def _current_screeners(case: Case) -> dict[uuid.UUID, int]:
    """Return who did each party's latest screening."""
    current: dict[uuid.UUID, int] = {}
    rows = SafetyScreening.objects.filter(case=case).order_by("party_id", "-screened_at")
    for party_id, screener_id in rows.values_list("party_id", "screener_id"):
        current.setdefault(party_id, screener_id)
    return current


def screening_subject_for_user(
    *, user: User, reference: str, party_id: uuid.UUID, action: Action = Action.VIEW
) -> ScreeningSubject:
    """Return the party of this case that ``user`` may screen; otherwise log and raise 404."""
    scoped = case_in_scope(user=user, reference=reference, action=action, purpose=Purpose.TRIAGE)
    parties = _parties(scoped.case)
    if party_id not in {party.pk for party in parties}:
        _refuse(user, scoped.case, action=action, object_id=None)
    current = _current_screeners(scoped.case).get(party_id)
    return ScreeningSubject(
        case=scoped.case,
        role=scoped.role,
        party_id=party_id,
        label=party_labels(parties)[party_id],
        problem=_screening_problem(scoped.case, scoped.role, user, current),
    )


def _refuse(user: User, case: Case, *, action: Action, object_id: object) -> NoReturn:
    access_event_record_refused(
        actor=Actor.staff(user.pk),
        action=action,
        object_type=SCREENING_OBJECT_TYPE,
        object_id=object_id,
        purpose=Purpose.TRIAGE,
        community_id=case.community_id,
    )
    raise ScreeningNotFound


@dataclass(frozen=True)
class AnswerLine:
    question: StrPromise
    answer: StrPromise | str


@dataclass(frozen=True)
class AnswerGroup:
    legend: StrPromise
    lines: list[AnswerLine]


@dataclass(frozen=True)
class ScreeningAnswers:
    case: Case
    screening_id: uuid.UUID
    party_label: str
    screener: str
    screened_at: datetime
    decision: ScreeningDecision
    suggestion: Suggestion
    groups: list[AnswerGroup]


def screening_answers_for_user(
    *, user: User, reference: str, screening_id: uuid.UUID
) -> ScreeningAnswers:
    """Return one screening's answers, decrypted, if ``user`` may read them; log the read.

    Coordinators of the case's community may; a mediator only for a screening
    they did. Anyone else, or a screening of another case, gets a 404, logged.
    """
    scoped = case_in_scope(
        user=user, reference=reference, action=Action.VIEW, purpose=Purpose.TRIAGE
    )
    case = scoped.case
    screening = (
        SafetyScreening.objects.select_related("screener")
        .filter(case=case, pk=screening_id)
        .first()
    )
    if screening is None or not _may_read(scoped, user, screening):
        _refuse(
            user,
            case,
            action=Action.VIEW,
            object_id=screening.pk if screening is not None else None,
        )
    stored = json.loads(
        fields.decrypt(screening, "answers", CaseCipher.for_data_key(case.data_key)) or "{}"
    )
    answers: dict[str, str] = stored.get("answers", {})
    access_event_record(
        actor=Actor.staff(user.pk, scoped.role),
        action=Action.VIEW,
        object_type=SCREENING_OBJECT_TYPE,
        object_id=screening.pk,
        purpose=Purpose.TRIAGE,
        community_id=case.community_id,
    )
    return ScreeningAnswers(
        case=case,
        screening_id=screening.pk,
        party_label=party_labels(_parties(case))[screening.party_id],
        screener=screening.screener.username,
        screened_at=screening.screened_at,
        decision=ScreeningDecision(screening.decision),
        # Worked out again from the answers, so the screener's choice can be read beside it.
        suggestion=suggest_process(answers),
        groups=[
            AnswerGroup(
                legend=group.legend,
                lines=[
                    AnswerLine(
                        question=question.label,
                        answer=question.answer_label(answers.get(question.name, "")),
                    )
                    for question in group.questions
                ],
            )
            for group in GROUPS
        ],
    )
