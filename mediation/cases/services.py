"""Changes to cases. Every write to a case goes through a function here."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from mediation.accounts.models import Community
from mediation.cases.models import (
    Case,
    Category,
    ContactChannel,
    IntakeChannel,
    Party,
    PartyDecision,
    PartyRole,
)
from mediation.cases.references import new_reference
from mediation.cases.status_codes import hash_code, new_status_code
from mediation.privacy import fields
from mediation.privacy.blind_index import blind_index
from mediation.privacy.crypto import CaseCipher, data_key_new
from mediation.privacy.models import DataKey

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
