"""Follow-ups: scheduled checks on whether an agreement held, and their results.

Recording an agreement schedules its follow-ups (``MEDIATION_FOLLOW_UP_DAYS``
after the agreement's date, 30 and 90 days by default); the case team may
add another one. A result is recorded once the case is in follow-up; closing
the case afterwards is a workflow move (``case_transition``), by a
coordinator, with an outcome.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, NoReturn

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.agreement_selectors import agreement_current
from mediation.cases.models import Agreement, EventKind, FollowUp, FollowUpResult, Status
from mediation.cases.selectors import ScopedCase, case_in_scope
from mediation.cases.workflow import timeline_record

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

FOLLOW_UP = "follow_up"
# A further check can be added while the agreement is being followed up.
SCHEDULING_STATUSES = frozenset({Status.AGREEMENT, Status.FOLLOW_UP})
LATEST_FOLLOW_UP_DAYS = 730


class FollowUpRefused(Exception):
    """The follow-up cannot be scheduled or recorded now; ``message`` says why."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


def _refuse(scoped: ScopedCase, user: User, action: Action, message: StrPromise | str) -> NoReturn:
    access_event_record_refused(
        actor=Actor.staff(user.pk, scoped.role),
        action=action,
        object_type=FOLLOW_UP,
        object_id=None,
        purpose=Purpose.CASEWORK,
        community_id=scoped.case.community_id,
    )
    raise FollowUpRefused(message)


def follow_ups_schedule(*, agreement: Agreement, start: date) -> list[FollowUp]:
    """Schedule the standard follow-ups of ``agreement``, counted in days from ``start``.

    Runs in the caller's transaction (recording the agreement).
    """
    days = sorted(set(settings.MEDIATION_FOLLOW_UP_DAYS))
    return FollowUp.objects.bulk_create(
        FollowUp(
            id=uuid.uuid4(),
            case_id=agreement.case_id,
            agreement=agreement,
            due_on=start + timedelta(days=day),
        )
        for day in days
    )


def follow_up_add(*, user: User, reference: str, due_on: date) -> FollowUp:
    """Schedule one more follow-up of the case's agreement, due on ``due_on``."""
    with transaction.atomic():
        scoped = case_in_scope(
            user=user, reference=reference, action=Action.CREATE, for_update=True
        )
        case = scoped.case
        agreement = agreement_current(case)
        if agreement is None or case.status not in SCHEDULING_STATUSES:
            _refuse(
                scoped,
                user,
                Action.CREATE,
                _("Follow-ups can be added once there is an agreement."),
            )
        today = timezone.localdate()
        if not today <= due_on <= today + timedelta(days=LATEST_FOLLOW_UP_DAYS):
            _refuse(scoped, user, Action.CREATE, _("Choose a date from today to two years ahead."))
        follow_up = FollowUp.objects.create(
            id=uuid.uuid4(), case=case, agreement=agreement, due_on=due_on
        )
        access_event_record(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.CREATE,
            object_type=FOLLOW_UP,
            object_id=follow_up.pk,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
    return follow_up


def follow_up_record(
    *, user: User, reference: str, follow_up_id: uuid.UUID, result: str
) -> FollowUp:
    """Record whether the agreement held, as found at follow-up ``follow_up_id``.

    The case must be in follow-up (a workflow move puts it there). A
    follow-up of another case is "not found", logged like a case out of scope.
    """
    with transaction.atomic():
        scoped = case_in_scope(
            user=user, reference=reference, action=Action.UPDATE, for_update=True
        )
        case = scoped.case
        follow_up = case.follow_ups.filter(pk=follow_up_id).first()
        if follow_up is None:
            _refuse(scoped, user, Action.UPDATE, _("That follow-up is not part of this case."))
        if case.status != Status.FOLLOW_UP:
            _refuse(scoped, user, Action.UPDATE, _("Start the follow-up stage of the case first."))
        if follow_up.recorded_at is not None:
            _refuse(scoped, user, Action.UPDATE, _("That follow-up is already recorded."))
        if result not in FollowUpResult.values:
            _refuse(scoped, user, Action.UPDATE, _("Choose what the follow-up found."))
        follow_up.result = result
        follow_up.recorded_at = timezone.now()
        follow_up.recorded_by = user
        follow_up.save(update_fields=["result", "recorded_at", "recorded_by"])
        timeline_record(
            case=case, kind=EventKind.FOLLOW_UP_RECORDED, user=user, subject_id=follow_up.pk
        )
        access_event_record(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.UPDATE,
            object_type=FOLLOW_UP,
            object_id=follow_up.pk,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
    return follow_up
