"""The safety screening's questions, and the process their answers suggest.

Structured in the manner of MASIC-S (physical violence, threats, control,
sexual coercion, weapons, fear, stalking, children, voice), in our own plain
words: the instrument's wording is not reproduced. The questions are read to
one party at a time, alone; "you" is the person screened and "the other
party" the person on the other side of the case.

The suggestion is advice shown to the screener, never a decision: the
screener chooses the process, and both are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from mediation.cases.models import ScreeningDecision

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# Bumped when a question or its choices change, so stored answers say which set they answer.
QUESTIONS_VERSION = 1

YES = "yes"
NO = "no"
PREFER_NOT = "prefer_not"
NOT_SURE = "not_sure"
DONT_KNOW = "dont_know"
NO_CHILDREN = "no_children"
USED_OR_THREATENED = "used_or_threatened"
HAS_ACCESS = "has_access"

_YES_NO = ((YES, _("Yes")), (NO, _("No")), (PREFER_NOT, _("Prefer not to say")))


@dataclass(frozen=True)
class Question:
    name: str
    label: StrPromise
    choices: tuple[tuple[str, StrPromise], ...]
    # Said in the error summary when the question is left unanswered.
    missing: StrPromise

    @property
    def values(self) -> frozenset[str]:
        return frozenset(value for value, _label in self.choices)

    def answer_label(self, value: str) -> StrPromise | str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Group:
    name: str
    legend: StrPromise
    questions: tuple[Question, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "physical",
        _("Physical violence"),
        (
            Question(
                "violence_ever",
                _(
                    "Has the other party ever pushed, hit, kicked, choked or in any "
                    "other way physically hurt you?"
                ),
                _YES_NO,
                _("Answer whether the other party has ever physically hurt the person."),
            ),
            Question(
                "violence_recent",
                _("Has that happened in the last 12 months?"),
                (
                    (YES, _("Yes")),
                    (NO, _("No, or it has never happened")),
                    (PREFER_NOT, _("Prefer not to say")),
                ),
                _("Answer whether it happened in the last 12 months."),
            ),
        ),
    ),
    Group(
        "threats",
        _("Threats and intimidation"),
        (
            Question(
                "threats",
                _(
                    "Has the other party threatened to hurt you, your children, someone "
                    "close to you, a pet, or themselves?"
                ),
                _YES_NO,
                _("Answer whether the other party has made threats."),
            ),
            Question(
                "intimidation",
                _(
                    "Has the other party broken things, blocked your way, or done other "
                    "things to frighten you on purpose?"
                ),
                _YES_NO,
                _("Answer whether the other party has tried to frighten the person."),
            ),
        ),
    ),
    Group(
        "control",
        _("Control"),
        (
            Question(
                "control_money",
                _("Does the other party control your money, or stop you having or spending it?"),
                _YES_NO,
                _("Answer whether the other party controls the person's money."),
            ),
            Question(
                "control_movement",
                _(
                    "Does the other party stop you going where you want, or insist on "
                    "knowing where you are at all times?"
                ),
                _YES_NO,
                _("Answer whether the other party controls where the person goes."),
            ),
            Question(
                "control_contacts",
                _(
                    "Does the other party stop you seeing or talking to family, friends "
                    "or anyone else?"
                ),
                _YES_NO,
                _("Answer whether the other party controls whom the person sees."),
            ),
        ),
    ),
    Group(
        "sexual",
        _("Sexual pressure"),
        (
            Question(
                "sexual_coercion",
                _("Has the other party pressured or forced you into sexual acts you did not want?"),
                _YES_NO,
                _("Answer whether the other party has pressured the person sexually."),
            ),
        ),
    ),
    Group(
        "weapons",
        _("Weapons"),
        (
            Question(
                "weapons",
                _(
                    "Has the other party used or threatened to use a weapon, or do they "
                    "have one they could use?"
                ),
                (
                    (USED_OR_THREATENED, _("Used one, or threatened to")),
                    (HAS_ACCESS, _("Has one or could get one, but has not used or threatened")),
                    (NO, _("No")),
                    (DONT_KNOW, _("I do not know")),
                    (PREFER_NOT, _("Prefer not to say")),
                ),
                _("Answer whether the other party has or has used a weapon."),
            ),
        ),
    ),
    Group(
        "fear",
        _("Fear"),
        (
            Question(
                "fear",
                _("How afraid are you of the other party?"),
                (
                    ("0", _("0: not afraid")),
                    ("1", _("1: a little afraid")),
                    ("2", _("2: quite afraid")),
                    ("3", _("3: very afraid")),
                    (PREFER_NOT, _("Prefer not to say")),
                ),
                _("Answer how afraid the person is of the other party."),
            ),
        ),
    ),
    Group(
        "stalking",
        _("Following and unwanted contact"),
        (
            Question(
                "stalking",
                _(
                    "Has the other party followed you, watched you, or kept contacting "
                    "you after you asked them to stop?"
                ),
                _YES_NO,
                _("Answer whether the other party has followed or harassed the person."),
            ),
        ),
    ),
    Group(
        "children",
        _("Children"),
        (
            Question(
                "children",
                _("Are you worried about the safety of any children in this dispute?"),
                (
                    (YES, _("Yes")),
                    (NO, _("No")),
                    (NO_CHILDREN, _("No children are involved")),
                    (PREFER_NOT, _("Prefer not to say")),
                ),
                _("Answer whether the person is worried about children's safety."),
            ),
        ),
    ),
    Group(
        "voice",
        _("Speaking for yourself"),
        (
            Question(
                "speak_freely",
                _(
                    "If the other party were in the same room, could you say what you "
                    "need and disagree with them?"
                ),
                (
                    (YES, _("Yes")),
                    (NOT_SURE, _("Not sure")),
                    (NO, _("No")),
                    (PREFER_NOT, _("Prefer not to say")),
                ),
                _("Answer whether the person could speak freely with the other party present."),
            ),
        ),
    ),
)

QUESTIONS: tuple[Question, ...] = tuple(q for group in GROUPS for q in group.questions)
QUESTIONS_BY_NAME: dict[str, Question] = {q.name: q for q in QUESTIONS}

# Strictest first: where parties' screenings differ, the strictest applies to the case.
STRICTNESS: tuple[ScreeningDecision, ...] = (
    ScreeningDecision.NO_MEDIATION,
    ScreeningDecision.SHUTTLE,
    ScreeningDecision.REMOTE,
    ScreeningDecision.JOINT,
)


def strictest(decisions: Iterable[str]) -> ScreeningDecision | None:
    """Return the strictest of ``decisions`` (no mediation > shuttle > remote > joint)."""
    present = set(decisions)
    return next((decision for decision in STRICTNESS if decision in present), None)


def answer_problems(answers: Mapping[str, str]) -> list[StrPromise]:
    """Return what is wrong with ``answers``: a missing question, an unknown one or value."""
    problems: list[StrPromise] = []
    for question in QUESTIONS:
        if question.name not in answers:
            problems.append(question.missing)
        elif answers[question.name] not in question.values:
            problems.append(_("Choose one of the answers given."))
    if set(answers) - QUESTIONS_BY_NAME.keys():
        problems.append(_("The answers include a question that is not asked."))
    if violence_answers_disagree(answers):
        problems.append(VIOLENCE_DISAGREE)
    return problems


VIOLENCE_DISAGREE = _(
    "The answers about physical violence disagree: if it happened in the last 12 months, "
    "it has happened. Check both answers."
)


def violence_answers_disagree(answers: Mapping[str, str]) -> bool:
    """Return whether violence is said to be recent but never to have happened."""
    return answers.get("violence_recent") == YES and answers.get("violence_ever") == NO


@dataclass(frozen=True)
class Suggestion:
    """The process the answers point to, and every concern found, strictest first."""

    decision: ScreeningDecision
    concerns: tuple[tuple[ScreeningDecision, StrPromise], ...]

    @property
    def reasons(self) -> list[StrPromise]:
        return [reason for _decision, reason in self.concerns]


def _rules(a: Mapping[str, str]) -> list[tuple[bool, ScreeningDecision, StrPromise]]:
    recent = a.get("violence_recent") == YES
    fear = a.get("fear", "")
    controlled = [a.get(name) for name in ("control_money", "control_movement", "control_contacts")]
    no_m, shuttle, remote = (
        ScreeningDecision.NO_MEDIATION,
        ScreeningDecision.SHUTTLE,
        ScreeningDecision.REMOTE,
    )
    return [
        (
            a.get("weapons") == USED_OR_THREATENED,
            no_m,
            _("A weapon has been used or threatened."),
        ),
        (
            recent and fear == "3",
            no_m,
            _("Physical violence in the last 12 months, and the person is very afraid."),
        ),
        (
            recent and a.get("speak_freely") == NO,
            no_m,
            _("Physical violence in the last 12 months, and the person could not speak freely."),
        ),
        (a.get("sexual_coercion") == YES, no_m, _("Sexual pressure or force.")),
        (recent, shuttle, _("Physical violence in the last 12 months.")),
        (
            a.get("violence_ever") == YES and not recent,
            shuttle,
            _("Physical violence in the past."),
        ),
        (
            YES in (a.get("threats"), a.get("intimidation")),
            shuttle,
            _("Threats or intimidation."),
        ),
        (YES in controlled, shuttle, _("Controlling behaviour (money, movement or contacts).")),
        (a.get("weapons") == HAS_ACCESS, shuttle, _("The other party has or could get a weapon.")),
        (fear in ("2", "3"), shuttle, _("The person is quite or very afraid of the other party.")),
        (a.get("stalking") == YES, shuttle, _("Following, watching or unwanted contact.")),
        (
            a.get("children") == YES,
            shuttle,
            _("Worry about children's safety: consider a referral to a child protection service."),
        ),
        (
            a.get("speak_freely") == NO,
            shuttle,
            _("The person could not speak freely with the other party in the room."),
        ),
        (fear == "1", remote, _("The person is a little afraid of the other party.")),
        (
            a.get("speak_freely") == NOT_SURE,
            remote,
            _("The person is not sure they could speak freely with the other party in the room."),
        ),
        (
            PREFER_NOT in a.values(),
            remote,
            _("Some questions were not answered: ask yourself why before choosing joint sessions."),
        ),
    ]


def suggest_process(answers: Mapping[str, str]) -> Suggestion:
    """Return the process ``answers`` suggest: the strictest that any concern calls for."""
    concerns = [(decision, reason) for hit, decision, reason in _rules(answers) if hit]
    concerns.sort(key=lambda concern: STRICTNESS.index(concern[0]))
    if not concerns:
        return Suggestion(
            decision=ScreeningDecision.JOINT,
            concerns=((ScreeningDecision.JOINT, _("No safety concern in the answers.")),),
        )
    return Suggestion(decision=concerns[0][0], concerns=tuple(concerns))
