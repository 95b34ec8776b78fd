"""The case workflow: every allowed transition in one table, and the one service that makes one.

No other code sets ``Case.status``. ``case_transition`` checks that the
transition exists, that the actor's role on the case may make it, that its
outcome and reason are among those allowed and that its guard holds; then, in
one transaction, it changes the status, writes a timeline event and an access
event. A refusal is logged too (it survives the rollback) and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.models import Outcome as EventOutcome
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    FINISHED_STATUSES,
    Case,
    CaseAssignment,
    CaseEvent,
    EventKind,
    Outcome,
    Reason,
    Status,
)
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

COORDINATOR = ActorRole.COORDINATOR
MEDIATOR = ActorRole.MEDIATOR
BOTH = frozenset({COORDINATOR, MEDIATOR})
COORDINATORS = frozenset({COORDINATOR})


def _has_lead(case: Case) -> bool:
    return CaseAssignment.objects.filter(case=case, role="lead", ended_at__isnull=True).exists()


def _has_agreement(case: Case) -> bool:
    return case.agreements.exists()


def _has_open_follow_up(case: Case) -> bool:
    return case.follow_ups.filter(recorded_at__isnull=True).exists()


@dataclass(frozen=True)
class Guard:
    check: Callable[[Case], bool]
    message: StrPromise


NEEDS_LEAD = Guard(_has_lead, _("Assign a lead mediator first."))
NEEDS_AGREEMENT = Guard(_has_agreement, _("Write the agreement first."))
NEEDS_FOLLOW_UP = Guard(_has_open_follow_up, _("Schedule a follow-up first."))

DECLINE_REASONS = (
    Reason.NOT_SUITABLE,
    Reason.OUT_OF_AREA,
    Reason.NO_CONTACT,
    Reason.SAFETY,
    Reason.RESOLVED_ELSEWHERE,
)


@dataclass(frozen=True)
class Transition:
    """One allowed move: from ``source`` to ``target``, by the roles in ``by``."""

    source: Status
    target: Status
    by: frozenset[ActorRole]
    label: StrPromise
    outcomes: tuple[Outcome, ...] = ()
    reasons: tuple[Reason, ...] = ()
    guard: Guard | None = None
    purpose: Purpose = Purpose.CASEWORK

    @property
    def needs_outcome(self) -> bool:
        return bool(self.outcomes)

    @property
    def needs_reason(self) -> bool:
        return bool(self.reasons)


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    # Triage of a new request.
    Transition(
        S.SUBMITTED, S.SCREENING, COORDINATORS, _("Accept for mediation"), purpose=Purpose.TRIAGE
    ),
    Transition(
        S.SUBMITTED,
        S.CLOSED,
        COORDINATORS,
        _("Decline, refer, or close as a duplicate"),
        outcomes=(Outcome.DECLINED, Outcome.DUPLICATE, Outcome.REFERRED),
        reasons=(*DECLINE_REASONS, Reason.DUPLICATE, Reason.REFERRED),
        purpose=Purpose.TRIAGE,
    ),
    # Screening and arranging.
    Transition(S.SCREENING, S.ASSIGNED, COORDINATORS, _("Mediators assigned"), guard=NEEDS_LEAD),
    Transition(
        S.SCREENING,
        S.CLOSED,
        COORDINATORS,
        _("Close without mediation"),
        outcomes=(
            Outcome.DECLINED,
            Outcome.OTHER_PARTY_DECLINED,
            Outcome.WITHDRAWN,
            Outcome.DUPLICATE,
            Outcome.REFERRED,
        ),
        reasons=(
            *DECLINE_REASONS,
            Reason.OTHER_PARTY_DECLINED,
            Reason.REQUESTER_WITHDREW,
            Reason.DUPLICATE,
            Reason.REFERRED,
        ),
    ),
    Transition(S.ASSIGNED, S.SCREENING, COORDINATORS, _("Back to screening")),
    Transition(S.ASSIGNED, S.SESSIONS, BOTH, _("Sessions started")),
    Transition(
        S.ASSIGNED,
        S.WITHDRAWN,
        BOTH,
        _("Withdrawn"),
        reasons=(Reason.REQUESTER_WITHDREW, Reason.OTHER_PARTY_DECLINED, Reason.SAFETY),
    ),
    # Sessions and their result.
    Transition(S.SESSIONS, S.AGREEMENT, BOTH, _("Agreement reached"), guard=NEEDS_AGREEMENT),
    Transition(S.SESSIONS, S.NO_AGREEMENT, BOTH, _("No agreement")),
    Transition(
        S.SESSIONS,
        S.WITHDRAWN,
        BOTH,
        _("Withdrawn"),
        reasons=(Reason.REQUESTER_WITHDREW, Reason.OTHER_PARTY_DECLINED, Reason.SAFETY),
    ),
    Transition(S.AGREEMENT, S.FOLLOW_UP, BOTH, _("Start follow-up"), guard=NEEDS_FOLLOW_UP),
    # Closure, always by a coordinator, always with an outcome.
    Transition(
        S.AGREEMENT, S.CLOSED, COORDINATORS, _("Close the case"), outcomes=(Outcome.AGREEMENT,)
    ),
    Transition(
        S.FOLLOW_UP,
        S.CLOSED,
        COORDINATORS,
        _("Close the case"),
        outcomes=(Outcome.AGREEMENT_HELD, Outcome.AGREEMENT_NOT_HELD, Outcome.AGREEMENT),
    ),
    Transition(
        S.NO_AGREEMENT,
        S.CLOSED,
        COORDINATORS,
        _("Close the case"),
        outcomes=(Outcome.NO_AGREEMENT,),
    ),
    Transition(
        S.WITHDRAWN, S.CLOSED, COORDINATORS, _("Close the case"), outcomes=(Outcome.WITHDRAWN,)
    ),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}


def transition_for(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((Status(source), Status(target)))


def transitions_open_to(*, status: str, role: ActorRole) -> list[Transition]:
    """Return the transitions ``role`` may make from ``status``, in table order."""
    return [t for t in TRANSITIONS if t.source == status and role in t.by]


class TransitionRefused(Exception):
    """The transition is not allowed now; ``message`` says why, for the person acting."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


def case_transition(
    *,
    user: User,
    reference: str,
    target: str,
    outcome: str = "",
    reason: str = "",
    expected_source: str = "",
) -> CaseEvent:
    """Move the case to ``target`` on behalf of ``user``; return the timeline event.

    Raise ``CaseNotFound`` (a 404) when the case is out of the user's scope,
    ``TransitionRefused`` when the move is not allowed; both are logged.
    With ``expected_source`` (the status the person saw), a case that has
    moved on since is refused rather than moved from a state they did not see.
    """
    with transaction.atomic():
        scoped = case_in_scope(
            user=user, reference=reference, action=Action.UPDATE, for_update=True
        )
        case, role = scoped.case, scoped.role
        transition = transition_for(case.status, target) if target in Status.values else None
        problem = _problem(transition, role=role, case=case, outcome=outcome, reason=reason)
        if expected_source and expected_source != case.status:
            problem = _("The case has changed since you opened the page. Check it and try again.")
        if problem is not None or transition is None:
            access_event_record_refused(
                actor=Actor.staff(user.pk, role),
                action=Action.UPDATE,
                object_type=OBJECT_TYPE,
                object_id=case.pk,
                purpose=transition.purpose if transition else Purpose.CASEWORK,
                outcome=EventOutcome.REFUSED,
                community_id=case.community_id,
            )
            raise TransitionRefused(problem or _("That change is not possible now."))
        now = timezone.now()
        changes: dict[str, object] = {"status": transition.target, "updated_at": now}
        if transition.target == Status.CLOSED:
            changes |= {"outcome": outcome, "closed_at": now}
        Case.objects.filter(pk=case.pk).update(**changes)
        if transition.target in FINISHED_STATUSES:
            CaseAssignment.objects.filter(case=case, case_in_progress=True).update(
                case_in_progress=False
            )
        event = CaseEvent.objects.create(
            case=case,
            kind=EventKind.STATUS_CHANGED,
            from_status=transition.source,
            to_status=transition.target,
            reason=reason,
            actor=user,
            occurred_at=now,
        )
        access_event_record(
            actor=Actor.staff(user.pk, role),
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            purpose=transition.purpose,
            community_id=case.community_id,
        )
    return event


def _problem(
    transition: Transition | None, *, role: ActorRole, case: Case, outcome: str, reason: str
) -> StrPromise | None:
    if transition is None:
        return _("That change is not possible from the case's current status.")
    if role not in transition.by:
        return _("Only a coordinator can make that change.")
    if transition.outcomes and outcome not in transition.outcomes:
        return _("Choose an outcome.")
    if not transition.outcomes and outcome:
        return _("That change does not take an outcome.")
    if transition.reasons and reason not in transition.reasons:
        return _("Choose a reason.")
    if not transition.reasons and reason:
        return _("That change does not take a reason.")
    if outcome == Outcome.DUPLICATE and case.duplicate_of_id is None:
        return _("Link the case it duplicates first.")
    if (outcome == Outcome.REFERRED or reason == Reason.REFERRED) and not case.referrals.exists():
        return _("Send the referral to the partner organisation first.")
    if transition.guard is not None and not transition.guard.check(case):
        return transition.guard.message
    return None


def timeline_record(
    *, case: Case, kind: EventKind, user: User | None, subject_id: uuid.UUID | None = None
) -> CaseEvent:
    """Write a timeline event for something other than a status change.

    Call it from the service that did the thing, inside its transaction; the
    service writes its own access event.
    """
    if kind == EventKind.STATUS_CHANGED:
        raise ValueError("Status changes are recorded by case_transition only.")
    return CaseEvent.objects.create(case=case, kind=kind, actor=user, subject_id=subject_id)
