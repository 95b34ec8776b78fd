"""Reads for the referral page: scoped to the case's coordinators, and logged."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import (
    Case,
    Partner,
    Party,
    PartyRole,
    Referral,
    ReferralItem,
    Status,
)
from mediation.cases.referral_packet import (
    Packet,
    ReferralSubject,
    packet_build,
    partners_serving,
    referral_subject,
)
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.consent.models import ConsentPurpose, ConsentRecord, partner_scope
from mediation.consent.notices import Notice
from mediation.consent.services import consent_in_force, consent_scopes_in_force


@dataclass(frozen=True)
class ConsentLine:
    """A party's live consent to share with one partner."""

    partner: Partner
    partner_name: str
    record: ConsentRecord


@dataclass(frozen=True)
class PartyLine:
    party: Party
    consents: list[ConsentLine]


@dataclass(frozen=True)
class ReferralLine:
    referral: Referral
    partner_name: str
    items: list[str]


@dataclass(frozen=True)
class ReferralPage:
    case: Case
    parties: list[PartyLine]
    partners: list[Partner]
    referrals: list[ReferralLine]

    @property
    def is_open(self) -> bool:
        return self.case.status != Status.CLOSED


@dataclass(frozen=True)
class ReferralPreview:
    """What would be sent, and whether the party's consent is already on record."""

    subject: ReferralSubject
    packet: Packet
    notice: Notice
    consent_in_force: bool


def _log_view(user: User, case: Case) -> None:
    access_event_record(
        actor=Actor.staff(user.pk, ActorRole.COORDINATOR),
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.TRIAGE,
        community_id=case.community_id,
    )


def referral_page_for_user(*, user: User, reference: str) -> ReferralPage:
    """Return the parties, partners, consents and past referrals of a case.

    Only the case's coordinators may see it; anyone else gets a 404 (logged).
    Nothing on it is decrypted (parties by role, partners, codes and dates),
    so, like the other-party page, it writes no access event; the preview,
    which decrypts, does.
    """
    case = case_in_scope(
        user=user,
        reference=reference,
        action=Action.VIEW,
        purpose=Purpose.TRIAGE,
        coordinator_only=True,
    ).case
    language = get_language()
    parties = sorted(
        case.parties.all(), key=lambda p: (p.role != PartyRole.REQUESTER, p.created_at)
    )
    partners_by_scope = {partner_scope(p.slug): p for p in Partner.objects.all()}
    lines = []
    for party in parties:
        scopes = consent_scopes_in_force(party_id=party.pk, purpose=ConsentPurpose.REFERRAL)
        lines.append(
            PartyLine(
                party=party,
                consents=[
                    ConsentLine(
                        partner=partners_by_scope[scope],
                        partner_name=partners_by_scope[scope].display_name(language),
                        record=record,
                    )
                    for scope, record in sorted(scopes.items())
                    if scope in partners_by_scope
                ],
            )
        )
    referrals = [
        ReferralLine(
            referral=referral,
            partner_name=referral.partner.display_name(language),
            items=[str(ReferralItem(code).label) for code in referral.shared],
        )
        for referral in Referral.objects.filter(case=case)
        .select_related("partner", "party", "sent_by")
        .order_by("-sent_at")
    ]
    return ReferralPage(
        case=case, parties=lines, partners=partners_serving(case), referrals=referrals
    )


def referral_preview_for_user(
    *,
    user: User,
    reference: str,
    party_id: uuid.UUID | str,
    partner_id: int | str,
    items: Iterable[str],
    sent_on: datetime.date | None = None,
) -> ReferralPreview:
    """Return the exact packet that would be sent, for the coordinator to check; log the view.

    Raise ``CaseNotFound`` out of scope and ``ReferralRefused`` when the party,
    partner or items cannot be sent.
    """
    case = case_in_scope(
        user=user,
        reference=reference,
        action=Action.VIEW,
        purpose=Purpose.TRIAGE,
        coordinator_only=True,
    ).case
    subject = referral_subject(case=case, party_id=party_id, partner_id=partner_id, items=items)
    packet = packet_build(subject, sent_on=sent_on or timezone.localdate())
    _log_view(user, case)
    return ReferralPreview(
        subject=subject,
        packet=packet,
        notice=subject.notice,
        consent_in_force=consent_in_force(
            party_id=subject.party.pk, purpose=ConsentPurpose.REFERRAL, scope=subject.scope
        ),
    )
