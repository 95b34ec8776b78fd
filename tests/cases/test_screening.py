"""Safety screening per party: who may screen and read, what is logged, what residents never see.

The suggested process and the form's validation are in ``test_screening_form.py``.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mediation.accounts.models import User
from mediation.audit.context import audit_context
from mediation.audit.models import (
    AccessEvent,
    Action,
    ActorRole,
    ActorType,
    Channel,
    Outcome,
    Purpose,
)
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseEvent,
    EventKind,
    Party,
    SafetyScreening,
    ScreeningDecision,
    Status,
)
from mediation.cases.references import display
from mediation.cases.screening_selectors import (
    SCREENING_OBJECT_TYPE,
    ScreeningNotFound,
    case_process,
)
from mediation.cases.screening_services import ScreeningRefused, safety_screening_record
from mediation.cases.services import party_add_other
from mediation.intake.resident_access import resident_status
from tests.cases.screening_helpers import (
    ALARMING,
    CALM,
    _answers_url,
    _form,
    _overview,
    _requester,
    _screen_url,
)
from tests.conftest import Cast, client_for
from tests.factories import CommunityFactory
from tests.intake.journey import answer_all

pytestmark = pytest.mark.django_db


def _other_party(case: Case) -> Party:
    return party_add_other(case=case, identity="the man upstairs", contact_json="{}")


def _record(
    user: User, case: Case, party: Party, decision: str, answers: dict[str, str] | None = None
) -> SafetyScreening:
    return safety_screening_record(
        user=user,
        reference=case.reference,
        party_id=party.pk,
        answers=answers or CALM,
        decision=decision,
    )


def _assign(case: Case, mediator: User, role: AssignmentRole = AssignmentRole.CO) -> None:
    CaseAssignment.objects.create(case=case, mediator=mediator, role=role)


# Recording


def test_a_coordinator_screens_one_party_and_it_is_recorded_with_timeline_and_access_events(
    cast: Cast,
) -> None:
    case = cast.assigned_case
    party = _requester(case)
    response = client_for(cast.coordinator).post(
        _screen_url(case, party), _form(ALARMING, "no_mediation")
    )
    assert response.status_code == 302
    assert response["Location"] == _overview(case)

    screening = SafetyScreening.objects.get()
    assert (screening.case_id, screening.party_id, screening.screener_id) == (
        case.pk,
        party.pk,
        cast.coordinator.pk,
    )
    assert screening.decision == ScreeningDecision.NO_MEDIATION
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.subject_id, event.actor_id) == (
        EventKind.SAFETY_SCREENED,
        screening.pk,
        cast.coordinator.pk,
    )
    assert event.get_kind_display() == "Safety screening recorded"
    access = AccessEvent.objects.get(action=Action.CREATE)
    assert (access.object_type, access.object_id, access.purpose) == (
        SCREENING_OBJECT_TYPE,
        str(screening.pk),
        Purpose.TRIAGE,
    )
    assert (access.actor_id, access.actor_role, access.community_id) == (
        str(cast.coordinator.pk),
        ActorRole.COORDINATOR,
        cast.community.pk,
    )


def test_answers_are_encrypted_at_rest(cast: Cast) -> None:
    case = cast.assigned_case
    screening = _record(cast.coordinator, case, _requester(case), "no_mediation", ALARMING)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers FROM cases_safetyscreening WHERE id = %s",
            [screening.pk.hex if connection.vendor == "sqlite" else screening.pk],
        )
        (raw,) = cursor.fetchone()
    stored = bytes(raw)
    assert stored
    for plaintext in (b"used_or_threatened", b"violence_recent", b"weapons", b"suggested"):
        assert plaintext not in stored
    # And it reads back, for someone allowed to read it.
    page = client_for(cast.coordinator).get(_answers_url(case, screening))
    assert "Used one, or threatened to" in page.content.decode()


def test_the_timeline_on_the_case_says_only_that_a_screening_was_recorded(cast: Cast) -> None:
    case = cast.assigned_case
    _record(cast.coordinator, case, _requester(case), "shuttle", ALARMING)
    event = CaseEvent.objects.get(case=case)
    assert (event.from_status, event.to_status, event.reason) == ("", "", "")
    assert str(event.get_kind_display()) == "Safety screening recorded"


def test_the_assigned_mediator_may_screen_and_read_their_own_screening(cast: Cast) -> None:
    case = cast.assigned_case
    client = client_for(cast.mediator)
    assert client.get(_screen_url(case, _requester(case))).status_code == 200
    response = client.post(_screen_url(case, _requester(case)), _form(CALM, "remote"))
    assert response.status_code == 302
    screening = SafetyScreening.objects.get()
    assert screening.screener_id == cast.mediator.pk

    overview = client.get(_overview(case)).content.decode()
    assert f"by {cast.mediator.username}: Remote sessions" in overview
    assert _answers_url(case, screening) in overview
    answers = client.get(_answers_url(case, screening))
    assert answers.status_code == 200
    assert "0: not afraid" in answers.content.decode()
    read = AccessEvent.objects.get(object_type=SCREENING_OBJECT_TYPE, action=Action.VIEW)
    assert (read.object_id, read.actor_role, read.purpose, read.outcome) == (
        str(screening.pk),
        ActorRole.MEDIATOR,
        Purpose.TRIAGE,
        Outcome.SUCCESS,
    )


def test_a_party_of_another_case_is_not_found_and_nothing_is_written(cast: Cast) -> None:
    stranger = _requester(cast.unassigned_case)
    response = client_for(cast.coordinator).post(
        _screen_url(cast.assigned_case, stranger), _form(CALM)
    )
    assert response.status_code == 404
    assert not SafetyScreening.objects.exists()
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (refused.object_type, refused.action, refused.purpose) == (
        SCREENING_OBJECT_TYPE,
        Action.CREATE,
        Purpose.TRIAGE,
    )
    with audit_context(channel=Channel.WEB), pytest.raises(ScreeningNotFound):
        _record(cast.coordinator, cast.assigned_case, stranger, "joint")


def test_the_service_refuses_answers_and_processes_not_offered(cast: Cast) -> None:
    case = cast.assigned_case
    party = _requester(case)
    with pytest.raises(ScreeningRefused) as refused:
        _record(cast.coordinator, case, party, "joint", {**CALM, "fear": "7"})
    assert "Choose one of the answers given." in str(refused.value)
    incomplete = {k: v for k, v in CALM.items() if k != "weapons"}
    with pytest.raises(ScreeningRefused):
        _record(cast.coordinator, case, party, "joint", incomplete)
    with pytest.raises(ScreeningRefused):
        _record(cast.coordinator, case, party, "joint", {**CALM, "nickname": "x"})
    with pytest.raises(ScreeningRefused) as refused:
        _record(cast.coordinator, case, party, "whatever")
    assert "Choose the process for this case." in str(refused.value)
    assert not SafetyScreening.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_closed_case_takes_no_new_screening(cast: Cast) -> None:
    case = cast.assigned_case
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    with pytest.raises(ScreeningRefused):
        _record(cast.coordinator, case, _requester(case), "joint")
    page = client_for(cast.coordinator).get(_screen_url(case, _requester(case)))
    assert "The case is closed" in page.content.decode()
    assert "Record the screening" not in page.content.decode()


def test_a_mediator_cannot_replace_a_screening_someone_else_did(cast: Cast) -> None:
    case = cast.assigned_case
    party = _requester(case)
    _record(cast.coordinator, case, party, "no_mediation", ALARMING)
    client = client_for(cast.mediator)
    assert "Screen again" not in client.get(_overview(case)).content.decode()
    page = client.get(_screen_url(case, party)).content.decode()
    assert "Only a coordinator can screen them again." in page
    assert "Record the screening" not in page

    response = client.post(_screen_url(case, party), _form(CALM, "joint"))
    assert response.status_code == 400
    assert SafetyScreening.objects.count() == 1
    assert case_process(case) == ScreeningDecision.NO_MEDIATION


def test_a_mediator_may_screen_again_after_their_own_screening_and_a_coordinator_after_anyone(
    cast: Cast,
) -> None:
    case = cast.assigned_case
    party = _requester(case)
    _record(cast.mediator, case, party, "joint")
    assert "Screen again" in client_for(cast.mediator).get(_overview(case)).content.decode()
    _record(cast.mediator, case, party, "remote")
    _record(cast.coordinator, case, party, "shuttle")
    assert case_process(case) == ScreeningDecision.SHUTTLE
    assert SafetyScreening.objects.count() == 3


def test_csrf_is_required_to_record_a_screening(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    client.handler.enforce_csrf_checks = True
    case = cast.assigned_case
    response = client.post(_screen_url(case, _requester(case)), _form(CALM))
    assert response.status_code == 403
    assert not SafetyScreening.objects.exists()


# Who may do what


@pytest.mark.parametrize("persona", ["other_mediator", "privacy_officer", "outsider"])
def test_anyone_outside_the_case_gets_not_found_on_every_page_and_it_is_logged(
    cast: Cast, persona: str
) -> None:
    case = cast.assigned_case
    party = _requester(case)
    screening = _record(cast.coordinator, case, party, "shuttle", ALARMING)
    before = AccessEvent.objects.filter(outcome=Outcome.REFUSED).count()
    client = client_for(getattr(cast, persona))

    assert client.get(_overview(case)).status_code == 404
    assert client.get(_screen_url(case, party)).status_code == 404
    assert client.post(_screen_url(case, party), _form(CALM)).status_code == 404
    assert client.get(_answers_url(case, screening)).status_code == 404

    assert SafetyScreening.objects.count() == 1
    refused = AccessEvent.objects.filter(outcome=Outcome.REFUSED).order_by("id")[before:]
    assert [(e.action, e.object_id) for e in refused] == [
        (Action.VIEW, str(case.pk)),
        (Action.VIEW, str(case.pk)),
        (Action.CREATE, str(case.pk)),
        (Action.VIEW, str(case.pk)),
    ]
    assert {e.actor_id for e in refused} == {str(getattr(cast, persona).pk)}


def test_a_signed_out_visitor_is_sent_to_sign_in(cast: Cast) -> None:
    response = Client().get(_overview(cast.assigned_case))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_mediator_cannot_read_another_persons_screening_but_sees_the_process(
    cast: Cast,
) -> None:
    case = cast.assigned_case
    other = _other_party(case)
    by_coordinator = _record(cast.coordinator, case, other, "shuttle", ALARMING)
    client = client_for(cast.mediator)

    response = client.get(_answers_url(case, by_coordinator))
    assert response.status_code == 404
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (refused.object_type, refused.object_id, refused.actor_id) == (
        SCREENING_OBJECT_TYPE,
        str(by_coordinator.pk),
        str(cast.mediator.pk),
    )

    overview = client.get(_overview(case)).content.decode()
    assert "Separate (shuttle) sessions" in overview
    assert _answers_url(case, by_coordinator) not in overview
    assert cast.coordinator.username not in overview.replace("coordinators", "")
    assert "Screened. The answers are seen only" in overview
    assert "Not screened yet." in overview  # the requester


def test_a_co_mediator_sees_the_process_but_not_the_lead_mediators_answers(cast: Cast) -> None:
    case = cast.assigned_case
    _assign(case, cast.other_mediator)
    by_lead = _record(cast.mediator, case, _requester(case), "remote", CALM)
    client = client_for(cast.other_mediator)
    assert client.get(_answers_url(case, by_lead)).status_code == 404
    overview = client.get(_overview(case)).content.decode()
    assert "Remote sessions" in overview
    assert _answers_url(case, by_lead) not in overview


def test_a_coordinator_sees_every_screening_and_reads_a_mediators_answers(cast: Cast) -> None:
    case = cast.assigned_case
    other = _other_party(case)
    by_mediator = _record(cast.mediator, case, _requester(case), "joint", CALM)
    by_coordinator = _record(cast.coordinator, case, other, "remote", CALM)
    client = client_for(cast.coordinator)
    overview = client.get(_overview(case)).content.decode()
    assert f"by {cast.mediator.username}: Joint sessions" in overview
    assert f"by {cast.coordinator.username}: Remote sessions" in overview
    assert _answers_url(case, by_mediator) in overview
    assert _answers_url(case, by_coordinator) in overview
    assert client.get(_answers_url(case, by_mediator)).status_code == 200


def test_a_screening_id_of_another_case_is_not_found(cast: Cast) -> None:
    case = cast.assigned_case
    screening = _record(cast.coordinator, case, _requester(case), "joint")
    elsewhere = reverse(
        "cases:screening_answers",
        kwargs={"reference": cast.unassigned_case.reference, "screening_id": screening.pk},
    )
    assert client_for(cast.coordinator).get(elsewhere).status_code == 404
    missing = reverse(
        "cases:screening_answers",
        kwargs={"reference": case.reference, "screening_id": uuid.uuid4()},
    )
    assert client_for(cast.coordinator).get(missing).status_code == 404


def test_the_overview_is_logged_as_a_view_of_the_case(cast: Cast) -> None:
    case = cast.assigned_case
    client_for(cast.mediator).get(_overview(case))
    event = AccessEvent.objects.get(outcome=Outcome.SUCCESS)
    assert (event.object_type, event.object_id, event.action, event.purpose) == (
        "case",
        str(case.pk),
        Action.VIEW,
        Purpose.TRIAGE,
    )


# The process that applies to the case


def test_case_process_is_none_until_someone_is_screened(cast: Cast) -> None:
    assert case_process(cast.assigned_case) is None
    overview = client_for(cast.coordinator).get(_overview(cast.assigned_case)).content.decode()
    assert "Nobody has been screened yet." in overview


def test_case_process_is_the_strictest_of_each_partys_latest_screening(cast: Cast) -> None:
    case = cast.assigned_case
    requester, other = _requester(case), _other_party(case)
    _record(cast.coordinator, case, requester, "remote")
    assert case_process(case) == ScreeningDecision.REMOTE
    _record(cast.coordinator, case, other, "shuttle")
    assert case_process(case) == ScreeningDecision.SHUTTLE
    _record(cast.coordinator, case, requester, "no_mediation")
    assert case_process(case) == ScreeningDecision.NO_MEDIATION
    # A later screening of the same party replaces that party's earlier one.
    _record(cast.coordinator, case, requester, "joint")
    assert case_process(case) == ScreeningDecision.SHUTTLE
    overview = client_for(cast.coordinator).get(_overview(case)).content.decode()
    assert "replaced by a later screening" in overview


def test_no_mediation_tells_the_team_to_refer_instead(cast: Cast) -> None:
    case = cast.assigned_case
    _record(cast.coordinator, case, _requester(case), "no_mediation", ALARMING)
    overview = client_for(cast.mediator).get(_overview(case)).content.decode()
    assert "No mediation: refer elsewhere" in overview
    assert "Offer a referral to a specialist service" in overview


# Residents never see it


@pytest.fixture
def resident_case(cast: Cast) -> tuple[Case, str]:
    """A request sent through the public form, in the cast's community: (case, status code)."""
    client = Client()
    answer_all(client, CommunityFactory().pk)
    code = client.post("/request/send/").context["status_code"]
    known = (cast.assigned_case.pk, cast.unassigned_case.pk, cast.other_community_case.pk)
    case = Case.objects.exclude(pk__in=known).get()
    Case.objects.filter(pk=case.pk).update(community=cast.community)
    case.refresh_from_db()
    return case, code


def test_the_residents_status_page_shows_nothing_of_the_screening(
    cast: Cast, resident_case: tuple[Case, str]
) -> None:
    case, code = resident_case
    requester = _requester(case)
    other = _other_party(case)
    _assign(case, cast.mediator, AssignmentRole.LEAD)
    coordinator = client_for(cast.coordinator)
    coordinator.post(_screen_url(case, requester), _form(ALARMING, "no_mediation"))
    screening = SafetyScreening.objects.get()
    coordinator.get(_answers_url(case, screening))
    coordinator.get(_overview(case))
    client_for(cast.mediator).post(_screen_url(case, other), _form(CALM, "joint"))
    assert AccessEvent.objects.filter(object_type=SCREENING_OBJECT_TYPE).count() == 3

    resident = Client()
    resident.post("/status/", {"reference": display(case.reference), "code": code})
    page = resident.get("/status/case/")
    assert page.status_code == 200
    body = page.content.decode().lower()
    for word in (
        "screen",
        "safety",
        "shuttle",
        "separate",
        "remote",
        "joint",
        "no mediation",
        "referral",
        "refer elsewhere",
        "weapon",
        "afraid",
    ):
        assert word not in body, word
    # Accesses by coarse role: the screening's reads and writes are not among them;
    # the overview is an ordinary "centre staff" view of the case.
    staff = [
        line for line in resident_status(party_id=requester.pk).accesses if line.who == "staff"
    ]
    assert staff
    assert {line.action for line in staff} == {Action.VIEW}
    assert (
        len(staff)
        == AccessEvent.objects.filter(
            object_type="case", actor_type=ActorType.STAFF, outcome=Outcome.SUCCESS
        )
        .exclude(action=Action.LIST)
        .count()
    )
