"""Recording a safety screening of one party: the one place that writes them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import EventKind, SafetyScreening, ScreeningDecision
from mediation.cases.screening_questions import (
    QUESTIONS_VERSION,
    answer_problems,
    suggest_process,
)
from mediation.cases.screening_selectors import SCREENING_OBJECT_TYPE, screening_subject_for_user
from mediation.cases.workflow import timeline_record
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class ScreeningRefused(Exception):
    """The screening cannot be recorded; ``problems`` say why, for the person screening."""

    def __init__(self, problems: list[StrPromise]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def safety_screening_record(
    *,
    user: User,
    reference: str,
    party_id: uuid.UUID,
    answers: Mapping[str, str],
    decision: str,
) -> SafetyScreening:
    """Record ``user``'s safety screening of one party of the case; return it.

    In one transaction: the screening with its answers encrypted, a timeline
    event that says only that a screening was recorded, and an access event.
    A case out of the user's scope, or a party not of this case, raises a 404
    (logged); answers or a process that are not among those offered raise
    ``ScreeningRefused``, and so do a closed case and a mediator replacing a
    screening someone else did.
    """
    with transaction.atomic():
        subject = screening_subject_for_user(
            user=user, reference=reference, party_id=party_id, action=Action.CREATE
        )
        case = subject.case
        problems = answer_problems(answers)
        if decision not in ScreeningDecision.values:
            problems.append(_("Choose the process for this case."))
        if subject.problem is not None:
            problems.append(subject.problem)
        if problems:
            raise ScreeningRefused(problems)
        screening = SafetyScreening(
            id=uuid.uuid4(),
            case=case,
            party_id=subject.party_id,
            screener=user,
            decision=decision,
            screened_at=timezone.now(),
        )
        record = {
            "version": QUESTIONS_VERSION,
            "answers": {name: answers[name] for name in sorted(answers)},
            # What the screener was shown, kept beside what they chose.
            "suggested": suggest_process(answers).decision.value,
        }
        fields.encrypt(
            screening, "answers", json.dumps(record), CaseCipher.for_data_key(case.data_key)
        )
        screening.save(force_insert=True)
        timeline_record(
            case=case, kind=EventKind.SAFETY_SCREENED, user=user, subject_id=screening.pk
        )
        access_event_record(
            actor=Actor.staff(user.pk, subject.role),
            action=Action.CREATE,
            object_type=SCREENING_OBJECT_TYPE,
            object_id=screening.pk,
            purpose=Purpose.TRIAGE,
            community_id=case.community_id,
        )
    return screening
