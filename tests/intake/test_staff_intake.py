"""Requests entered by staff: verbal consents with who took them; the code goes to the
resident's email or is shown once, and never again."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from mediation.audit.models import AccessEvent, Action, ActorType
from mediation.cases.models import Case, Party, PartyRole
from mediation.cases.references import display
from mediation.cases.status_codes import code_matches
from mediation.consent.models import ConsentMethod, ConsentRecord
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def _form(cast: Cast, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "intake-channel": "walk_in",
        "community-community": cast.community.pk,
        "dispute-category": "landlord_tenant",
        "what-happened-description": "The landlord kept the deposit.",
        "other-party-identity": "the landlord",
        "other-party-approach": "centre",
        "other-party-contact": "",
        "contact-channel": "none",
        "contact-detail": "",
        "language-language": "en",
        "safety-violence": "no",
        "safety-threats": "no",
        "safety-fear": "no",
        "consent-mediation": "on",
        "consent-statistics": "on",
    }
    data.update(overrides)
    return data


def test_a_walk_in_request_shows_the_code_once_and_records_verbal_consent(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.post("/intake/new/", _form(cast))
    assert response.status_code == 200
    case = Case.objects.get(description__isnull=False, intake_channel="walk_in")
    code = response.context["status_code"]
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    assert code_matches(code, requester.status_code_hash)
    assert "This is the only time" in response.content.decode()
    consents = ConsentRecord.objects.filter(party_id=requester.pk)
    assert {c.purpose for c in consents} == {"mediation", "statistics"}
    assert {(c.method, c.recorded_by_id) for c in consents} == {
        (ConsentMethod.VERBAL, cast.coordinator.pk)
    }
    created = AccessEvent.objects.get(action=Action.CREATE, object_id=str(case.pk))
    assert (created.actor_type, created.actor_id) == (ActorType.STAFF, str(cast.coordinator.pk))
    # No staff page shows the code again.
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert code not in page
    assert code.replace("-", "") not in page


def test_a_phone_request_with_email_consent_sends_the_code_and_does_not_show_it(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.post(
        "/intake/new/",
        _form(
            cast,
            **{
                "intake-channel": "phone",
                "contact-channel": "email",
                "contact-detail": "caller@example.org",
                "consent-contact": "on",
            },
        ),
    )
    case = Case.objects.get(intake_channel="phone")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.reference}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["caller@example.org"]
    page = client.get(response["Location"]).content.decode()
    assert "emailed to the resident" in page
    for line in mail.outbox[0].body.splitlines():
        if line.count("-") == 4:
            assert line.split(": ")[1] not in page


def test_errors_are_listed_and_nothing_is_stored(cast: Cast) -> None:
    response = client_for(cast.coordinator).post(
        "/intake/new/", _form(cast, **{"what-happened-description": "", "intake-channel": ""})
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tell us what has happened." in body
    assert "Choose how the request reached the centre." in body
    assert not Case.objects.filter(intake_channel__in=["walk_in", "phone"]).exists()


def test_a_coordinator_cannot_enter_a_request_for_another_community(cast: Cast) -> None:
    response = client_for(cast.coordinator).post(
        "/intake/new/", _form(cast, **{"community-community": str(cast.other_community.pk)})
    )
    assert response.status_code == 400
    assert "Choose one of the communities listed." in response.content.decode()


@pytest.mark.parametrize("persona", ["mediator", "privacy_officer"])
def test_only_coordinators_enter_requests(cast: Cast, persona: str) -> None:
    assert client_for(getattr(cast, persona)).get("/intake/new/").status_code == 404
    assert Client().get("/intake/new/").status_code == 302


def test_the_centre_can_issue_a_new_code_once(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    response = client.post(f"/intake/{cast.unassigned_case.reference}/new-code/")
    assert response.status_code == 200
    code = response.context["status_code"]
    requester = Party.objects.get(case=cast.unassigned_case, role=PartyRole.REQUESTER)
    assert code_matches(code, requester.status_code_hash)
    resident = Client()
    signed_in = resident.post(
        "/status/", {"reference": display(cast.unassigned_case.reference), "code": code}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("persona", "case_attr"),
    [
        ("mediator", "assigned_case"),
        ("outsider", "unassigned_case"),
        ("coordinator", "other_community_case"),
    ],
)
def test_a_new_code_outside_ones_communities_is_404(
    cast: Cast, persona: str, case_attr: str
) -> None:
    case = getattr(cast, case_attr)
    response = client_for(getattr(cast, persona)).post(f"/intake/{case.reference}/new-code/")
    assert response.status_code == 404
    assert Party.objects.get(case=case, role=PartyRole.REQUESTER).status_code_hash == ""


def test_issuing_a_code_needs_post(cast: Cast) -> None:
    response = client_for(cast.coordinator).get(
        f"/intake/{cast.unassigned_case.reference}/new-code/"
    )
    assert response.status_code == 405
