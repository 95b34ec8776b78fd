"""Who sees which case, on the list and the case page (ASVS 8.2.2)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation.audit.models import AccessEvent, Action, ActorRole, Outcome
from mediation.cases.references import display, normalise
from tests.conftest import Cast, client_for
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _listed_references(cast_user, **params) -> set[str]:
    response = client_for(cast_user).get("/cases/", params)
    assert response.status_code == 200
    return {normalise(row.reference) for row in response.context["rows"]}


def test_coordinator_lists_only_cases_of_their_community(cast: Cast) -> None:
    assert _listed_references(cast.coordinator) == {
        cast.assigned_case.reference,
        cast.unassigned_case.reference,
    }


def test_mediator_lists_only_cases_assigned_to_them(cast: Cast) -> None:
    assert _listed_references(cast.mediator) == {cast.assigned_case.reference}


def test_other_mediator_lists_nothing(cast: Cast) -> None:
    assert _listed_references(cast.other_mediator) == set()


def test_privacy_officer_lists_no_case(cast: Cast) -> None:
    assert _listed_references(cast.privacy_officer) == set()


def test_outsider_lists_only_their_own_community(cast: Cast) -> None:
    assert _listed_references(cast.outsider) == {cast.other_community_case.reference}


def test_list_shows_no_personal_data(cast: Cast) -> None:
    body = client_for(cast.coordinator).get("/cases/").content.decode()
    assert display(cast.assigned_case.reference) in body
    assert "loud music" not in body
    assert "resident@example.org" not in body


def test_list_writes_one_access_event_per_request(cast: Cast) -> None:
    client_for(cast.coordinator).get("/cases/")
    events = AccessEvent.objects.filter(action=Action.LIST)
    assert events.count() == 1
    event = events.get()
    assert (event.actor_id, event.actor_role, event.outcome, event.object_id) == (
        str(cast.coordinator.pk),
        ActorRole.COORDINATOR,
        Outcome.SUCCESS,
        "",
    )


def test_coordinator_opens_a_case_of_their_community(cast: Cast) -> None:
    response = client_for(cast.coordinator).get(f"/cases/{cast.unassigned_case.reference}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Unassigned: fence" in body
    assert "resident@example.org" in body
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_case_page_accepts_the_displayed_reference_form(cast: Cast) -> None:
    shown = display(cast.assigned_case.reference).lower()
    response = client_for(cast.mediator).get(f"/cases/{shown}/")
    assert response.status_code == 200


def test_case_page_writes_one_view_event(cast: Cast) -> None:
    client_for(cast.mediator).get(f"/cases/{cast.assigned_case.reference}/")
    event = AccessEvent.objects.get(action=Action.VIEW)
    assert (event.object_type, event.object_id, event.actor_role, event.outcome) == (
        "case",
        str(cast.assigned_case.pk),
        ActorRole.MEDIATOR,
        Outcome.SUCCESS,
    )
    assert event.community_id == cast.community.pk
    assert event.request_id is not None


@pytest.mark.parametrize(
    ("persona", "case_attr"),
    [
        ("other_mediator", "assigned_case"),
        ("mediator", "unassigned_case"),
        ("privacy_officer", "assigned_case"),
        ("outsider", "assigned_case"),
        ("coordinator", "other_community_case"),
    ],
)
def test_out_of_scope_case_answers_404_and_is_logged(
    cast: Cast, persona: str, case_attr: str
) -> None:
    user = getattr(cast, persona)
    case = getattr(cast, case_attr)
    response = client_for(user).get(f"/cases/{case.reference}/")
    assert response.status_code == 404
    body = response.content.decode()
    for story in ("loud music", "fence", "parking"):
        assert story not in body
    event = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (event.actor_id, event.action, event.object_id) == (
        str(user.pk),
        Action.VIEW,
        str(case.pk),
    )


def test_unknown_reference_answers_the_same_404(cast: Cast) -> None:
    client = client_for(cast.outsider)
    missing = client.get("/cases/0000000000/")
    hidden = client.get(f"/cases/{cast.assigned_case.reference}/")
    assert missing.status_code == hidden.status_code == 404

    def page(response, path: str) -> str:
        # The CSRF token is masked afresh per response and the language form
        # returns to the path asked for; everything else must be identical.
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return body.replace(path, "PATH")

    assert page(missing, "/cases/0000000000/") == page(
        hidden, f"/cases/{cast.assigned_case.reference}/"
    )
    assert AccessEvent.objects.filter(outcome=Outcome.REFUSED).count() == 2


def test_anonymous_visitor_is_sent_to_sign_in(cast: Cast) -> None:
    from django.test import Client

    response = Client().get(f"/cases/{cast.assigned_case.reference}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert not AccessEvent.objects.filter(action=Action.VIEW).exists()


def test_deactivated_mediator_sees_nothing(cast: Cast) -> None:
    client = client_for(cast.mediator)
    cast.mediator.is_active = False
    cast.mediator.save()
    response = client.get(f"/cases/{cast.assigned_case.reference}/")
    assert response.status_code == 302  # the session no longer authenticates


def test_list_query_count_does_not_grow_with_cases_or_page_size(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    for n in range(30):
        make_case(community=cast.community, description=f"case {n}", mediator=cast.mediator)
    counts = []
    for per_page in (5, 50, 200):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/", {"per_page": per_page})
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1
    assert counts[0] <= 10


def test_case_page_query_count_is_bounded(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/{cast.assigned_case.reference}/")
    assert response.status_code == 200
    assert len(queries) <= 10


def test_the_404_page_is_generic_and_translated(cast: Cast, settings) -> None:
    settings.DEBUG = False
    client = client_for(cast.outsider)
    response = client.get("/cases/0000000000/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()


def test_the_list_query_never_reads_encrypted_columns(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as queries:
        client.get("/cases/")
    case_queries = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "cases_case"' in q["sql"] or 'FROM "cases_caseassignment"' in q["sql"]
    ]
    # One query: the page of cases, with their mediators read in a subquery.
    assert len(case_queries) == 1
    assert 'FROM "cases_caseassignment"' in case_queries[0]
    for sql in case_queries:
        assert '"description"' not in sql
        assert '"password"' not in sql
