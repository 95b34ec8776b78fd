"""The other party: told what is held about them, then agreeing to mediation or declining.

A coordinator records how the centre reached them and that they were given
the notice (GDPR Art. 14: what is held, why, from whom). If they agree, their
consents are recorded as verbal, with who took them, and they get their own
reference and status code, delivered as for staff-entered intake. If they
decline, the case ends politely through the workflow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import (
    Case,
    ContactMethod,
    EventKind,
    Outcome,
    Party,
    PartyDecision,
    PartyRole,
    Reason,
    Status,
)
from mediation.cases.references import new_reference
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.cases.services import PERSON_NAME, Contact, party_issue_status_code
from mediation.cases.workflow import case_transition, timeline_record
from mediation.consent.models import ConsentMethod
from mediation.consent.notices import (
    CONTACT_NOTICE,
    MEDIATION_NOTICE,
    OTHER_PARTY_NOTICE,
    STATISTICS_NOTICE,
)
from mediation.consent.services import consent_record
from mediation.privacy import fields
from mediation.privacy.blind_index import blind_index
from mediation.privacy.crypto import CaseCipher

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# The other party is approached once the request is accepted, before sessions end.
OPEN_STATUSES = (Status.SCREENING, Status.ASSIGNED, Status.SESSIONS)
_REFERENCE_ATTEMPTS = 5


class OtherPartyRefused(Exception):
    """The step cannot be taken now; ``message`` says why and what to do."""

    def __init__(self, message: StrPromise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class PartyAgreement:
    """What the other party said when they agreed, as recorded by staff."""

    language: str
    contact: Contact
    consents_to_contact: bool
    consents_to_statistics: bool
    name: str = ""


@dataclass(frozen=True)
class Issued:
    """A party's own reference and new status code, to deliver once."""

    party: Party
    reference: str
    code: str


def _other_party(case: Case) -> Party:
    party = case.parties.filter(role=PartyRole.OTHER_PARTY).first()
    if party is None:
        raise OtherPartyRefused(_("This case has no other party recorded."))
    return party


def _open_case(user: User, reference: str) -> Case:
    case = case_in_scope(
        user=user,
        reference=reference,
        action=Action.UPDATE,
        coordinator_only=True,
        for_update=True,
    ).case
    if case.status not in OPEN_STATUSES:
        raise OtherPartyRefused(
            _("Accept the request for mediation first; a closed case cannot change.")
            if case.status == Status.SUBMITTED
            else _("The case is past the stage where the other party is approached.")
        )
    return case


def _log(user: User, case: Case) -> None:
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )


def other_party_notified(*, user: User, reference: str, method: str) -> Party:
    """Record how the other party was reached and that they were given the notice."""
    if method not in ContactMethod.values:
        raise OtherPartyRefused(_("Choose how the centre reached them."))
    with transaction.atomic():
        case = _open_case(user, reference)
        party = _other_party(case)
        party.contacted_via = method
        party.notice_version = OTHER_PARTY_NOTICE.version
        party.notified_at = timezone.now()
        party.save(update_fields=["contacted_via", "notice_version", "notified_at"])
        timeline_record(case=case, kind=EventKind.PARTY_NOTIFIED, user=user, subject_id=party.pk)
        _log(user, case)
    return party


def other_party_agrees(*, user: User, reference: str, answers: PartyAgreement) -> Issued:
    """Record the other party's agreement and consents; give them a reference and code.

    The code is returned to be delivered once (by email on their consent, or
    shown to print or read out); it is not stored.
    """
    with transaction.atomic():
        case = _open_case(user, reference)
        party = _other_party(case)
        if party.notified_at is None:
            raise OtherPartyRefused(_("First record how they were reached and told."))
        if party.decision != PartyDecision.PENDING:
            raise OtherPartyRefused(_("Their decision is already recorded."))
        for notice, given in (
            (MEDIATION_NOTICE, True),
            (CONTACT_NOTICE, answers.consents_to_contact),
            (STATISTICS_NOTICE, answers.consents_to_statistics),
        ):
            consent_record(
                party_id=party.pk,
                notice=notice,
                given=given,
                language=answers.language,
                method=ConsentMethod.VERBAL,
                recorded_by_id=user.pk,
            )
        cipher = CaseCipher.for_data_key(case.data_key)
        described = json.loads(fields.decrypt(party, "contact", cipher) or "{}")
        own = json.loads(answers.contact.to_json())
        # Their own choice replaces what the requester said; how the requester
        # described reaching them stays, as the record of what was received.
        fields.encrypt(party, "contact", json.dumps(described | own, ensure_ascii=False), cipher)
        if answers.name.strip():
            party.name_index = blind_index(answers.name, domain=PERSON_NAME)
        party.language = answers.language
        party.decision = PartyDecision.AGREED
        party.decided_at = timezone.now()
        _give_reference(party)
        party.save(
            update_fields=[
                "contact",
                "name_index",
                "language",
                "decision",
                "decided_at",
                "reference",
            ]
        )
        code = party_issue_status_code(party=party)
        timeline_record(case=case, kind=EventKind.PARTY_DECIDED, user=user, subject_id=party.pk)
        _log(user, case)
    return Issued(party=party, reference=str(party.reference), code=code)


def other_party_declines(*, user: User, reference: str) -> Party:
    """Record that the other party declined; the case ends (closed or withdrawn)."""
    with transaction.atomic():
        case = _open_case(user, reference)
        party = _other_party(case)
        if party.decision != PartyDecision.PENDING:
            raise OtherPartyRefused(_("Their decision is already recorded."))
        consent_record(
            party_id=party.pk,
            notice=MEDIATION_NOTICE,
            given=False,
            language=party.language or "en",
            method=ConsentMethod.VERBAL,
            recorded_by_id=user.pk,
        )
        party.decision = PartyDecision.DECLINED
        party.decided_at = timezone.now()
        party.save(update_fields=["decision", "decided_at"])
        timeline_record(case=case, kind=EventKind.PARTY_DECIDED, user=user, subject_id=party.pk)
        _log(user, case)
        if case.status == Status.SCREENING:
            case_transition(
                user=user,
                reference=case.reference,
                target=Status.CLOSED,
                outcome=Outcome.OTHER_PARTY_DECLINED,
                reason=Reason.OTHER_PARTY_DECLINED,
            )
        else:
            case_transition(
                user=user,
                reference=case.reference,
                target=Status.WITHDRAWN,
                reason=Reason.OTHER_PARTY_DECLINED,
            )
    return party


def other_party_new_code(*, user: User, reference: str) -> Issued:
    """Give the other party a new status code at the centre; the old one stops working."""
    with transaction.atomic():
        case = case_in_scope(
            user=user, reference=reference, action=Action.UPDATE, coordinator_only=True
        ).case
        party = _other_party(case)
        if party.reference is None or party.decision != PartyDecision.AGREED:
            raise OtherPartyRefused(_("They get a status code when they agree to mediation."))
        code = party_issue_status_code(party=party)
        access_event_record(
            actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            purpose=Purpose.SELF_SERVICE,
            community_id=case.community_id,
        )
    return Issued(party=party, reference=party.reference, code=code)


def _give_reference(party: Party) -> None:
    # A party reference lives in the same space as case references: never reuse one.
    for _attempt in range(_REFERENCE_ATTEMPTS):
        candidate = new_reference()
        taken = (
            Case.objects.filter(reference=candidate).exists()
            or Party.objects.filter(reference=candidate).exists()
        )
        if not taken:
            party.reference = candidate
            return
    raise IntegrityError("Could not find a free reference.")
