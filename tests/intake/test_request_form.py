"""The public request form: a case with a non-sequential reference, consent, one event."""

from __future__ import annotations

import pytest
from django.test import Client

from mediation.audit.models import AccessEvent, Action, ActorType, Outcome, Purpose
from mediation.cases.models import Case, Party
from mediation.cases.references import display, normalise
from mediation.consent.models import ConsentMethod, ConsentPurpose, ConsentRecord
from mediation.consent.notices import MEDIATION_NOTICE
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="riverside", name_en="Riverside Centre", name_zh="河畔中心")


def _valid(target, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "community": target.pk,
        "category": "neighbour",
        "description": "The dog next door barks all night.",
        "contact_channel": "email",
        "contact_detail": "li.wei@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_the_form_asks_for_community_and_needs_no_account(community) -> None:
    response = Client().get("/request/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Riverside Centre" in body
    assert 'name="description"' in body
    assert 'name="consent"' in body


def test_submitting_creates_an_encrypted_case_and_shows_its_reference(community) -> None:
    client = Client()
    response = client.post("/request/", _valid(community))
    assert response.status_code == 302
    assert response["Location"] == "/request/confirmation/"
    case = Case.objects.select_related("data_key").get()
    assert normalise(case.reference) == case.reference
    assert (case.community, case.category, case.status, case.intake_channel) == (
        community,
        "neighbour",
        "submitted",
        "web",
    )
    cipher = CaseCipher.for_data_key(case.data_key)
    assert fields.decrypt(case, "description", cipher) == "The dog next door barks all night."
    party = Party.objects.get(case=case)
    assert '"li.wei@example.org"' in (fields.decrypt(party, "contact", cipher) or "")

    confirmation = client.get("/request/confirmation/")
    assert display(case.reference) in confirmation.content.decode()
    # Shown once: the reference is not kept in the session afterwards.
    assert client.get("/request/confirmation/").status_code == 302


def test_the_reference_is_not_in_any_url(community) -> None:
    response = Client().post("/request/", _valid(community), follow=True)
    case = Case.objects.get()
    for url, _status in response.redirect_chain:
        assert case.reference not in url


def test_submission_records_consent_with_the_notice_version(community) -> None:
    Client().post("/request/", _valid(community), HTTP_ACCEPT_LANGUAGE="zh-hans")
    party = Party.objects.get()
    consent = ConsentRecord.objects.get(party_id=party.pk)
    assert (consent.purpose, consent.given, consent.method, consent.notice_version) == (
        ConsentPurpose.MEDIATION,
        True,
        ConsentMethod.WEB_FORM,
        MEDIATION_NOTICE.version,
    )
    assert consent.language == "zh-hans"
    assert consent.notice_digest == MEDIATION_NOTICE.digest("zh-hans")


def test_submission_writes_exactly_one_access_event(community) -> None:
    Client().post("/request/", _valid(community))
    case = Case.objects.get()
    event = AccessEvent.objects.get()
    assert (
        event.actor_type,
        event.action,
        event.outcome,
        event.object_type,
        event.object_id,
        event.purpose,
    ) == (ActorType.ANONYMOUS, Action.CREATE, Outcome.SUCCESS, "case", str(case.pk), Purpose.INTAKE)


def test_each_submission_gets_its_own_valid_reference(community) -> None:
    client = Client()
    for _ in range(5):
        client.post("/request/", _valid(community))
    references = list(Case.objects.order_by("submitted_at").values_list("reference", flat=True))
    assert len(set(references)) == 5
    assert all(normalise(reference) == reference for reference in references)


def test_without_consent_nothing_is_stored_and_typing_is_kept(community) -> None:
    data = _valid(community)
    del data["consent"]
    response = Client().post("/request/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tick the box to agree" in body
    assert "The dog next door barks all night." in body
    assert "li.wei@example.org" in body
    assert Case.objects.count() == 0
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "Tell us what has happened."),
        ({"description": "x" * 5001}, "Shorten your description to 5000 characters"),
        ({"description": "bad\x00byte"}, "Remove the special characters"),
        ({"contact_detail": "not-an-email"}, "Enter an email address like"),
        ({"contact_channel": "phone", "contact_detail": "call me"}, "Enter a phone number"),
        ({"community": "999999"}, "Choose one of the communities listed."),
        ({"category": "surveillance"}, "Choose one of the kinds of dispute listed."),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(community, overrides, message) -> None:
    response = Client().post("/request/", _valid(community, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0


def test_html_in_the_description_is_stored_as_text_and_escaped(community) -> None:
    payload = '<script>alert("x")</script> 你好 🙂'
    client = Client()
    response = client.post("/request/", _valid(community, description=payload, consent=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_no_contact_needs_no_detail(community) -> None:
    response = Client().post(
        "/request/", _valid(community, contact_channel="none", contact_detail="ignored@example.org")
    )
    assert response.status_code == 302
    case = Case.objects.select_related("data_key").get()
    party = Party.objects.get(case=case)
    contact = fields.decrypt(party, "contact", CaseCipher.for_data_key(case.data_key))
    assert contact == '{"channel": "none", "detail": ""}'


def test_mass_assignment_of_status_and_ids_is_ignored(community) -> None:
    response = Client().post(
        "/request/",
        _valid(
            community,
            status="closed",
            id="00000000-0000-0000-0000-000000000001",
            reference="AAAAAAAAAA",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == "submitted"
    assert str(case.id) != "00000000-0000-0000-0000-000000000001"
    assert case.reference != "AAAAAAAAAA"


def test_the_form_is_throttled_per_client_and_the_refusal_logged(community, settings) -> None:
    settings.MEDIATION_REQUEST_FORM_RATE = "2/h"
    client = Client(REMOTE_ADDR="127.0.0.9")
    assert client.post("/request/", _valid(community)).status_code == 302
    assert client.post("/request/", _valid(community)).status_code == 302
    refused = client.post("/request/", _valid(community, description="third try"))
    assert refused.status_code == 429
    assert "third try" in refused.content.decode()
    assert Case.objects.count() == 2
    assert AccessEvent.objects.filter(outcome=Outcome.REFUSED, action=Action.CREATE).count() == 1
    # Another client is not affected.
    assert Client(REMOTE_ADDR="127.0.0.10").post("/request/", _valid(community)).status_code == 302


def test_csrf_is_enforced_on_the_public_form(community) -> None:
    response = Client(enforce_csrf_checks=True).post("/request/", _valid(community))
    assert response.status_code == 403
    assert Case.objects.count() == 0
