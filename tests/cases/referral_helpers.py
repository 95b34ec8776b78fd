"""Shared by the referral tests: a case ready to refer, what it holds, and sending a referral."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import User
from mediation.cases.models import Case, ContactChannel, Partner, Party, PartyRole, Referral, Status
from mediation.cases.referral_services import referral_send
from mediation.cases.services import Contact, party_add_other
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from tests.conftest import Cast
from tests.factories import make_case

DESCRIPTION = "The fence between our gardens fell & nobody will fix it."
REQUESTER_PHONE = "13800000001"
SAFETY_MARKER = "he-threatened-me-at-the-gate"
OTHER_IDENTITY = "Mr Wang upstairs"
OTHER_PHONE = "13900000002"


def case_in_screening(cast: Cast) -> Case:
    """A case in screening: a requester with safety answers, and a notified other party."""
    case = make_case(
        community=cast.community,
        description=DESCRIPTION,
        contact=Contact(channel=ContactChannel.PHONE, detail=REQUESTER_PHONE, times=("evenings",)),
    )
    case = Case.objects.select_related("data_key").get(pk=case.pk)
    cipher = CaseCipher.for_data_key(case.data_key)
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    fields.encrypt(requester, "safety_answers", json.dumps({"threats": SAFETY_MARKER}), cipher)
    requester.language = "zh-hans"
    requester.save(update_fields=["safety_answers", "language"])
    other = party_add_other(
        case=case,
        identity=OTHER_IDENTITY,
        contact_json=json.dumps({"approach": "centre", "detail": OTHER_PHONE}),
    )
    Party.objects.filter(pk=other.pk).update(notified_at=timezone.now(), contacted_via="phone")
    Case.objects.filter(pk=case.pk).update(status=Status.SCREENING)
    case.refresh_from_db()
    return case


def _party(case: Case, role: str) -> Party:
    return Party.objects.get(case=case, role=role)


def _send(
    user: User,
    case: Case,
    partner: Partner,
    items: Sequence[str] = (),
    *,
    role: str = PartyRole.REQUESTER,
    consent_now: bool = True,
    language: str = "zh-hans",
    expected_digest: str = "",
) -> Referral:
    return referral_send(
        user=user,
        reference=case.reference,
        party_id=_party(case, role).pk,
        partner_id=partner.pk,
        items=items,
        consent_now=consent_now,
        language=language,
        expected_digest=expected_digest,
    )


def _url(case: Case, name: str = "referral") -> str:
    return reverse(f"cases:{name}", kwargs={"reference": case.reference})
