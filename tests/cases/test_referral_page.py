"""The referral page: choosing what to send, the preview, sending, withdrawing, who may refer."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import pytest
from django.core import mail

from mediation.audit.models import AccessEvent, Action, Purpose
from mediation.audit.models import Outcome as EventOutcome
from mediation.cases.models import (
    Case,
    CaseAssignment,
    Partner,
    PartnerKind,
    Party,
    PartyRole,
    Referral,
    ReferralItem,
)
from mediation.cases.referral_packet import referral_notice
from mediation.cases.selectors import CaseNotFound
from mediation.consent.models import ConsentPurpose, ConsentRecord
from mediation.consent.services import consent_in_force
from tests.cases.referral_helpers import (
    DESCRIPTION,
    REQUESTER_PHONE,
    SAFETY_MARKER,
    _party,
    _send,
    _url,
    case_in_screening,
)
from tests.conftest import Cast, client_for

# Refusals inside a transaction are kept in the audit context, as in a request.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("web_audit_context")]


@pytest.fixture
def case(cast: Cast) -> Case:
    """A case in screening: a requester with safety answers, and a notified other party."""
    return case_in_screening(cast)


def _choose(party: Party, partner: Partner, items: Sequence[str] = ()) -> dict[str, Any]:
    return {"party": str(party.pk), "partner": str(partner.pk), "items": list(items)}


def test_the_page_lists_parties_partners_and_items(
    cast: Cast, case: Case, partner: Partner
) -> None:
    response = client_for(cast.coordinator).get(_url(case))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Legal Aid (Legal aid)" in text
    assert "Requester" in text
    assert "Other party" in text
    for item in (ReferralItem.LANGUAGE, ReferralItem.CONTACT, ReferralItem.DESCRIPTION):
        assert f'value="{item.value}"' in text
    # Nothing is decrypted on this page.
    assert REQUESTER_PHONE not in text
    assert DESCRIPTION not in text


def test_the_page_shows_only_partners_serving_the_community(
    cast: Cast, case: Case, partner: Partner
) -> None:
    elsewhere = Partner.objects.create(
        slug="hillview-housing",
        name_en="Hillview Housing Advice",
        name_zh="山景住房咨询",
        kind=PartnerKind.HOUSING_ADVICE,
        email="h@example.org",
    )
    elsewhere.communities.add(cast.other_community)
    text = client_for(cast.coordinator).get(_url(case)).content.decode()
    assert "Riverside Legal Aid" in text
    assert "Hillview Housing Advice" not in text


def test_the_preview_shows_exactly_what_will_be_sent_and_the_notice(
    cast: Cast, case: Case, partner: Partner
) -> None:
    client = client_for(cast.coordinator)
    requester = _party(case, PartyRole.REQUESTER)
    response = client.post(
        _url(case), _choose(requester, partner, ["contact"]) | {"action": "preview"}
    )
    text = response.content.decode()

    assert response.status_code == 200
    assert REQUESTER_PHONE in text
    assert DESCRIPTION not in text
    assert SAFETY_MARKER not in text
    assert referral_notice(partner).text_in("en") in text
    assert referral_notice(partner).text_in("zh-hans") in text
    assert response.context["preview"].packet.digest in text
    assert mail.outbox == []
    assert not Referral.objects.exists()
    viewed = AccessEvent.objects.get(action=Action.VIEW, object_id=str(case.pk))
    assert viewed.purpose == Purpose.TRIAGE


def test_sending_from_the_page_needs_their_agreement_then_sends(
    cast: Cast, case: Case, partner: Partner
) -> None:
    client = client_for(cast.coordinator)
    requester = _party(case, PartyRole.REQUESTER)
    chosen = _choose(requester, partner, ["language"])
    digest = (
        client.post(_url(case), chosen | {"action": "preview"}).context["preview"].packet.digest
    )

    unconfirmed = client.post(_url(case), chosen | {"action": "send", "digest": digest})
    assert unconfirmed.status_code == 400
    assert "confirm that they agreed" in unconfirmed.content.decode()
    assert mail.outbox == []

    sent = client.post(
        _url(case),
        chosen | {"action": "send", "digest": digest, "agreed": "on", "notice_language": "zh-hans"},
        follow=True,
    )
    text = sent.content.decode()
    assert sent.redirect_chain[-1][0] == _url(case)
    assert "The referral was sent to Riverside Legal Aid" in text
    assert len(mail.outbox) == 1
    referral = Referral.objects.get()
    assert referral.shared == ["category", "language"]
    assert hashlib.sha256(mail.outbox[0].body.encode()).hexdigest() == digest
    # The history lists it, and the consent is on record with a way to withdraw it.
    assert "Their preferred language" in text
    assert "They withdrew this consent" in text


def test_the_page_explains_a_refusal(cast: Cast, case: Case, partner: Partner) -> None:
    client = client_for(cast.coordinator)
    other = _party(case, PartyRole.OTHER_PARTY)
    response = client.post(
        _url(case), _choose(other, partner, ["description"]) | {"action": "preview"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "only in a referral of the requester" in response.content.decode()


def test_the_page_withdraws_a_consent_when_the_party_says_so(
    cast: Cast, case: Case, partner: Partner
) -> None:
    _send(cast.coordinator, case, partner)
    requester = _party(case, PartyRole.REQUESTER)
    response = client_for(cast.coordinator).post(
        _url(case, "referral_withdraw"),
        {"party": str(requester.pk), "partner": str(partner.pk)},
        follow=True,
    )
    assert "their consent is withdrawn" in response.content.decode()
    assert not consent_in_force(
        party_id=requester.pk,
        purpose=ConsentPurpose.REFERRAL,
        scope="partner:riverside-legal-aid",
    )


@pytest.mark.parametrize("persona", ["mediator", "other_mediator", "privacy_officer", "outsider"])
def test_only_the_cases_coordinators_may_refer(
    cast: Cast, case: Case, partner: Partner, persona: str
) -> None:
    user = getattr(cast, persona)
    if persona == "mediator":
        # Even a mediator assigned to the case: referring is the coordinators' work.
        CaseAssignment.objects.create(case=case, mediator=user, role="lead")
    client = client_for(user)
    requester = _party(case, PartyRole.REQUESTER)
    chosen = _choose(requester, partner, ["contact", "description"])

    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), chosen | {"action": "preview"}).status_code == 404
    sent = client.post(
        _url(case),
        chosen | {"action": "send", "digest": "0" * 64, "agreed": "on", "notice_language": "en"},
    )
    assert sent.status_code == 404
    withdrawn = client.post(
        _url(case, "referral_withdraw"), {"party": str(requester.pk), "partner": str(partner.pk)}
    )
    assert withdrawn.status_code == 404
    with pytest.raises(CaseNotFound):
        _send(user, case, partner, ["contact"])

    assert mail.outbox == []
    assert not Referral.objects.exists()
    assert not ConsentRecord.objects.filter(purpose=ConsentPurpose.REFERRAL).exists()
    assert not AccessEvent.objects.filter(
        actor_id=str(user.pk), outcome=EventOutcome.SUCCESS, object_id=str(case.pk)
    ).exists()
