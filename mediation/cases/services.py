"""Changes to cases. Every write to a case goes through a function here."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import Community, User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import (
    Case,
    CaseEvent,
    Category,
    ContactChannel,
    EventKind,
    IntakeChannel,
    Party,
    PartyDecision,
    PartyRole,
)
from mediation.cases.references import new_reference
from mediation.cases.selectors import OBJECT_TYPE, CaseNotFound, case_in_scope
from mediation.cases.status_codes import hash_code, new_status_code
from mediation.privacy import fields
from mediation.privacy.blind_index import blind_index
from mediation.privacy.crypto import CaseCipher, data_key_new
from mediation.privacy.models import DataKey

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

_REFERENCE_ATTEMPTS = 5
# The blind-index domain for people's names (conflict-of-interest checks).
PERSON_NAME = "person-name"


@dataclass(frozen=True)
class Contact:
    channel: ContactChannel
    detail: str = ""
    times: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {"channel": self.channel, "detail": self.detail, "times": list(self.times)},
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class NewCase:
    """A case with its data key and requester, encrypted and not yet saved."""

    data_key: DataKey
    case: Case
    requester: Party


def case_build(
    *,
    community: Community,
    category: Category,
    description: str,
    requester_contact: Contact,
    intake_channel: IntakeChannel,
    language: str = "",
    safety_answers: str | None = None,
    safety_flagged: bool = False,
) -> NewCase:
    """Return a new case, its data key and its requester, with personal fields encrypted.

    Nothing is saved: ``case_open`` saves one, the seeding for demo and
    benchmark saves thousands with bulk_create. Either way the records are
    encrypted here, the one place that knows how.
    """
    data_key, cipher = data_key_new()
    case = Case(
        id=uuid.uuid4(),
        community=community,
        category=category,
        intake_channel=intake_channel,
        data_key=data_key,
        safety_flagged=safety_flagged,
    )
    fields.encrypt(case, "description", description, cipher)
    # Asking for mediation is the requester's agreement to it (consent is recorded alongside).
    requester = Party(
        id=uuid.uuid4(),
        case=case,
        role=PartyRole.REQUESTER,
        language=language,
        decision=PartyDecision.AGREED,
        decided_at=case.submitted_at,
    )
    fields.encrypt(requester, "contact", requester_contact.to_json(), cipher)
    fields.encrypt(requester, "safety_answers", safety_answers, cipher)
    return NewCase(data_key=data_key, case=case, requester=requester)


def case_open(
    *,
    community: Community,
    category: Category,
    description: str,
    requester_contact: Contact,
    intake_channel: IntakeChannel,
    language: str = "",
    safety_answers: str | None = None,
    safety_flagged: bool = False,
) -> tuple[Case, Party]:
    """Create a case, its data key and its requester, encrypted; return case and requester.

    Runs inside the caller's transaction: the caller records consent and the
    access event alongside, so that all of it is written or none.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_open must run inside the caller's transaction.")
    new = case_build(
        community=community,
        category=category,
        description=description,
        requester_contact=requester_contact,
        intake_channel=intake_channel,
        language=language,
        safety_answers=safety_answers,
        safety_flagged=safety_flagged,
    )
    new.data_key.save(force_insert=True)
    _insert_with_fresh_reference(new.case)
    new.requester.save(force_insert=True)
    return new.case, new.requester


def party_add_other(*, case: Case, identity: str, contact_json: str) -> Party:
    """Record the other party as the requester described them, encrypted with the case key."""
    cipher = CaseCipher.for_data_key(case.data_key)
    party = Party(id=uuid.uuid4(), case=case, role=PartyRole.OTHER_PARTY)
    fields.encrypt(party, "identity", identity or None, cipher)
    party.name_index = blind_index(identity, domain=PERSON_NAME)
    fields.encrypt(party, "contact", contact_json, cipher)
    party.save(force_insert=True)
    return party


def party_issue_status_code(*, party: Party) -> str:
    """Give ``party`` a new status code and return it; any earlier code stops working.

    The code is returned to be shown once and is not stored: only its keyed hash is.
    """
    code = new_status_code()
    party.status_code_hash = hash_code(code)
    party.save(update_fields=["status_code_hash"])
    return code


def _insert_with_fresh_reference(case: Case) -> None:
    # References are random; a clash is rare (45 bits) but must not fail a resident's request.
    for _attempt in range(_REFERENCE_ATTEMPTS):
        case.reference = new_reference()
        try:
            with transaction.atomic():
                case.save(force_insert=True)
        except IntegrityError:
            if Case.objects.filter(reference=case.reference).exists():
                continue
            raise
        return
    raise RuntimeError("Could not find a free case reference.")


class DuplicateRefused(Exception):
    """The two cases cannot be linked; ``message`` says why."""

    def __init__(self, message: StrPromise) -> None:
        super().__init__(str(message))
        self.message = message


def case_link_duplicate(*, user: User, reference: str, other_reference: str) -> CaseEvent:
    """Link a case to another about the same dispute (a repeat, or the other party's own).

    Both cases must be in a community the user coordinates; the other one
    out of scope is "not found", like any case.
    """
    with transaction.atomic():
        this = case_in_scope(
            user=user,
            reference=reference,
            action=Action.UPDATE,
            purpose=Purpose.TRIAGE,
            coordinator_only=True,
            for_update=True,
        ).case
        if not other_reference.strip():
            raise DuplicateRefused(_("Enter the reference of the other case."))
        try:
            other = case_in_scope(
                user=user,
                reference=other_reference,
                action=Action.UPDATE,
                purpose=Purpose.TRIAGE,
                coordinator_only=True,
            ).case
        except CaseNotFound:
            raise DuplicateRefused(_("No case with that reference in your communities.")) from None
        if other.pk == this.pk:
            raise DuplicateRefused(_("A case cannot duplicate itself."))
        if other.duplicate_of_id == this.pk:
            raise DuplicateRefused(_("That case is already linked to this one."))
        Case.objects.filter(pk=this.pk).update(duplicate_of=other, updated_at=timezone.now())
        this.duplicate_of = other
        event = CaseEvent.objects.create(
            case=this, kind=EventKind.DUPLICATE_LINKED, actor=user, subject_id=other.pk
        )
        access_event_record(
            actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=this.pk,
            purpose=Purpose.TRIAGE,
            community_id=this.community_id,
        )
    return event
