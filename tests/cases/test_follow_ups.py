"""Follow-ups: scheduled with an agreement, recorded in the follow-up stage, listed when late."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel
from mediation.audit.models import Outcome as EventOutcome
from mediation.cases.follow_up_selectors import outcome_suggested
from mediation.cases.follow_up_services import FollowUpRefused, follow_up_record
from mediation.cases.models import (
    Agreement,
    Case,
    CaseAssignment,
    CaseEvent,
    EventKind,
    FollowUp,
    FollowUpResult,
    Outcome,
    Status,
)
from mediation.cases.references import display
from tests.cases.agreement_fixtures import (
    bring_to_sessions,
    days_from_today,
    move,
    write_agreement,
)
from tests.conftest import Cast, client_for
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _url(case: Case, suffix: str = "") -> str:
    return f"/cases/{case.reference}/follow-ups/{suffix}"


def _in_follow_up(cast: Cast) -> Case:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    move(cast, case, Status.AGREEMENT, Status.FOLLOW_UP)
    case.refresh_from_db()
    return case


def _record(cast: Cast, case: Case, follow_up: FollowUp, result: str, user=None):
    prefix = f"result-{follow_up.pk.hex}"
    return client_for(user or cast.mediator).post(
        _url(case, f"{follow_up.pk}/"), {f"{prefix}-result": result}
    )


# --- Scheduling --------------------------------------------------------------------------


def test_recording_an_agreement_schedules_follow_ups_at_30_and_90_days(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    start = timezone.localdate(agreement.recorded_at)
    due = list(
        FollowUp.objects.filter(case=case).order_by("due_on").values_list("due_on", "agreement")
    )
    assert due == [
        (start + datetime.timedelta(days=30), agreement.pk),
        (start + datetime.timedelta(days=90), agreement.pk),
    ]


def test_follow_up_days_come_from_the_setting(cast: Cast, settings) -> None:
    settings.MEDIATION_FOLLOW_UP_DAYS = (14, 60, 180)
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    start = timezone.localdate(agreement.recorded_at)
    assert [d.due_on - start for d in FollowUp.objects.filter(case=case).order_by("due_on")] == [
        datetime.timedelta(days=14),
        datetime.timedelta(days=60),
        datetime.timedelta(days=180),
    ]


def test_another_follow_up_can_be_scheduled(cast: Cast) -> None:
    case = _in_follow_up(cast)
    due = days_from_today(200)
    response = client_for(cast.mediator).post(_url(case, "add/"), {"add-due_on": due.isoformat()})
    assert response.status_code == 302
    assert FollowUp.objects.filter(case=case, due_on=due).exists()
    logged = AccessEvent.objects.get(action=Action.CREATE, object_type="follow_up")
    assert logged.actor_role == ActorRole.MEDIATOR


@pytest.mark.parametrize("days", [-1, 731])
def test_another_follow_up_needs_a_date_within_two_years(cast: Cast, days: int) -> None:
    case = _in_follow_up(cast)
    response = client_for(cast.mediator).post(
        _url(case, "add/"), {"add-due_on": days_from_today(days).isoformat()}
    )
    assert response.status_code == 400
    assert "Choose a date from today to two years ahead." in response.content.decode()
    assert FollowUp.objects.filter(case=case).count() == 2


# --- The case's follow-ups and their results ---------------------------------------------


def test_start_follow_up_moves_the_case_through_the_workflow(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    move(cast, case, Status.AGREEMENT)
    client = client_for(cast.mediator)
    assert "Start follow-up" in client.get(_url(case)).content.decode()
    response = client.post(_url(case, "move/"), {"target": "follow_up"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP
    event = CaseEvent.objects.filter(kind=EventKind.STATUS_CHANGED).latest("id")
    assert (event.from_status, event.to_status, event.actor) == (
        Status.AGREEMENT,
        Status.FOLLOW_UP,
        cast.mediator,
    )


def test_only_follow_up_and_closing_moves_start_here(cast: Cast) -> None:
    case = _in_follow_up(cast)
    response = client_for(cast.coordinator).post(
        _url(case, "move/"), {"target": "sessions"}, follow=True
    )
    assert "not possible" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP


def test_recording_a_result_writes_the_timeline_and_the_access_log(cast: Cast) -> None:
    case = _in_follow_up(cast)
    first = FollowUp.objects.filter(case=case).order_by("due_on").first()
    assert first is not None
    response = _record(cast, case, first, FollowUpResult.PARTLY)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.result, first.recorded_by) == (FollowUpResult.PARTLY, cast.mediator)
    assert first.recorded_at is not None
    event = CaseEvent.objects.get(kind=EventKind.FOLLOW_UP_RECORDED)
    assert (event.subject_id, event.actor) == (first.pk, cast.mediator)
    logged = AccessEvent.objects.get(action=Action.UPDATE, object_type="follow_up")
    assert (logged.object_id, logged.community_id) == (str(first.pk), case.community_id)
    body = client_for(cast.coordinator).get(_url(case)).content.decode()
    assert "Partly held" in body
    assert "by mediator" in body


def test_a_result_needs_the_follow_up_stage(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    move(cast, case, Status.AGREEMENT)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    response = _record(cast, case, follow_up, FollowUpResult.HELD)
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.recorded_at is None
    refused = AccessEvent.objects.get(outcome=EventOutcome.REFUSED)
    assert (refused.action, refused.object_type) == (Action.UPDATE, "follow_up")


def test_a_result_is_recorded_once(cast: Cast) -> None:
    case = _in_follow_up(cast)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    _record(cast, case, follow_up, FollowUpResult.HELD)
    with audit_context(channel=Channel.WEB), pytest.raises(FollowUpRefused):
        follow_up_record(
            user=cast.mediator,
            reference=case.reference,
            follow_up_id=follow_up.pk,
            result=FollowUpResult.NOT_HELD,
        )
    follow_up.refresh_from_db()
    assert follow_up.result == FollowUpResult.HELD


def test_a_missing_result_shows_the_error_on_the_page(cast: Cast) -> None:
    case = _in_follow_up(cast)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    response = _record(cast, case, follow_up, "")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert "Choose what the follow-up found." in body


def test_a_follow_up_of_another_case_is_refused(cast: Cast) -> None:
    case = _in_follow_up(cast)
    other = make_case(community=cast.community, mediator=cast.mediator)
    bring_to_sessions(cast, other)
    write_agreement(cast, other)
    foreign = FollowUp.objects.filter(case=other).first()
    assert foreign is not None
    response = _record(cast, case, foreign, FollowUpResult.HELD)
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.recorded_at is None


# --- Closing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("results", "outcome"),
    [
        ([], Outcome.AGREEMENT),
        (["held", "held"], Outcome.AGREEMENT_HELD),
        (["held", "not_held"], Outcome.AGREEMENT_NOT_HELD),
        (["not_held", "held"], Outcome.AGREEMENT_HELD),
        (["held", "no_contact"], Outcome.AGREEMENT_HELD),
        (["held", "partly"], Outcome.AGREEMENT),
        (["no_contact", "no_contact"], Outcome.AGREEMENT),
    ],
)
def test_the_suggested_outcome_follows_the_latest_result_that_says(
    results: list[str], outcome: Outcome
) -> None:
    assert outcome_suggested(results) == outcome


def test_close_form_appears_for_coordinators_once_every_follow_up_is_recorded(
    cast: Cast,
) -> None:
    case = _in_follow_up(cast)
    first, second = FollowUp.objects.filter(case=case).order_by("due_on")
    _record(cast, case, first, FollowUpResult.HELD)
    assert "Close the case" not in client_for(cast.coordinator).get(_url(case)).content.decode()
    _record(cast, case, second, FollowUpResult.NOT_HELD)
    body = client_for(cast.coordinator).get(_url(case)).content.decode()
    assert "Close the case" in body
    assert re.search(r'value="agreement_not_held"[^>]*checked', body)
    mediator_view = client_for(cast.mediator).get(_url(case)).content.decode()
    assert 'name="close-outcome"' not in mediator_view
    assert "A coordinator can now close the case." in mediator_view


def test_coordinator_closes_the_case_with_an_outcome(cast: Cast) -> None:
    case = _in_follow_up(cast)
    for follow_up in FollowUp.objects.filter(case=case):
        _record(cast, case, follow_up, FollowUpResult.HELD)
    response = client_for(cast.coordinator).post(
        _url(case, "move/"), {"target": "closed", "close-outcome": Outcome.AGREEMENT_HELD}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.AGREEMENT_HELD)
    assert case.closed_at is not None
    event = CaseEvent.objects.filter(kind=EventKind.STATUS_CHANGED).latest("id")
    assert (event.to_status, event.actor) == (Status.CLOSED, cast.coordinator)


def test_closing_needs_an_outcome_from_the_table(cast: Cast) -> None:
    case = _in_follow_up(cast)
    for follow_up in FollowUp.objects.filter(case=case):
        _record(cast, case, follow_up, FollowUpResult.HELD)
    response = client_for(cast.coordinator).post(
        _url(case, "move/"), {"target": "closed", "close-outcome": Outcome.WITHDRAWN}
    )
    assert response.status_code == 400
    assert "Choose one of the outcomes listed." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP


def test_a_mediator_cannot_close_the_case(cast: Cast) -> None:
    case = _in_follow_up(cast)
    for follow_up in FollowUp.objects.filter(case=case):
        _record(cast, case, follow_up, FollowUpResult.HELD)
    response = client_for(cast.mediator).post(
        _url(case, "move/"),
        {"target": "closed", "close-outcome": Outcome.AGREEMENT_HELD},
        follow=True,
    )
    assert "Only a coordinator" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP


# --- The overdue list --------------------------------------------------------------------


def _overdue_case(cast: Cast, *, community=None, days_overdue: int = 5, mediator=None) -> Case:
    """A case in follow-up whose first follow-up is ``days_overdue`` days late (set-up only)."""
    case = make_case(community=community or cast.community, mediator=mediator)
    agreement = Agreement.objects.create(case=case, recorded_by=cast.coordinator)
    FollowUp.objects.create(case=case, agreement=agreement, due_on=days_from_today(-days_overdue))
    FollowUp.objects.create(case=case, agreement=agreement, due_on=days_from_today(30))
    Case.objects.filter(pk=case.pk).update(status=Status.FOLLOW_UP)
    return case


def _listed(user, **params) -> list:
    response = client_for(user).get("/cases/follow-ups/overdue/", params)
    assert response.status_code == 200
    return response.context["rows"]


def test_coordinator_sees_overdue_follow_ups_of_their_communities_oldest_first(
    cast: Cast,
) -> None:
    recent = _overdue_case(cast, days_overdue=3, mediator=cast.mediator)
    oldest = _overdue_case(cast, days_overdue=40)
    _overdue_case(cast, community=cast.other_community, days_overdue=50)
    rows = _listed(cast.coordinator)
    assert [row.reference for row in rows] == [display(oldest.reference), display(recent.reference)]
    assert [row.days_overdue for row in rows] == [40, 3]
    assert rows[1].mediators == "mediator"
    assert rows[0].url == f"/cases/{oldest.reference}/follow-ups/"


def test_overdue_list_leaves_out_recorded_future_and_closed_follow_ups(cast: Cast) -> None:
    listed = _overdue_case(cast, days_overdue=1)
    recorded = _overdue_case(cast)
    FollowUp.objects.filter(case=recorded).update(
        recorded_at=timezone.now(), result=FollowUpResult.HELD
    )
    closed = _overdue_case(cast)
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    due_today = _overdue_case(cast, days_overdue=0)
    references = [row.reference for row in _listed(cast.coordinator)]
    assert references == [display(listed.reference)]
    assert display(due_today.reference) not in references


def test_mediators_see_overdue_follow_ups_of_their_own_cases_only(cast: Cast) -> None:
    mine = _overdue_case(cast, mediator=cast.mediator)
    _overdue_case(cast)
    assert [row.reference for row in _listed(cast.mediator)] == [display(mine.reference)]
    assert _listed(cast.other_mediator) == []


def test_outsider_sees_only_their_own_community(cast: Cast) -> None:
    _overdue_case(cast)
    theirs = _overdue_case(cast, community=cast.other_community)
    assert [row.reference for row in _listed(cast.outsider)] == [display(theirs.reference)]


def test_privacy_officer_has_no_overdue_list(cast: Cast) -> None:
    _overdue_case(cast)
    response = client_for(cast.privacy_officer).get("/cases/follow-ups/overdue/")
    assert response.status_code == 404
    refused = AccessEvent.objects.get(outcome=EventOutcome.REFUSED)
    assert (refused.action, refused.object_type) == (Action.LIST, "follow_up")


def test_overdue_list_shows_no_personal_data_and_logs_one_event(cast: Cast) -> None:
    _overdue_case(cast, mediator=cast.mediator)
    body = client_for(cast.coordinator).get("/cases/follow-ups/overdue/").content.decode()
    assert "The neighbour's dog" not in body
    assert "resident@example.org" not in body
    event = AccessEvent.objects.get(action=Action.LIST)
    assert (event.object_type, event.actor_role, event.object_id) == (
        "follow_up",
        ActorRole.COORDINATOR,
        "",
    )


def _queries_for_page(cast: Cast, per_page: int) -> list[str]:
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/follow-ups/overdue/", {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["rows"]) == per_page
    return [query["sql"] for query in captured.captured_queries]


def test_overdue_list_runs_the_same_queries_whatever_the_page_size(
    cast: Cast, django_assert_max_num_queries
) -> None:
    for days in range(1, 26):
        case = _overdue_case(cast, days_overdue=days, mediator=cast.mediator)
        CaseAssignment.objects.create(case=case, mediator=cast.other_mediator, role="co")
    small = _queries_for_page(cast, 2)
    large = _queries_for_page(cast, 25)
    assert len(small) == len(large)
    client = client_for(cast.coordinator)
    with django_assert_max_num_queries(len(small)):
        client.get("/cases/follow-ups/overdue/", {"per_page": 25})
    assert not any("COUNT(" in sql.upper() for sql in large)


def test_overdue_list_pages_without_counting(cast: Cast) -> None:
    for days in (1, 2, 3):
        _overdue_case(cast, days_overdue=days)
    client = client_for(cast.coordinator)
    first = client.get("/cases/follow-ups/overdue/", {"per_page": 2})
    assert [row.days_overdue for row in first.context["rows"]] == [3, 2]
    assert 'rel="next"' in first.content.decode()
    second = client.get("/cases/follow-ups/overdue/", {"per_page": 2, "page": 2})
    assert [row.days_overdue for row in second.context["rows"]] == [1]
    assert 'rel="next"' not in second.content.decode()


def test_follow_ups_is_not_taken_for_a_reference(cast: Cast) -> None:
    response = client_for(cast.coordinator).get("/cases/follow-ups/overdue/")
    assert response.status_code == 200
    assert "Overdue follow-ups" in response.content.decode()


# --- Scoping of the case's follow-up pages -----------------------------------------------


@pytest.mark.parametrize("persona", ["other_mediator", "privacy_officer", "outsider"])
def test_every_follow_up_page_and_post_is_404_out_of_scope(cast: Cast, persona: str) -> None:
    case = _in_follow_up(cast)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    client = client_for(getattr(cast, persona))
    prefix = f"result-{follow_up.pk.hex}"
    requests = [
        ("get", _url(case), {}),
        ("post", _url(case, f"{follow_up.pk}/"), {f"{prefix}-result": "held"}),
        ("post", _url(case, f"{follow_up.pk}/"), {}),
        ("post", _url(case, f"{uuid.uuid4()}/"), {}),
        ("post", _url(case, "add/"), {"add-due_on": days_from_today(10).isoformat()}),
        ("post", _url(case, "add/"), {}),
        ("post", _url(case, "move/"), {"target": "closed", "close-outcome": "agreement_held"}),
        ("post", _url(case, "move/"), {"target": "follow_up"}),
    ]
    for method, url, data in requests:
        before = AccessEvent.objects.filter(outcome=EventOutcome.REFUSED).count()
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, data)
        assert AccessEvent.objects.filter(outcome=EventOutcome.REFUSED).count() == before + 1
    follow_up.refresh_from_db()
    assert follow_up.recorded_at is None
    assert FollowUp.objects.filter(case=case).count() == 2
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP


@pytest.mark.parametrize("persona", ["coordinator", "mediator"])
def test_the_case_team_sees_the_follow_ups(cast: Cast, persona: str) -> None:
    case = _in_follow_up(cast)
    response = client_for(getattr(cast, persona)).get(_url(case))
    assert response.status_code == 200
    body = response.content.decode()
    for follow_up in FollowUp.objects.filter(case=case):
        assert f"Follow-up due {follow_up.due_on:%Y-%m-%d}" in body
    event = AccessEvent.objects.filter(action=Action.VIEW).latest("id")
    assert (event.object_type, event.object_id) == ("case", str(case.pk))


def test_follow_up_posts_need_a_csrf_token(cast: Cast) -> None:
    case = _in_follow_up(cast)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    client = client_for(cast.coordinator)
    client.handler.enforce_csrf_checks = True
    prefix = f"result-{follow_up.pk.hex}"
    for url, data in [
        (_url(case, f"{follow_up.pk}/"), {f"{prefix}-result": "held"}),
        (_url(case, "add/"), {"add-due_on": days_from_today(10).isoformat()}),
        (_url(case, "move/"), {"target": "closed"}),
    ]:
        assert client.post(url, data).status_code == 403


def test_a_password_only_session_is_sent_to_sign_in(cast: Cast) -> None:
    case = _in_follow_up(cast)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    client = Client()
    client.force_login(cast.coordinator)
    for method, url, data in [
        ("get", "/cases/follow-ups/overdue/", {}),
        ("get", _url(case), {}),
        ("post", _url(case, f"{follow_up.pk}/"), {f"result-{follow_up.pk.hex}-result": "held"}),
        ("post", _url(case, "add/"), {"add-due_on": days_from_today(10).isoformat()}),
        ("post", _url(case, "move/"), {"target": "closed", "close-outcome": "agreement_held"}),
    ]:
        assert getattr(client, method)(url, data).status_code == 302, (method, url)
    follow_up.refresh_from_db()
    assert follow_up.recorded_at is None
