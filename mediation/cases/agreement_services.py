"""Writing agreements and recording that a party accepted theirs.

An agreement has one copy per party, in that party's language, its terms
encrypted with the case's key. Until any party has accepted, the terms may be
rewritten while sessions are under way: each rewrite is a new ``Agreement``
row (the latest one is the agreement, the earlier ones are kept as history)
and its follow-ups are scheduled afresh from the new date. Once a party has
accepted, the words they accepted are fixed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.agreement_selectors import (
    ACCEPTANCE_STATUSES,
    AGREEMENT_COPY,
    agreement_current,
)
from mediation.cases.follow_up_services import follow_ups_schedule
from mediation.cases.models import Agreement, AgreementCopy, Case, EventKind, FollowUp, Status
from mediation.cases.selectors import ScopedCase, case_in_scope
from mediation.cases.workflow import timeline_record
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

AGREEMENT = "agreement"


class AgreementRefused(Exception):
    """The agreement cannot be written or accepted now; ``message`` says why."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CopyTerms:
    """The terms for one party, in the language of their copy."""

    party_id: uuid.UUID
    language: str
    terms: str


def agreement_change_problem(case: Case, current: Agreement | None) -> StrPromise | None:
    """Return why the agreement of ``case`` cannot be written now, or None if it can."""
    if case.status != Status.SESSIONS:
        return _("An agreement can be written or changed only while sessions are under way.")
    if current is not None and current.copies.filter(accepted_at__isnull=False).exists():
        return _("A party has accepted these terms, so they can no longer be changed.")
    return None


def _refuse(scoped: ScopedCase, user: User, action: Action, message: StrPromise | str) -> NoReturn:
    access_event_record_refused(
        actor=Actor.staff(user.pk, scoped.role),
        action=action,
        object_type=AGREEMENT,
        object_id=None,
        purpose=Purpose.CASEWORK,
        community_id=scoped.case.community_id,
    )
    raise AgreementRefused(message)


def agreement_record(*, user: User, reference: str, copies: Sequence[CopyTerms]) -> Agreement:
    """Write the agreement of the case, one copy per party; return it.

    ``copies`` must name every party of the case once. A rewrite replaces the
    agreement (kept as history) and reschedules its follow-ups. Raise
    ``CaseNotFound`` out of scope, ``AgreementRefused`` when not allowed now.
    """
    languages = {code for code, _name in settings.LANGUAGES}
    with transaction.atomic():
        scoped = case_in_scope(
            user=user, reference=reference, action=Action.CREATE, for_update=True
        )
        case = scoped.case
        current = agreement_current(case)
        problem = agreement_change_problem(case, current)
        if problem is not None:
            _refuse(scoped, user, Action.CREATE, problem)
        party_ids = set(case.parties.values_list("id", flat=True))
        given = [copy.party_id for copy in copies]
        if len(given) != len(set(given)) or set(given) != party_ids:
            _refuse(scoped, user, Action.CREATE, _("Write the terms for every party."))
        if any(copy.language not in languages or not copy.terms.strip() for copy in copies):
            _refuse(scoped, user, Action.CREATE, _("Each copy needs terms and a language."))

        cipher = CaseCipher.for_data_key(case.data_key)
        agreement = Agreement.objects.create(id=uuid.uuid4(), case=case, recorded_by=user)
        rows = []
        for copy in copies:
            row = AgreementCopy(
                id=uuid.uuid4(), agreement=agreement, party_id=copy.party_id, language=copy.language
            )
            fields.encrypt(row, "terms", copy.terms, cipher)
            rows.append(row)
        AgreementCopy.objects.bulk_create(rows)
        if current is not None:
            # Checks on words that were never accepted will not happen.
            FollowUp.objects.filter(agreement=current, recorded_at__isnull=True).delete()
        follow_ups_schedule(agreement=agreement, start=timezone.localdate(agreement.recorded_at))
        timeline_record(
            case=case, kind=EventKind.AGREEMENT_RECORDED, user=user, subject_id=agreement.pk
        )
        access_event_record(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.CREATE,
            object_type=AGREEMENT,
            object_id=agreement.pk,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
    return agreement


def agreement_accept(*, user: User, reference: str, copy_id: uuid.UUID) -> AgreementCopy:
    """Record that the party of copy ``copy_id`` accepted its terms, by ``user``, now.

    Only a copy of the case's current agreement can be accepted; any other id
    is "not found" like a case out of scope.
    """
    with transaction.atomic():
        scoped = case_in_scope(
            user=user, reference=reference, action=Action.UPDATE, for_update=True
        )
        case = scoped.case
        current = agreement_current(case)
        copy = current.copies.filter(pk=copy_id).first() if current is not None else None
        if copy is None:
            _refuse(scoped, user, Action.UPDATE, _("That copy is not part of this agreement."))
        if case.status not in ACCEPTANCE_STATUSES:
            _refuse(
                scoped, user, Action.UPDATE, _("Acceptance cannot be recorded on this case now.")
            )
        if copy.accepted_at is not None:
            _refuse(scoped, user, Action.UPDATE, _("That party's acceptance is already recorded."))
        copy.accepted_at = timezone.now()
        copy.acceptance_recorded_by = user
        copy.save(update_fields=["accepted_at", "acceptance_recorded_by"])
        timeline_record(case=case, kind=EventKind.AGREEMENT_ACCEPTED, user=user, subject_id=copy.pk)
        access_event_record(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.UPDATE,
            object_type=AGREEMENT_COPY,
            object_id=copy.pk,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
    return copy
