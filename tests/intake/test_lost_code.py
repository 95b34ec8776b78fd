"""A lost status code: a new one by consented email, the old one stops working."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from mediation.audit.models import AccessEvent, Action, Outcome
from mediation.cases.models import Case
from mediation.cases.references import display
from tests.factories import CommunityFactory
from tests.intake.journey import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    client = Client()
    answer_all(client, CommunityFactory().pk)
    code = client.post("/request/send/").context["status_code"]
    return Case.objects.get(), code


def _ask(reference: str, email: str, **client_kwargs):
    return Client(**client_kwargs).post(
        "/status/lost-code/", {"reference": reference, "email": email}
    )


def _sign_in(reference: str, code: str) -> int:
    return Client().post("/status/", {"reference": reference, "code": code}).status_code


def test_a_new_code_goes_to_the_consented_email_and_the_old_one_stops(sent) -> None:
    case, old_code = sent
    response = _ask(display(case.reference), " LI.WEI@example.org ")
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li.wei@example.org"]
    new_code = next(
        line.split(": ")[1] for line in message.body.splitlines() if line.count("-") == 4
    )
    # In the resident's language (they chose Simplified Chinese), and nothing about the case.
    assert "您的新查询码是" in message.body
    assert message.subject == "您的新查询码"
    assert "barks" not in message.body
    assert _sign_in(display(case.reference), old_code) == 400
    assert _sign_in(display(case.reference), new_code) == 302
    assert AccessEvent.objects.filter(action=Action.UPDATE, outcome=Outcome.SUCCESS).count() == 1


def test_the_answer_is_the_same_whether_or_not_a_code_was_sent(sent) -> None:
    case, _old_code = sent
    matched = _ask(display(case.reference), "li.wei@example.org").content.decode()
    wrong_email = _ask(display(case.reference), "someone@example.org").content.decode()
    unknown = _ask("00000-00000", "li.wei@example.org").content.decode()

    def strip(body: str) -> str:
        import re

        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    assert strip(matched) == strip(wrong_email) == strip(unknown)
    assert len(mail.outbox) == 1
    assert AccessEvent.objects.filter(action=Action.UPDATE, outcome=Outcome.REFUSED).count() == 2


def test_no_code_is_sent_without_consent_to_email(sent) -> None:
    case, old_code = sent
    client = Client()
    client.post("/status/", {"reference": display(case.reference), "code": old_code})
    client.post("/status/case/consent/contact/withdraw/")
    _ask(display(case.reference), "li.wei@example.org")
    assert mail.outbox == []
    assert _sign_in(display(case.reference), old_code) == 302  # the old code still works


def test_lost_code_requests_are_throttled(sent, settings) -> None:
    settings.MEDIATION_STATUS_CLIENT_RATE = "2/h"
    case, _code = sent
    statuses = [
        _ask(display(case.reference), "x@example.org", REMOTE_ADDR="127.0.3.1").status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
