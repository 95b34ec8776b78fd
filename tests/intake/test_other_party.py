"""The other party: the notice, their agreement or refusal, their own reference and code."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mediation.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    Party,
    PartyDecision,
    PartyRole,
    Status,
)
from mediation.cases.references import display
from mediation.cases.services import PERSON_NAME, party_add_other
from mediation.consent.models import ConsentMethod, ConsentRecord
from mediation.consent.notices import OTHER_PARTY_NOTICE
from mediation.privacy.blind_index import blind_index
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

AGREED_NO_CONTACT = {
    "agreed-agreed": "on",
    "language-language": "zh-hans",
    "contact-channel": "none",
    "agreed-name": "",
}


@pytest.fixture
def case(cast: Cast) -> Case:
    case = cast.unassigned_case
    party_add_other(
        case=case,
        identity="The neighbour upstairs",
        contact_json='{"approach": "centre", "detail": "flat 3"}',
    )
    Case.objects.filter(pk=case.pk).update(status=Status.SCREENING)
    case.refresh_from_db()
    return case


def _url(name: str, case: Case) -> str:
    return reverse(f"intake:{name}", kwargs={"reference": case.reference})


def _other(case: Case) -> Party:
    return Party.objects.get(case=case, role=PartyRole.OTHER_PARTY)


def _notified(client: Client, case: Case) -> None:
    client.post(_url("other_party_notified", case), {"notified-method": "phone"})


def test_the_page_gives_the_notice_in_both_languages(cast: Cast, case: Case) -> None:
    response = client_for(cast.coordinator).get(_url("other_party", case))
    text = response.content.decode()
    assert response.status_code == 200
    assert OTHER_PARTY_NOTICE.text_in("en") in text
    assert OTHER_PARTY_NOTICE.text_in("zh-hans") in text
    assert "Record that they were reached and told" in text


def test_recording_the_notice_keeps_how_and_which_version(cast: Cast, case: Case) -> None:
    _notified(client_for(cast.coordinator), case)
    party = _other(case)
    assert party.contacted_via == "phone"
    assert party.notice_version == OTHER_PARTY_NOTICE.version
    assert party.notified_at is not None
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PARTY_NOTIFIED).exists()


def test_agreement_before_the_notice_is_refused(cast: Cast, case: Case) -> None:
    response = client_for(cast.coordinator).post(
        _url("other_party_agreed", case), AGREED_NO_CONTACT, follow=True
    )
    assert "First record how they were reached and told." in response.content.decode()
    assert _other(case).decision == PartyDecision.PENDING


def test_agreement_gives_their_own_reference_and_a_code_shown_once(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    _notified(client, case)
    response = client.post(_url("other_party_agreed", case), AGREED_NO_CONTACT)

    party = _other(case)
    assert response.status_code == 200
    code = response.context["status_code"]
    assert party.reference
    assert party.reference != case.reference
    assert response.context["reference"] == display(party.reference)
    assert (party.decision, party.language) == (PartyDecision.AGREED, "zh-hans")
    consents = ConsentRecord.objects.filter(party_id=party.pk)
    assert {(c.purpose, c.given) for c in consents} == {
        ("mediation", True),
        ("contact", False),
        ("statistics", False),
    }
    assert {(c.method, c.recorded_by_id) for c in consents} == {
        (ConsentMethod.VERBAL, cast.coordinator.pk)
    }
    # The page with the code is not shown again.
    assert code not in client.get(_url("other_party", case)).content.decode()

    resident = Client()
    signed_in = resident.post("/status/", {"reference": party.reference, "code": code})
    assert signed_in.status_code == 302
    assert display(party.reference) in resident.get("/status/case/").content.decode()
    # The case's own reference (the requester's) does not work with their code.
    stranger = Client().post("/status/", {"reference": case.reference, "code": code})
    assert stranger.status_code != 302


def test_agreement_with_email_consent_sends_the_code_and_shows_it_to_nobody(
    cast: Cast, case: Case
) -> None:
    client = client_for(cast.coordinator)
    _notified(client, case)
    response = client.post(
        _url("other_party_agreed", case),
        {
            "agreed-agreed": "on",
            "language-language": "en",
            "contact-channel": "email",
            "contact-detail": "other@example.org",
            "agreed-consents_to_contact": "on",
        },
        follow=True,
    )
    party = _other(case)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["other@example.org"]
    assert display(party.reference) in mail.outbox[0].body
    assert "emailed to them" in response.content.decode()
    assert "status_code" not in (response.context or {})


def test_a_name_is_kept_only_as_a_keyed_hash(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    _notified(client, case)
    client.post(_url("other_party_agreed", case), AGREED_NO_CONTACT | {"agreed-name": "Li  Wei"})
    party = _other(case)
    assert party.name_index == blind_index("li wei", domain=PERSON_NAME)
    assert "Li" not in str(Party.objects.filter(pk=party.pk).values().get())


def test_bad_answers_are_explained_and_nothing_is_recorded(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    _notified(client, case)
    response = client.post(
        _url("other_party_agreed", case),
        {"language-language": "en", "contact-channel": "email", "contact-detail": "not-an-email"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Confirm that they agreed after hearing the notice." in text
    assert "Enter an email address like name@example.com." in text
    assert _other(case).decision == PartyDecision.PENDING


def test_declining_ends_the_case_politely(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    _notified(client, case)
    unconfirmed = client.post(_url("other_party_declined", case), {}, follow=True)
    assert "Confirm that they declined mediation." in unconfirmed.content.decode()

    client.post(_url("other_party_declined", case), {"confirm": "yes"})

    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "other_party_declined")
    assert _other(case).decision == PartyDecision.DECLINED
    refusal = ConsentRecord.objects.get(party_id=_other(case).pk)
    assert (refusal.purpose, refusal.given) == ("mediation", False)


def test_declining_during_sessions_withdraws_the_case(cast: Cast, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=Status.SESSIONS)
    client = client_for(cast.coordinator)
    _notified(client, case)
    client.post(_url("other_party_declined", case), {"confirm": "yes"})
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_a_new_request_must_be_accepted_first(cast: Cast, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=Status.SUBMITTED)
    response = client_for(cast.coordinator).post(
        _url("other_party_notified", case), {"notified-method": "phone"}, follow=True
    )
    assert "Accept the request for mediation first" in response.content.decode()
    assert _other(case).notified_at is None


def test_a_lost_code_is_replaced_and_the_old_one_stops_working(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    _notified(client, case)
    first = client.post(_url("other_party_agreed", case), AGREED_NO_CONTACT).context["status_code"]
    second = client.post(_url("other_party_new_code", case)).context["status_code"]
    reference = _other(case).reference
    assert Client().post("/status/", {"reference": reference, "code": first}).status_code != 302
    assert Client().post("/status/", {"reference": reference, "code": second}).status_code == 302


@pytest.mark.parametrize("persona", ["mediator", "other_mediator", "privacy_officer", "outsider"])
def test_only_the_cases_coordinators_may_approach_the_other_party(
    cast: Cast, case: Case, persona: str
) -> None:
    client = client_for(getattr(cast, persona))
    assert client.get(_url("other_party", case)).status_code == 404
    for name, data in (
        ("other_party_notified", {"notified-method": "phone"}),
        ("other_party_agreed", AGREED_NO_CONTACT),
        ("other_party_declined", {"confirm": "yes"}),
        ("other_party_new_code", {}),
    ):
        assert client.post(_url(name, case), data).status_code == 404
    party = _other(case)
    assert (party.notified_at, party.decision) == (None, PartyDecision.PENDING)
