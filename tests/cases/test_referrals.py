"""Referral to a partner organisation: consent per partner, a minimal packet, what was sent.

The referral page (preview, sending, withdrawing, who may refer) is in ``test_referral_page.py``.
"""

from __future__ import annotations

import hashlib
import json
import smtplib
from typing import Any

import pytest
from django.core import mail

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, Channel, Purpose
from mediation.audit.models import Outcome as EventOutcome
from mediation.cases import referral_services
from mediation.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    Partner,
    PartnerKind,
    Party,
    PartyRole,
    Referral,
    ReferralItem,
    Status,
)
from mediation.cases.referral_packet import ReferralRefused, referral_notice
from mediation.cases.referral_services import (
    REFERRAL_OBJECT_TYPE,
    referral_consent_withdraw,
)
from mediation.cases.workflow import TransitionRefused, case_transition
from mediation.consent.models import ConsentMethod, ConsentPurpose, ConsentRecord
from mediation.consent.notices import CONTACT_NOTICE, REFERRAL_NOTICE
from mediation.consent.services import consent_in_force, consent_record, consents_in_force
from tests.cases.referral_helpers import (
    DESCRIPTION,
    OTHER_IDENTITY,
    OTHER_PHONE,
    REQUESTER_PHONE,
    SAFETY_MARKER,
    _party,
    _send,
    _url,
    case_in_screening,
)
from tests.conftest import Cast, client_for
from tests.factories import CommunityFactory

# Refusals inside a transaction are kept in the audit context, as in a request.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("web_audit_context")]


@pytest.fixture
def case(cast: Cast) -> Case:
    """A case in screening: a requester with safety answers, and a notified other party."""
    return case_in_screening(cast)


# ---- consent -------------------------------------------------------------


def test_a_referral_without_consent_is_refused(cast: Cast, case: Case, partner: Partner) -> None:
    with pytest.raises(ReferralRefused, match="have not agreed"):
        _send(cast.coordinator, case, partner, consent_now=False)

    assert not Referral.objects.exists()
    assert mail.outbox == []
    assert not ConsentRecord.objects.filter(purpose=ConsentPurpose.REFERRAL).exists()
    assert not CaseEvent.objects.filter(kind=EventKind.REFERRAL_SENT).exists()


def test_a_refused_referral_is_logged_after_the_rollback(
    cast: Cast, case: Case, partner: Partner
) -> None:
    with audit_context(channel=Channel.WEB), pytest.raises(ReferralRefused):
        _send(cast.coordinator, case, partner, consent_now=False)

    refused = AccessEvent.objects.get(action=Action.EXPORT, outcome=EventOutcome.REFUSED)
    assert (refused.object_type, refused.object_id) == ("case", str(case.pk))
    assert refused.purpose == Purpose.TRIAGE


def test_consent_now_records_a_verbal_consent_naming_the_partner(
    cast: Cast, case: Case, partner: Partner
) -> None:
    _send(cast.coordinator, case, partner, language="zh-hans")

    record = ConsentRecord.objects.get(purpose=ConsentPurpose.REFERRAL)
    requester = _party(case, PartyRole.REQUESTER)
    assert record.party_id == requester.pk
    assert record.scope == "partner:riverside-legal-aid"
    assert (record.given, record.method, record.recorded_by_id) == (
        True,
        ConsentMethod.VERBAL,
        cast.coordinator.pk,
    )
    assert (record.language, record.notice_version) == ("zh-hans", REFERRAL_NOTICE.version)
    notice = referral_notice(partner)
    text = notice.text_in("zh-hans")
    assert "河畔法律援助中心" in text
    assert "%(partner)s" not in text
    assert record.notice_digest == hashlib.sha256(text.encode()).hexdigest()
    assert consent_in_force(
        party_id=requester.pk, purpose=ConsentPurpose.REFERRAL, scope=record.scope
    )


def test_the_notice_names_the_partner_in_the_language_it_is_read_in(partner: Partner) -> None:
    notice = referral_notice(partner)
    assert "Riverside Legal Aid" in notice.text_in("en")
    assert "河畔法律援助中心" not in notice.text_in("en")
    assert notice.digest("en") != notice.digest("zh-hans")


def test_a_referral_consent_must_name_its_partner(case: Case) -> None:
    with pytest.raises(ValueError, match="name the partner"):
        consent_record(
            party_id=_party(case, PartyRole.REQUESTER).pk,
            notice=REFERRAL_NOTICE,
            given=True,
            language="en",
            method=ConsentMethod.WEB_FORM,
        )


def test_a_consent_on_record_is_enough_and_is_not_recorded_again(
    cast: Cast, case: Case, partner: Partner
) -> None:
    _send(cast.coordinator, case, partner)
    _send(cast.coordinator, case, partner, consent_now=False)

    assert Referral.objects.count() == 2
    assert ConsentRecord.objects.filter(purpose=ConsentPurpose.REFERRAL).count() == 1


def test_consent_for_one_partner_does_not_cover_another(
    cast: Cast, case: Case, partner: Partner
) -> None:
    other = Partner.objects.create(
        slug="riverside-social",
        name_en="Riverside Social Services",
        name_zh="河畔社会服务",
        kind=PartnerKind.SOCIAL_SERVICES,
        email="intake@social.example.org",
    )
    other.communities.add(cast.community)
    _send(cast.coordinator, case, partner)

    with pytest.raises(ReferralRefused, match="have not agreed"):
        _send(cast.coordinator, case, other, consent_now=False)


def test_a_withdrawn_consent_blocks_the_referral(cast: Cast, case: Case, partner: Partner) -> None:
    _send(cast.coordinator, case, partner)
    requester = _party(case, PartyRole.REQUESTER)
    withdrawn = referral_consent_withdraw(
        user=cast.coordinator,
        reference=case.reference,
        party_id=requester.pk,
        partner_id=partner.pk,
    )

    assert withdrawn == 1
    with pytest.raises(ReferralRefused, match="have not agreed"):
        _send(cast.coordinator, case, partner, consent_now=False)
    assert Referral.objects.count() == 1
    # What was already sent stays recorded.
    assert ConsentRecord.objects.get(purpose=ConsentPurpose.REFERRAL).withdrawn_at is not None


def test_consents_to_share_are_apart_from_the_per_purpose_answers(
    case: Case, partner: Partner, cast: Cast
) -> None:
    requester = _party(case, PartyRole.REQUESTER)
    consent_record(
        party_id=requester.pk,
        notice=CONTACT_NOTICE,
        given=True,
        language="en",
        method=ConsentMethod.WEB_FORM,
    )
    _send(cast.coordinator, case, partner)

    # The resident's page lists purposes; a consent limited to one partner is not "referral".
    assert consents_in_force(party_id=requester.pk) == {"contact": True}


# ---- the packet ----------------------------------------------------------


def test_the_packet_holds_exactly_the_chosen_items(
    cast: Cast, case: Case, partner: Partner
) -> None:
    _send(cast.coordinator, case, partner, [ReferralItem.LANGUAGE, ReferralItem.CONTACT])

    (message,) = mail.outbox
    body = message.body
    assert message.to == ["referrals@legal-aid.example.org"]
    assert "Riverside Legal Aid" in body
    assert "The kind of dispute:\nNeighbours" in body
    assert "Their preferred language:\nSimplified Chinese" in body
    assert f"Phone or text message: {REQUESTER_PHONE}" in body
    assert "Safe and convenient times: Evenings" in body
    assert DESCRIPTION not in body
    assert "fence" not in body.lower()
    for never in (SAFETY_MARKER, OTHER_IDENTITY, OTHER_PHONE, case.reference):
        assert never not in body
        assert never not in message.subject


def test_the_kind_of_dispute_is_always_sent_and_nothing_else_unless_chosen(
    cast: Cast, case: Case, partner: Partner
) -> None:
    referral = _send(cast.coordinator, case, partner, [])

    body = mail.outbox[0].body
    assert referral.shared == ["category"]
    assert "Neighbours" in body
    for absent in (REQUESTER_PHONE, "Simplified Chinese", DESCRIPTION, SAFETY_MARKER):
        assert absent not in body


def test_the_description_is_sent_as_given_when_chosen(
    cast: Cast, case: Case, partner: Partner
) -> None:
    referral = _send(cast.coordinator, case, partner, [ReferralItem.DESCRIPTION])

    body = mail.outbox[0].body
    assert DESCRIPTION in body  # as written: plain text, "&" not escaped
    assert referral.shared == ["category", "description"]
    assert REQUESTER_PHONE not in body


def test_the_packet_is_in_the_partners_language(cast: Cast, case: Case, partner: Partner) -> None:
    Partner.objects.filter(pk=partner.pk).update(language="zh-hans")
    partner.refresh_from_db()
    _send(cast.coordinator, case, partner, [ReferralItem.LANGUAGE])
    assert "河畔法律援助中心" in mail.outbox[0].body


def test_the_digest_is_of_the_exact_email_body(cast: Cast, case: Case, partner: Partner) -> None:
    referral = _send(cast.coordinator, case, partner, [ReferralItem.CONTACT])

    referral.refresh_from_db()
    body = mail.outbox[0].body
    assert referral.packet_digest == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert referral.shared == ["category", "contact"]
    assert (referral.party.role, referral.partner, referral.sent_by) == (
        PartyRole.REQUESTER,
        partner,
        cast.coordinator,
    )
    # The centre keeps no copy: nothing of the packet is stored beside the digest.
    stored = json.dumps(
        list(Referral.objects.filter(pk=referral.pk).values()), default=str, ensure_ascii=False
    )
    assert REQUESTER_PHONE not in stored


def test_the_other_partys_referral_never_holds_the_requesters_description(
    cast: Cast, case: Case, partner: Partner
) -> None:
    with pytest.raises(ReferralRefused, match="requester's"):
        _send(
            cast.coordinator, case, partner, [ReferralItem.DESCRIPTION], role=PartyRole.OTHER_PARTY
        )
    assert mail.outbox == []


def test_the_other_partys_contact_is_only_their_own_choice(
    cast: Cast, case: Case, partner: Partner
) -> None:
    # How the requester said to reach them is the requester's account, not theirs to share.
    with pytest.raises(ReferralRefused, match="not chosen a way to be contacted"):
        _send(cast.coordinator, case, partner, [ReferralItem.CONTACT], role=PartyRole.OTHER_PARTY)

    referral = _send(cast.coordinator, case, partner, [], role=PartyRole.OTHER_PARTY)
    body = mail.outbox[0].body
    assert referral.shared == ["category"]
    for never in (OTHER_PHONE, OTHER_IDENTITY, REQUESTER_PHONE, DESCRIPTION, SAFETY_MARKER):
        assert never not in body


def test_the_other_party_must_be_told_what_is_held_first(
    cast: Cast, case: Case, partner: Partner
) -> None:
    Party.objects.filter(case=case, role=PartyRole.OTHER_PARTY).update(notified_at=None)
    with pytest.raises(ReferralRefused, match="First tell the other party"):
        _send(cast.coordinator, case, partner, role=PartyRole.OTHER_PARTY)


def test_items_outside_the_list_are_refused(cast: Cast, case: Case, partner: Partner) -> None:
    with pytest.raises(ReferralRefused, match="only from the items listed"):
        _send(cast.coordinator, case, partner, ["safety_answers"])
    assert mail.outbox == []


# ---- partners ------------------------------------------------------------


def test_a_partner_not_serving_the_community_is_refused(
    cast: Cast, case: Case, partner: Partner
) -> None:
    partner.communities.set([CommunityFactory()])
    with pytest.raises(ReferralRefused, match="does not serve this community"):
        _send(cast.coordinator, case, partner)
    assert not Referral.objects.exists()
    assert not ConsentRecord.objects.filter(purpose=ConsentPurpose.REFERRAL).exists()


def test_an_inactive_partner_is_refused(cast: Cast, case: Case, partner: Partner) -> None:
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    with pytest.raises(ReferralRefused, match="not taking referrals"):
        _send(cast.coordinator, case, partner)
    assert mail.outbox == []


def test_a_closed_case_sends_nothing(cast: Cast, case: Case, partner: Partner) -> None:
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    with pytest.raises(ReferralRefused, match="closed"):
        _send(cast.coordinator, case, partner)


def test_a_failed_email_records_nothing(
    cast: Cast, case: Case, partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(referral_services, "send_mail", broken)
    with audit_context(channel=Channel.WEB), pytest.raises(ReferralRefused, match="not be sent"):
        _send(cast.coordinator, case, partner, [ReferralItem.CONTACT])

    assert not Referral.objects.exists()
    assert not ConsentRecord.objects.filter(purpose=ConsentPurpose.REFERRAL).exists()
    assert not CaseEvent.objects.filter(kind=EventKind.REFERRAL_SENT).exists()
    assert AccessEvent.objects.filter(action=Action.EXPORT, outcome=EventOutcome.FAILED).exists()
    assert not AccessEvent.objects.filter(
        action=Action.EXPORT, outcome=EventOutcome.SUCCESS
    ).exists()


def test_a_packet_that_changed_since_it_was_checked_is_not_sent(
    cast: Cast, case: Case, partner: Partner
) -> None:
    with pytest.raises(ReferralRefused, match="changed since you checked"):
        _send(cast.coordinator, case, partner, [ReferralItem.LANGUAGE], expected_digest="0" * 64)
    assert mail.outbox == []


# ---- records -------------------------------------------------------------


def test_a_referral_writes_a_timeline_event_and_an_export_event(
    cast: Cast, case: Case, partner: Partner
) -> None:
    referral = _send(cast.coordinator, case, partner, [ReferralItem.LANGUAGE])

    event = CaseEvent.objects.get(case=case, kind=EventKind.REFERRAL_SENT)
    assert (event.actor, event.subject_id) == (cast.coordinator, referral.pk)
    export = AccessEvent.objects.get(action=Action.EXPORT, outcome=EventOutcome.SUCCESS)
    assert (export.object_type, export.object_id) == (REFERRAL_OBJECT_TYPE, str(referral.pk))
    assert (export.actor_id, export.actor_role) == (str(cast.coordinator.pk), "coordinator")
    assert (export.purpose, export.community_id) == (Purpose.TRIAGE, case.community_id)
    # Residents see the case's accesses; the other party must not see a packet leave.
    assert not AccessEvent.objects.filter(
        object_type="case", object_id=str(case.pk), action=Action.EXPORT
    ).exists()


# ---- closing as referred -------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.SCREENING])
def test_closing_as_referred_needs_a_referral(
    cast: Cast, case: Case, partner: Partner, status: str
) -> None:
    Case.objects.filter(pk=case.pk).update(status=status)
    with pytest.raises(TransitionRefused, match="Send the referral"):
        case_transition(
            user=cast.coordinator,
            reference=case.reference,
            target=Status.CLOSED,
            outcome="referred",
            reason="referred",
        )

    _send(cast.coordinator, case, partner)
    case_transition(
        user=cast.coordinator,
        reference=case.reference,
        target=Status.CLOSED,
        outcome="referred",
        reason="referred",
    )
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "referred")


def test_the_reason_referred_also_needs_a_referral(cast: Cast, case: Case) -> None:
    with pytest.raises(TransitionRefused, match="Send the referral"):
        case_transition(
            user=cast.coordinator,
            reference=case.reference,
            target=Status.CLOSED,
            outcome="declined",
            reason="referred",
        )


def test_the_case_page_offers_closing_as_referred(cast: Cast, case: Case) -> None:
    response = client_for(cast.coordinator).get(_url(case, "detail"))
    assert 'value="referred"' in response.content.decode()
