"""What a signed-in resident can do: add information, change contact, withdraw consent,
download their own data (never the other party's), ask for erasure."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mediation.accounts.models import Role
from mediation.audit.models import AccessEvent, Action, ActorType
from mediation.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    Partner,
    PartnerKind,
    Party,
    PartyRole,
    Referral,
    Statement,
)
from mediation.cases.references import display
from mediation.consent.models import ConsentMethod, ConsentPurpose, ConsentRecord, partner_scope
from mediation.consent.notices import REFERRAL_NOTICE
from mediation.consent.services import consent_in_force, consent_record
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from mediation.privacy.models import DataSubjectRequest
from tests.conftest import client_for
from tests.factories import CommunityFactory, staff_with_role
from tests.intake.journey import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident():
    """A resident who sent a request and signed in to their status page."""
    community = CommunityFactory()
    client = Client()
    answer_all(
        client,
        community.pk,
        **{
            "other-party": {
                "identity": "Mr Other Person",
                "approach": "centre",
                "contact": "13800000000",
            }
        },
    )
    code = client.post("/request/send/").context["status_code"]
    case = Case.objects.select_related("data_key").get()
    signed_in = client.post("/status/", {"reference": display(case.reference), "code": code})
    assert signed_in.status_code == 302
    return client, case


def _requester(case: Case) -> Party:
    return Party.objects.get(case=case, role=PartyRole.REQUESTER)


def _contact(case: Case) -> dict:
    party = _requester(case)
    return json.loads(fields.decrypt(party, "contact", CaseCipher.for_data_key(case.data_key)))


def test_adding_information_stores_it_encrypted_and_logs_it(resident) -> None:
    client, case = resident
    response = client.post("/status/case/add/", {"text": "He came round again on Sunday."})
    assert response["Location"] == "/status/case/"
    statement = Statement.objects.get()
    assert b"Sunday" not in bytes(statement.text)
    cipher = CaseCipher.for_data_key(case.data_key)
    assert fields.decrypt(statement, "text", cipher) == "He came round again on Sunday."
    assert statement.party == _requester(case)
    assert (
        AccessEvent.objects.filter(actor_type=ActorType.RESIDENT, action=Action.UPDATE).count() == 1
    )
    assert "has been added" in client.get("/status/case/").content.decode()


def test_empty_or_bad_information_gets_a_clear_error(resident) -> None:
    client, _case = resident
    assert (
        "Write what you would like to add."
        in client.post("/status/case/add/", {"text": ""}).content.decode()
    )
    assert client.post("/status/case/add/", {"text": "a\x00b"}).status_code == 400
    assert Statement.objects.count() == 0


def test_changing_contact_replaces_it_and_records_consent(resident) -> None:
    client, case = resident
    response = client.post(
        "/status/case/contact/",
        {"channel": "phone", "detail": "+86 138 0000 0000", "times": ["mornings"], "consent": "on"},
    )
    assert response.status_code == 302
    assert _contact(case) == {
        "channel": "phone",
        "detail": "+86 138 0000 0000",
        "times": ["mornings"],
    }
    contact_consents = ConsentRecord.objects.filter(party_id=_requester(case).pk, purpose="contact")
    assert [c.withdrawn_at is None for c in contact_consents.order_by("recorded_at")] == [
        False,
        True,
    ]


def test_a_channel_without_consent_is_refused(resident) -> None:
    client, case = resident
    response = client.post(
        "/status/case/contact/", {"channel": "phone", "detail": "+86 138 0000 0000"}
    )
    assert response.status_code == 400
    assert "Tick the box to agree to be contacted" in response.content.decode()
    assert _contact(case)["channel"] == "email"


def test_withdrawing_contact_consent_deletes_the_channel_for_good(resident) -> None:
    client, case = resident
    page = client.get("/status/case/consent/contact/withdraw/").content.decode()
    assert "never contact you again" in page  # the consequence, before confirming
    assert _contact(case)["channel"] == "email"
    client.post("/status/case/consent/contact/withdraw/")
    assert _contact(case) == {"channel": "none", "detail": "", "times": []}
    record = ConsentRecord.objects.get(party_id=_requester(case).pk, purpose="contact")
    assert record.withdrawn_at is not None
    assert "Not given or withdrawn" in client.get("/status/case/").content.decode()


def _consent_to_share(party: Party, partner: Partner, *, given: bool = True) -> None:
    by = staff_with_role(Role.COORDINATOR, party.case.community, f"coordinator-{partner.slug}").pk
    notice = REFERRAL_NOTICE.naming(
        scope=partner_scope(partner.slug), names={"en": partner.name_en, "zh-hans": partner.name_zh}
    )
    consent_record(
        party_id=party.pk,
        notice=notice,
        given=given,
        language="en",
        method=ConsentMethod.VERBAL,
        recorded_by_id=by,
    )


def test_a_consent_to_share_with_a_partner_can_be_withdrawn_on_the_status_page(
    resident,
) -> None:
    client, case = resident
    party = _requester(case)
    kinds = {"kind": PartnerKind.LEGAL_AID, "email": "referrals@example.org"}
    legal = Partner.objects.create(
        slug="legal-aid", name_en="Legal Aid", name_zh="法律援助", **kinds
    )
    housing = Partner.objects.create(slug="housing", name_en="Housing", name_zh="住房", **kinds)
    declined = Partner.objects.create(slug="declined", name_en="Declined", name_zh="拒", **kinds)
    _consent_to_share(party, legal)
    _consent_to_share(party, housing)
    _consent_to_share(party, declined, given=False)
    page = client.get("/status/case/").content.decode()
    assert "Sharing with Legal Aid" in page
    assert "Sharing with Housing" in page
    assert "Declined" not in page  # a refusal is not a consent to withdraw
    assert client.get("/status/case/sharing/declined/withdraw/").status_code == 404
    events_before = AccessEvent.objects.filter(action=Action.UPDATE).count()

    confirm = client.get("/status/case/sharing/legal-aid/withdraw/").content.decode()
    assert "will not share anything more about you with Legal Aid" in confirm
    assert "What was already shared stays with them" in confirm
    assert client.post("/status/case/sharing/legal-aid/withdraw/")["Location"] == "/status/case/"

    assert not consent_in_force(
        party_id=party.pk, purpose=ConsentPurpose.REFERRAL, scope=partner_scope("legal-aid")
    )
    assert consent_in_force(
        party_id=party.pk, purpose=ConsentPurpose.REFERRAL, scope=partner_scope("housing")
    )
    assert AccessEvent.objects.filter(action=Action.UPDATE).count() == events_before + 1
    page = client.get("/status/case/").content.decode()
    assert "Sharing with Legal Aid" not in page
    assert "Sharing with Housing" in page
    # Withdrawn already: nothing left to withdraw.
    assert client.post("/status/case/sharing/legal-aid/withdraw/").status_code == 404


def test_the_other_partys_consent_to_share_is_not_on_the_residents_page(resident) -> None:
    client, case = resident
    other = Party.objects.get(case=case, role=PartyRole.OTHER_PARTY)
    partner = Partner.objects.create(
        slug="victim-support",
        name_en="Victim Support",
        name_zh="受害者支援",
        kind=PartnerKind.VICTIM_SUPPORT,
        email="referrals@example.org",
    )
    _consent_to_share(other, partner)
    assert "Victim Support" not in client.get("/status/case/").content.decode()
    assert client.get("/status/case/sharing/victim-support/withdraw/").status_code == 404
    assert consent_in_force(
        party_id=other.pk, purpose=ConsentPurpose.REFERRAL, scope=partner_scope("victim-support")
    )


def test_withdrawing_consent_to_mediation_tells_the_staff_on_the_case_page(resident) -> None:
    client, case = resident
    coordinator = client_for(staff_with_role(Role.COORDINATOR, case.community, "coordinator-w"))
    page = client.get("/status/case/consent/mediation/withdraw/").content.decode()
    assert "a coordinator will close your case" in page  # said before confirming
    warning = "A party withdrew their consent to mediation"
    assert warning not in coordinator.get(f"/cases/{case.reference}/").content.decode()

    client.post("/status/case/consent/mediation/withdraw/")

    event = CaseEvent.objects.get(case=case, kind=EventKind.CONSENT_WITHDRAWN)
    assert (event.subject_id, event.actor_id) == (_requester(case).pk, None)
    staff_page = coordinator.get(f"/cases/{case.reference}/").content.decode()
    assert f"{warning} on " in staff_page
    assert "Stop working on the case, and withdraw or close it." in staff_page
    # Withdrawing again finds nothing open: no second event.
    client.post("/status/case/consent/mediation/withdraw/")
    assert CaseEvent.objects.filter(kind=EventKind.CONSENT_WITHDRAWN).count() == 1


def test_withdrawing_another_consent_puts_nothing_on_the_timeline(resident) -> None:
    client, case = resident
    client.post("/status/case/consent/statistics/withdraw/")
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.CONSENT_WITHDRAWN).exists()


def test_an_unknown_consent_purpose_is_404(resident) -> None:
    client, _case = resident
    assert client.get("/status/case/consent/surveillance/withdraw/").status_code == 404
    assert client.get("/status/case/consent/referral/withdraw/").status_code == 404


def test_the_download_holds_this_persons_data_and_not_the_other_partys(resident) -> None:
    client, _case = resident
    client.post("/status/case/add/", {"text": "More detail."})
    response = client.post("/status/case/download/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["what_happened"] == "The dog next door barks all night."
    assert data["contact"]["detail"] == "li.wei@example.org"
    assert [s["text"] for s in data["added_information"]] == ["More detail."]
    assert {c["purpose"] for c in data["consents"]} == {"mediation", "contact", "statistics"}
    text = response.content.decode()
    assert "Mr Other Person" not in text
    assert "13800000000" not in text
    assert AccessEvent.objects.filter(action=Action.DOWNLOAD).count() == 1


def test_the_download_names_the_partners_this_person_was_referred_to(resident) -> None:
    client, case = resident
    partner = Partner.objects.create(
        slug="legal-aid",
        name_en="Riverside Legal Aid",
        name_zh="河畔法律援助",
        email="a@example.org",
    )
    other = Party.objects.filter(case=case, role=PartyRole.OTHER_PARTY).first()
    staff = staff_with_role(Role.COORDINATOR, case.community, "referrer")
    Referral.objects.create(
        case=case, party=_requester(case), partner=partner, shared=["category"], sent_by=staff
    )
    if other is not None:
        elsewhere = Partner.objects.create(
            slug="police", name_en="Riverside Police", name_zh="警察", email="p@example.org"
        )
        Referral.objects.create(
            case=case, party=other, partner=elsewhere, shared=["category"], sent_by=staff
        )
    data = json.loads(client.post("/status/case/download/").content)
    assert [(r["partner"], r["items"]) for r in data["shared_with"]] == [
        ("Riverside Legal Aid", ["category"])
    ]


def test_asking_for_erasure_records_a_request_with_its_deadline(resident) -> None:
    client, case = resident
    client.post("/status/case/erasure/")
    request = DataSubjectRequest.objects.get()
    assert (request.kind, request.state, request.case_id) == ("erasure", "open", case.pk)
    assert (request.due_by - request.received_at.date()).days == 30
    assert "will answer by" in client.get("/status/case/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/status/case/",
        "/status/case/add/",
        "/status/case/contact/",
        "/status/case/consent/contact/withdraw/",
        "/status/case/erasure/",
    ],
)
def test_every_resident_page_needs_the_resident_signed_in(path, resident) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == "/status/"
    assert Client().post("/status/case/download/")["Location"] == "/status/"
