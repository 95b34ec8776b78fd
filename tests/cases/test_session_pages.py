"""The sessions page, and who may reach the session pages (ASVS 8.2.2)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mediation.audit.models import AccessEvent, Action, ActorRole, Outcome
from mediation.cases.models import (
    Session,
    SessionStatus,
)
from tests.cases.casework import (
    PLACE,
    at,
    form_data,
    parties,
    schedule,
)
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


# The sessions page


def test_the_sessions_page_shows_times_places_and_who_for(cast: Cast, case) -> None:
    schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    response = client_for(cast.mediator).get(f"/cases/{case.reference}/sessions/")
    assert response.status_code == 200
    body = response.content.decode()
    assert PLACE in body
    assert at(3, 10).strftime("%Y-%m-%d") in body
    assert "10:00–11:00" in body
    assert "Requester" in body
    assert "Other party" in body
    # Parties are named by role only on this page.
    assert "Mr Wang" not in body
    view = AccessEvent.objects.get(action=Action.VIEW)
    assert (view.object_type, view.object_id, view.actor_role) == (
        "case",
        str(case.pk),
        ActorRole.MEDIATOR,
    )


def test_free_text_is_escaped_on_the_page(cast: Cast, case) -> None:
    schedule(cast.coordinator, case, at(3, 10), at(3, 11), location="<script>alert(1)</script>")
    body = client_for(cast.coordinator).get(f"/cases/{case.reference}/sessions/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_sessions_page_queries_do_not_grow_with_sessions(
    cast: Cast, case, django_assert_max_num_queries
) -> None:
    client = client_for(cast.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/{case.reference}/sessions/").status_code == 200
        return len(queries)

    for day in (1, 2):
        schedule(cast.coordinator, case, at(day, 10), at(day, 11))
    few = count()
    for day in range(3, 21):
        schedule(cast.coordinator, case, at(day, 10), at(day, 11))
    assert Session.objects.count() == 20
    with django_assert_max_num_queries(few):
        client.get(f"/cases/{case.reference}/sessions/")


# Who may do what (ASVS 8.2.2): out of scope is a 404, logged, and changes nothing


def _pages(case, session) -> list[tuple[str, str, dict]]:
    base = f"/cases/{case.reference}/sessions"
    data = form_data(at(6, 10), at(6, 11), party_ids=[p.pk for p in parties(case).values()])
    return [
        ("get", f"{base}/", {}),
        ("get", f"{base}/new/", {}),
        ("post", f"{base}/new/", data),
        ("get", f"{base}/{session.pk}/", {}),
        ("post", f"{base}/{session.pk}/", form_data(at(7, 10), at(7, 11))),
        ("post", f"{base}/{session.pk}/cancel/", {}),
        ("get", f"{base}/{session.pk}/attendance/", {}),
        ("post", f"{base}/{session.pk}/attendance/", {}),
        ("get", f"{base}/{session.pk}.ics", {}),
    ]


@pytest.mark.parametrize("persona", ["other_mediator", "privacy_officer", "outsider"])
def test_everyone_outside_the_case_gets_404_everywhere(cast: Cast, case, persona) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    user = getattr(cast, persona)
    client = client_for(user)
    for method, url, data in _pages(case, session):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert PLACE not in response.content.decode()
    assert Session.objects.count() == 1
    session.refresh_from_db()
    assert (session.starts_at, session.status, session.sequence) == (
        at(3, 10),
        SessionStatus.SCHEDULED,
        0,
    )
    refused = AccessEvent.objects.filter(outcome=Outcome.REFUSED, actor_id=str(user.pk))
    assert refused.count() == len(_pages(case, session))
    assert set(refused.values_list("object_id", flat=True)) == {str(case.pk)}


@pytest.mark.parametrize("persona", ["coordinator", "mediator"])
def test_the_case_team_reaches_every_page(cast: Cast, case, persona) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    client = client_for(getattr(cast, persona))
    for method, url in (
        ("get", f"/cases/{case.reference}/sessions/"),
        ("get", f"/cases/{case.reference}/sessions/new/"),
        ("get", f"/cases/{case.reference}/sessions/{session.pk}/"),
        ("get", f"/cases/{case.reference}/sessions/{session.pk}/attendance/"),
        ("get", f"/cases/{case.reference}/sessions/{session.pk}.ics"),
    ):
        assert getattr(client, method)(url).status_code == 200, url


def test_a_session_of_another_case_is_404_through_this_case(cast: Cast, case, second_case) -> None:
    session = schedule(cast.coordinator, second_case, at(3, 10), at(3, 11))
    client = client_for(cast.mediator)
    for url in (
        f"/cases/{case.reference}/sessions/{session.pk}/",
        f"/cases/{case.reference}/sessions/{session.pk}.ics",
    ):
        assert client.get(url).status_code == 404
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED, action=Action.DOWNLOAD)
    assert (refused.object_type, refused.object_id) == ("session", str(session.pk))


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    for url in (
        f"/cases/{case.reference}/sessions/",
        f"/cases/{case.reference}/sessions/{session.pk}.ics",
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")


def test_forms_need_a_csrf_token(cast: Cast, case) -> None:
    client = client_for(cast.coordinator)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/cases/{case.reference}/sessions/new/",
        form_data(at(3, 10), at(3, 11), party_ids=[p.pk for p in parties(case).values()]),
    )
    assert response.status_code == 403
    assert not Session.objects.exists()


def test_the_new_session_form_is_accessible_html(cast: Cast, case) -> None:
    body = client_for(cast.coordinator).get(f"/cases/{case.reference}/sessions/new/").content
    html = body.decode()
    assert 'type="date"' in html
    assert 'type="time"' in html
    assert re.search(r"<legend>Who is this session for\?</legend>", html)
    assert "<script>" not in html.split("</head>")[1]  # no inline script in the body
    assert 'style="' not in html


def test_a_password_only_session_is_sent_to_sign_in(cast: Cast, case) -> None:
    """Staff pages need both sign-in steps (ASVS 6.3.3)."""
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    client = Client()
    client.force_login(cast.mediator)
    for url in (
        f"/cases/{case.reference}/sessions/",
        f"/cases/{case.reference}/sessions/{session.pk}.ics",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")
