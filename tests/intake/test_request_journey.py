"""The request form, one question per page: draft, check answers, send, confirmation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mediation.audit.models import AccessEvent, Action, ActorType, Outcome, Purpose
from mediation.cases.models import Case, Party, PartyRole
from mediation.cases.references import display, normalise
from mediation.cases.status_codes import code_matches
from mediation.consent.models import ConsentRecord
from mediation.consent.notices import CONTACT_NOTICE, MEDIATION_NOTICE, STATISTICS_NOTICE
from mediation.intake.models import RequestDraft
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from tests.factories import CommunityFactory
from tests.intake.journey import answer_all, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="riverside", name_en="Riverside Centre", name_zh="河畔中心")


def _send(client: Client):
    return client.post("/request/send/")


def test_the_first_question_is_at_request(community) -> None:
    response = Client().get("/request/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Which community or mediation centre are you asking?" in body
    assert "Riverside Centre" in body
    assert 'href="/"' in body  # back link to the start page
    assert "Quick exit" in body


def test_each_answer_leads_to_the_next_question(community) -> None:
    client = Client()
    response = client.post("/request/", {"community": community.pk})
    assert response["Location"] == "/request/dispute/"
    response = client.post("/request/dispute/", {"category": "family"})
    assert response["Location"] == "/request/what-happened/"
    # Going back shows the earlier answer again.
    assert (
        'value="family" id="id_category_1" checked'
        in client.get("/request/dispute/").content.decode()
    )


def test_a_complete_journey_creates_an_encrypted_case_and_shows_the_code_once(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    response = _send(client)
    assert response.status_code == 200
    body = response.content.decode()

    case = Case.objects.select_related("data_key").get()
    assert display(case.reference) in body
    code = response.context["status_code"]
    assert code in body
    assert len(code.replace("-", "")) == 20
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    assert code_matches(code, requester.status_code_hash)
    assert code.replace("-", "") not in requester.status_code_hash
    assert requester.language == "zh-hans"

    cipher = CaseCipher.for_data_key(case.data_key)
    assert fields.decrypt(case, "description", cipher) == "The dog next door barks all night."
    contact = json.loads(fields.decrypt(requester, "contact", cipher) or "")
    assert contact == {"channel": "email", "detail": "li.wei@example.org", "times": ["evenings"]}
    other = Party.objects.get(case=case, role=PartyRole.OTHER_PARTY)
    assert fields.decrypt(other, "identity", cipher) == "the family in the flat above"
    assert case.safety_flagged is False
    assert normalise(case.reference) == case.reference

    # The draft is gone; sending again does not make a second case.
    assert RequestDraft.objects.count() == 0
    again = _send(client)
    assert again.status_code == 409
    assert Case.objects.count() == 1


def test_each_consent_is_recorded_with_its_notice_version(community) -> None:
    client = Client()
    answer_all(client, community.pk, consent={"mediation": "on", "contact": "on"})
    _send(client)
    party = Party.objects.get(role=PartyRole.REQUESTER)
    records = {r.purpose: r for r in ConsentRecord.objects.filter(party_id=party.pk)}
    assert {purpose: r.given for purpose, r in records.items()} == {
        "mediation": True,
        "contact": True,
        "statistics": False,
    }
    assert records["mediation"].notice_version == MEDIATION_NOTICE.version
    assert records["contact"].notice_digest == CONTACT_NOTICE.digest("en")
    assert records["statistics"].notice_version == STATISTICS_NOTICE.version


def test_choosing_not_to_be_contacted_needs_no_contact_consent(community) -> None:
    client = Client()
    answer_all(
        client,
        community.pk,
        contact={"channel": "none", "detail": "ignored@example.org"},
        consent={"mediation": "on"},
    )
    response = _send(client)
    assert "You asked not to be contacted" in response.content.decode()
    party = Party.objects.get(role=PartyRole.REQUESTER)
    assert not ConsentRecord.objects.filter(party_id=party.pk, purpose="contact").exists()
    case = Case.objects.select_related("data_key").get()
    contact = fields.decrypt(party, "contact", CaseCipher.for_data_key(case.data_key))
    assert json.loads(contact or "") == {"channel": "none", "detail": "", "times": []}


def test_a_yes_to_a_safety_question_routes_to_screening_and_shows_help(community) -> None:
    client = Client()
    answer_all(
        client, community.pk, safety={"violence": "no", "threats": "yes", "fear": "prefer_not"}
    )
    help_page = client.get("/request/safety/help/").content.decode()
    assert "If you are in danger now" in help_page
    response = _send(client)
    assert "trained in safety screening" in response.content.decode()
    case = Case.objects.get()
    assert case.safety_flagged is True


def test_the_submission_writes_one_access_event(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    _send(client)
    event = AccessEvent.objects.get()
    assert (event.actor_type, event.action, event.outcome, event.purpose) == (
        ActorType.ANONYMOUS,
        Action.CREATE,
        Outcome.SUCCESS,
        Purpose.INTAKE,
    )
    assert event.object_id == str(Case.objects.get().pk)


def test_check_answers_lists_every_answer_with_a_change_link(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    body = client.get("/request/check/").content.decode()
    for expected in (
        "Riverside Centre",
        "Neighbours",
        "The dog next door barks all night.",
        "the family in the flat above",
        "li.wei@example.org",
        "Evenings",
        "简体中文",
    ):
        assert expected in body
    assert body.count("?change=1") == 7


def test_changing_an_answer_returns_to_check_answers(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    response = client.post("/request/dispute/?change=1", {"category": "family"})
    assert response["Location"] == "/request/check/"
    assert "Family" in client.get("/request/check/").content.decode()


def test_check_answers_sends_you_to_the_first_missing_question(community) -> None:
    client = Client()
    client.post("/request/", {"community": community.pk})
    response = client.get("/request/check/")
    assert response["Location"] == "/request/dispute/"


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("community", {}, "Choose the community or centre you are asking."),
        ("community", {"community": "99999"}, "Choose one of the communities listed."),
        ("dispute", {"category": "surveillance"}, "Choose one of the kinds of dispute listed."),
        ("what-happened", {"description": ""}, "Tell us what has happened."),
        ("what-happened", {"description": "x" * 5001}, "Shorten your description to 5000"),
        ("what-happened", {"description": "bad\x07bell"}, "Remove the special characters"),
        ("other-party", {"identity": "x"}, "Choose how the other person should hear"),
        ("contact", {"channel": "email", "detail": "nope"}, "Enter an email address like"),
        ("contact", {"channel": "phone", "detail": "call me"}, "Enter a phone number"),
        ("safety", {"violence": "no"}, "Answer whether the other person has threatened you."),
        ("consent", {}, "Tick the box to agree, or the centre cannot process"),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(
    community, slug, data, message
) -> None:
    response = Client().post(step_url(slug), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "There is a problem" in body
    assert body.count(message) == 2  # in the summary and beside the field
    # Typed text comes back; a value that is not one of the choices cannot.
    typed = {"identity", "detail"}
    for name, value in data.items():
        if name in typed:
            assert f'value="{value}"' in body or f"{value}</textarea>" in body


@pytest.mark.parametrize(
    "text",
    ['<script>alert("x")</script>', "邻居 neighbour 🙂 mixed 混合", "  spaced  out  ", "émigré ñ"],
)
def test_free_text_is_kept_exactly_and_escaped(community, text) -> None:
    client = Client()
    answer_all(client, community.pk, **{"what-happened": {"description": text}})
    body = client.get("/request/check/").content.decode()
    assert "<script>alert" not in body
    _send(client)
    case = Case.objects.select_related("data_key").get()
    stored = fields.decrypt(case, "description", CaseCipher.for_data_key(case.data_key))
    assert stored == text.strip()


def test_mass_assignment_is_ignored(community) -> None:
    client = Client()
    answer_all(client, community.pk, dispute={"category": "family", "status": "closed"})
    client.post("/request/send/", {"status": "closed", "reference": "AAAAAAAAAA", "id": "1"})
    case = Case.objects.get()
    assert (case.status, case.category) == ("submitted", "family")
    assert case.reference != "AAAAAAAAAA"


def test_sending_is_throttled_per_client_and_the_draft_kept(community, settings) -> None:
    settings.MEDIATION_REQUEST_FORM_RATE = "1/h"
    client = Client(REMOTE_ADDR="127.0.0.9")
    answer_all(client, community.pk)
    assert _send(client).status_code == 200
    answer_all(client, community.pk)
    refused = _send(client)
    assert refused.status_code == 429
    assert "Nothing you typed has been lost" in refused.content.decode()
    assert client.get("/request/check/").status_code == 200  # the answers are still there
    assert AccessEvent.objects.filter(outcome=Outcome.REFUSED).count() == 1
    assert Case.objects.count() == 1


def test_csrf_is_enforced(community) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/request/", {"community": community.pk}).status_code == 403
    assert RequestDraft.objects.count() == 0


def test_the_coordinator_sees_the_other_party_as_described(community) -> None:
    from mediation.accounts.models import Role
    from tests.conftest import client_for
    from tests.factories import staff_with_role

    client = Client()
    answer_all(client, community.pk)
    client.post("/request/send/")
    case = Case.objects.get()
    coordinator = staff_with_role(Role.COORDINATOR, community, "coord")
    page = client_for(coordinator).get(f"/cases/{case.reference}/").content.decode()
    assert "the family in the flat above" in page
    assert "would rather the centre contacts them" in page
