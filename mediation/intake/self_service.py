"""What residents can do on their status page, each in one transaction with its access event."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import (
    ContactChannel,
    EventKind,
    Party,
    PartyRole,
    Referral,
    Statement,
)
from mediation.cases.services import Contact
from mediation.cases.workflow import timeline_record
from mediation.consent.models import ConsentMethod, ConsentPurpose, ConsentRecord, partner_scope
from mediation.consent.notices import CONTACT_NOTICE
from mediation.consent.services import consent_record, consent_withdraw, consents_in_force
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from mediation.privacy.models import DataSubjectRequest, RequestKind

# GDPR Art. 12(3): answer within one month.
ANSWER_WITHIN = timedelta(days=30)


def _actor(party: Party) -> Actor:
    role = ActorRole.REQUESTER if party.role == PartyRole.REQUESTER else ActorRole.OTHER_PARTY
    return Actor.resident(party.pk, role)


def _record(party: Party, action: Action, object_type: str = "case", object_id: Any = None) -> None:
    access_event_record(
        actor=_actor(party),
        action=action,
        object_type=object_type,
        object_id=object_id if object_id is not None else party.case_id,
        purpose=Purpose.SELF_SERVICE,
        community_id=party.case.community_id,
    )


def resident_add_statement(*, party: Party, text: str) -> Statement:
    """Add the resident's own words to their case, encrypted with the case key."""
    cipher = CaseCipher.for_data_key(party.case.data_key)
    statement = Statement(case=party.case, party=party)
    fields.encrypt(statement, "text", text, cipher)
    with transaction.atomic():
        statement.save(force_insert=True)
        _record(party, Action.UPDATE)
    return statement


def resident_contact(*, party: Party) -> dict[str, Any]:
    """Return the resident's current contact preferences (decrypted for their own page)."""
    cipher = CaseCipher.for_data_key(party.case.data_key)
    stored = json.loads(fields.decrypt(party, "contact", cipher) or "{}")
    return {
        "channel": stored.get("channel", ContactChannel.NONE),
        "detail": stored.get("detail", ""),
        "times": stored.get("times", []),
    }


def resident_contact_for_change(*, party: Party) -> dict[str, Any]:
    """Return the resident's contact preferences to show on their form; log the view."""
    contact = resident_contact(party=party)
    with transaction.atomic():
        _record(party, Action.VIEW)
    return contact


def resident_change_contact(
    *, party: Party, contact: Contact, consents_to_contact: bool, language: str
) -> None:
    """Replace how the centre may contact the resident; without consent, no channel is kept."""
    if contact.channel != ContactChannel.NONE and not consents_to_contact:
        raise ValueError("A contact channel needs consent to contact.")
    cipher = CaseCipher.for_data_key(party.case.data_key)
    fields.encrypt(party, "contact", contact.to_json(), cipher)
    with transaction.atomic():
        party.save(update_fields=["contact"])
        consent_withdraw(party_id=party.pk, purpose=ConsentPurpose.CONTACT)
        if contact.channel != ContactChannel.NONE:
            consent_record(
                party_id=party.pk,
                notice=CONTACT_NOTICE,
                given=True,
                language=language,
                method=ConsentMethod.WEB_FORM,
            )
        _record(party, Action.UPDATE)


def resident_withdraw_consent(*, party: Party, purpose: ConsentPurpose) -> None:
    """Withdraw a consent; withdrawing contact also removes the contact details for good.

    Withdrawing the consent to mediation puts it on the case's timeline, where
    the case page tells the staff to stop and to withdraw or close the case
    (a status changes only through the workflow, by a member of staff).
    """
    with transaction.atomic():
        withdrawn = consent_withdraw(party_id=party.pk, purpose=purpose)
        if purpose == ConsentPurpose.MEDIATION and withdrawn:
            timeline_record(
                case=party.case, kind=EventKind.CONSENT_WITHDRAWN, user=None, subject_id=party.pk
            )
        if purpose == ConsentPurpose.CONTACT:
            cipher = CaseCipher.for_data_key(party.case.data_key)
            fields.encrypt(party, "contact", Contact(channel=ContactChannel.NONE).to_json(), cipher)
            party.save(update_fields=["contact"])
        _record(party, Action.UPDATE)


def resident_withdraw_sharing(*, party: Party, partner_slug: str) -> bool:
    """Withdraw the consent to share with one partner; return False if none was live.

    Nothing more goes to that partner; what a referral already sent stays with them.
    """
    with transaction.atomic():
        withdrawn = consent_withdraw(
            party_id=party.pk, purpose=ConsentPurpose.REFERRAL, scope=partner_scope(partner_slug)
        )
        if withdrawn:
            _record(party, Action.UPDATE)
    return bool(withdrawn)


def resident_request_erasure(*, party: Party) -> DataSubjectRequest:
    """Record the resident's request to erase their data, for the coordinator to answer."""
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            party_id=party.pk,
            case_id=party.case_id,
            community_id=party.case.community_id,
            kind=RequestKind.ERASURE,
            due_by=(timezone.now() + ANSWER_WITHIN).date(),
        )
        _record(party, Action.CREATE, object_type="data_subject_request", object_id=request.pk)
    return request


def resident_export(*, party: Party) -> dict[str, Any]:
    """Return everything this person submitted, and nothing of the other party's; log it."""
    case = party.case
    cipher = CaseCipher.for_data_key(case.data_key)
    own_statements = [
        {"added": s.created_at.isoformat(), "text": fields.decrypt(s, "text", cipher)}
        for s in Statement.objects.filter(party=party).order_by("created_at")
    ]
    data: dict[str, Any] = {
        "case_reference": party.status_reference,
        "submitted": case.submitted_at.isoformat(),
        "category": case.category,
        "contact": json.loads(fields.decrypt(party, "contact", cipher) or "{}"),
        "language": party.language,
        "safety_answers": json.loads(fields.decrypt(party, "safety_answers", cipher) or "{}"),
        "added_information": own_statements,
        "consents": [
            {
                "purpose": r.purpose,
                "given": r.given,
                "notice_version": r.notice_version,
                "recorded": r.recorded_at.isoformat(),
                "withdrawn": r.withdrawn_at.isoformat() if r.withdrawn_at else None,
            }
            for r in ConsentRecord.objects.filter(party_id=party.pk).order_by("recorded_at")
        ],
    }
    # Who received this person's data (GDPR Art. 15(1)(c)): their own referrals only.
    data["shared_with"] = [
        {
            "partner": referral.partner.name_en,
            "partner_zh": referral.partner.name_zh,
            "items": list(referral.shared),
            "sent": referral.sent_at.isoformat(),
        }
        for referral in Referral.objects.filter(party=party)
        .select_related("partner")
        .order_by("sent_at")
    ]
    if party.role == PartyRole.REQUESTER:
        data["what_happened"] = fields.decrypt(case, "description", cipher)
    with transaction.atomic():
        _record(party, Action.DOWNLOAD)
    return data


def resident_consents(*, party: Party) -> dict[str, bool]:
    return consents_in_force(party_id=party.pk)
