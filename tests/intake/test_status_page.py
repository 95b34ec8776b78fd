"""The status page: reference and code by POST, uniform failures, throttles, idle expiry."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from mediation.audit.models import AccessEvent, Action, ActorType, Outcome, Purpose
from mediation.cases.models import Case, Party, PartyRole, Status
from mediation.cases.references import display
from mediation.intake.status_views import SESSION_KEY
from tests.conftest import client_for
from tests.factories import CommunityFactory
from tests.intake.journey import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    """A request sent through the form: (case, status code as shown)."""
    community = CommunityFactory()
    client = Client()
    answer_all(client, community.pk)
    response = client.post("/request/send/")
    return Case.objects.get(), response.context["status_code"]


def _sign_in(client: Client, reference: str, code: str):
    return client.post("/status/", {"reference": reference, "code": code})


def _body(response) -> str:
    # The CSRF token differs per response; everything else must not.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_right_reference_and_code_open_the_status_page(submitted) -> None:
    case, code = submitted
    client = Client()
    response = _sign_in(client, display(case.reference), code)
    assert response.status_code == 302
    assert response["Location"] == "/status/case/"
    assert case.reference not in response["Location"]
    page = client.get("/status/case/")
    body = page.content.decode()
    assert page.status_code == 200
    assert display(case.reference) in body
    assert 'aria-current="step" class="current">Received' in body


def test_typing_variants_are_tolerated(submitted) -> None:
    case, code = submitted
    typed_reference = " ".join(case.reference.lower())
    typed_code = code.replace("-", " ").lower()
    assert _sign_in(Client(), typed_reference, typed_code).status_code == 302


def test_wrong_code_and_unknown_reference_answer_identically(submitted) -> None:
    case, code = submitted
    wrong_code = _sign_in(Client(), display(case.reference), "AAAA-AAAA-AAAA-AAAA-AAAA")
    unknown = _sign_in(Client(), "00000-00000", code)
    garbage = _sign_in(Client(), "<script>", "x")
    assert wrong_code.status_code == unknown.status_code == garbage.status_code == 400
    uniform = "The case reference or status code is not right."
    for response in (wrong_code, unknown, garbage):
        assert uniform in response.content.decode()
    # The same page but for the reference typed back into its box.
    assert _body(wrong_code).replace(display(case.reference), "REF") == _body(unknown).replace(
        "00000-00000", "REF"
    )


def test_every_failed_attempt_is_logged(submitted) -> None:
    case, _code = submitted
    _sign_in(Client(), display(case.reference), "AAAA-AAAA-AAAA-AAAA-AAAA")
    _sign_in(Client(), "00000-00000", "AAAA")
    refused = AccessEvent.objects.filter(outcome=Outcome.REFUSED).order_by("id")
    assert [(e.object_id, e.purpose) for e in refused] == [
        (str(case.pk), Purpose.SELF_SERVICE),
        ("", Purpose.SELF_SERVICE),
    ]


def test_the_code_is_never_accepted_in_a_url(submitted) -> None:
    case, code = submitted
    response = Client().get("/status/", {"reference": case.reference, "code": code})
    assert response.status_code == 200
    assert SESSION_KEY not in Client().session


def test_attempts_are_throttled_per_client(submitted, settings) -> None:
    settings.MEDIATION_STATUS_CLIENT_RATE = "3/h"
    case, code = submitted
    client = Client(REMOTE_ADDR="127.0.0.7")
    for _ in range(3):
        assert _sign_in(client, "00000-00000", "wrong").status_code == 400
    assert _sign_in(client, display(case.reference), code).status_code == 429
    # Another client is not affected.
    assert (
        _sign_in(Client(REMOTE_ADDR="127.0.0.8"), display(case.reference), code).status_code == 302
    )


def test_a_reference_is_slowed_for_everyone_but_unknown_ones_behave_the_same(
    submitted, settings
) -> None:
    settings.MEDIATION_STATUS_REFERENCE_RATE = "2/15m"
    case, _code = submitted
    statuses = {}
    for reference in (display(case.reference), "00000-00000"):
        statuses[reference] = [
            _sign_in(Client(REMOTE_ADDR=f"127.0.1.{n}"), reference, "wrong").status_code
            for n in range(3)
        ]
    assert list(statuses.values()) == [[400, 400, 429], [400, 400, 429]]
    # A pause, not a lock: the budget is per window, nothing is stored against the case.
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_ten_thousand_wrong_codes_are_throttled_logged_and_uniform(submitted, settings) -> None:
    """SECURITY.md failure scenario 2, at a tenth of the size to keep the suite fast."""
    case, _code = submitted
    client = Client(REMOTE_ADDR="127.0.2.1")
    statuses = [
        _sign_in(client, display(case.reference), f"WRONG{n:015d}").status_code for n in range(1000)
    ]
    assert set(statuses) == {400, 429}
    assert statuses.count(400) <= 10
    assert AccessEvent.objects.filter(outcome=Outcome.REFUSED).count() == 1000


def test_the_status_page_logs_each_view_and_lists_accesses_by_coarse_role(submitted, cast) -> None:
    case, code = submitted
    client = Client()
    _sign_in(client, display(case.reference), code)
    client.get("/status/case/")
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    view = AccessEvent.objects.get(actor_type=ActorType.RESIDENT, object_type="case")
    assert (view.actor_id, view.action, view.object_id) == (
        str(requester.pk),
        Action.VIEW,
        str(case.pk),
    )
    # A coordinator opens the case; the resident sees "Centre staff", no name, no purpose.
    Case.objects.filter(pk=case.pk).update(community=cast.community)
    client_for(cast.coordinator).get(f"/cases/{case.reference}/")
    body = client.get("/status/case/").content.decode()
    assert "Centre staff" in body
    assert "coordinator" not in body.lower().replace("a coordinator", "")
    assert "screening" not in body.lower()


def test_the_status_page_shows_coarse_stages_only(submitted) -> None:
    case, code = submitted
    Case.objects.filter(pk=case.pk).update(status=Status.SCREENING)
    client = Client()
    _sign_in(client, display(case.reference), code)
    body = client.get("/status/case/").content.decode()
    assert 'class="current">Being arranged' in body
    assert "Screening" not in body


def test_an_idle_session_expires(submitted, settings) -> None:
    case, code = submitted
    client = Client()
    _sign_in(client, display(case.reference), code)
    session = client.session
    session[SESSION_KEY]["seen"] = time.time() - settings.MEDIATION_RESIDENT_IDLE_SECONDS - 1
    session.save()
    response = client.get("/status/case/")
    assert response.status_code == 302
    assert response["Location"] == "/status/"


def test_signing_out_ends_access(submitted) -> None:
    case, code = submitted
    client = Client()
    _sign_in(client, display(case.reference), code)
    client.post("/status/sign-out/")
    assert client.get("/status/case/")["Location"] == "/status/"


def test_a_staff_session_gives_no_resident_access(cast) -> None:
    response = client_for(cast.coordinator).get("/status/case/")
    assert response["Location"] == "/status/"


def test_views_of_the_residents_own_agreement_copy_are_listed_and_not_the_others(cast) -> None:
    from django.db import transaction

    from mediation.cases.services import party_issue_status_code
    from tests.cases.agreement_fixtures import bring_to_sessions, move, parties, write_agreement

    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    move(cast, case, Status.AGREEMENT)
    requester, other = parties(case)
    with transaction.atomic():
        code = party_issue_status_code(party=requester)
    # The mediator opens the agreement page: both copies are shown, each view logged.
    client_for(cast.mediator).get(f"/cases/{case.reference}/agreement/")
    copy_views = AccessEvent.objects.filter(object_type="agreement_copy", action=Action.VIEW)
    assert copy_views.count() == 2

    resident = Client()
    _sign_in(resident, display(case.reference), code)
    body = resident.get("/status/case/").content.decode()
    # One line for the view of this person's own copy; the other party's copy is theirs.
    assert body.count("Your copy of the agreement") == 1
    assert "Centre staff" in body
    assert str(other.pk) not in body
