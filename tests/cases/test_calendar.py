"""A mediator's calendar: "My sessions", the feed address (shown once, stored hashed,
revocable) and the feed, whose events carry no names, place, link or case reference."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, ActorType, Channel, Outcome
from mediation.cases.calendar import session_uid
from mediation.cases.feed_tokens import hash_feed_token
from mediation.cases.models import CalendarFeedToken, CaseAssignment, SessionFormat
from mediation.cases.references import display
from mediation.cases.session_services import session_cancel
from tests.cases.casework import LINK, PLACE, at, move_to_past, ready_for_sessions, schedule
from tests.conftest import Cast, client_for
from tests.factories import make_case

pytestmark = pytest.mark.django_db

FEED_URL = re.compile(r'value="(http://testserver/calendar/feed/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def case(cast: Cast):
    return ready_for_sessions(cast.assigned_case)


def _new_feed(user) -> tuple[str, str]:
    """Make a feed address through the page; return (url path, token)."""
    response = client_for(user).post("/calendar/feed/new/")
    assert response.status_code == 200
    url, token = FEED_URL.search(response.content.decode()).groups()
    return url.removeprefix("http://testserver"), token


def _events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


# The feed address


def test_the_feed_address_is_shown_once_and_stored_only_hashed(cast: Cast) -> None:
    _path, token = _new_feed(cast.mediator)
    assert len(token) >= 43  # 256 random bits, URL-safe base64
    feed = CalendarFeedToken.objects.get()
    assert feed.user == cast.mediator
    assert feed.token_hash == hash_feed_token(token) != token
    assert token not in str(list(CalendarFeedToken.objects.values()))
    # The page that follows does not show it again.
    page = client_for(cast.mediator).get("/calendar/").content.decode()
    assert token not in page
    assert "Your feed address has worked since" in page


def test_making_an_address_is_logged(cast: Cast) -> None:
    _new_feed(cast.mediator)
    event = AccessEvent.objects.get(object_type="calendar_feed", action=Action.CREATE)
    assert (event.actor_id, event.object_id) == (
        str(cast.mediator.pk),
        str(CalendarFeedToken.objects.get().pk),
    )


def test_a_new_address_stops_the_old_one(cast: Cast) -> None:
    old_path, _ = _new_feed(cast.mediator)
    new_path, _ = _new_feed(cast.mediator)
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200
    assert CalendarFeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_revoked_address_answers_404(cast: Cast) -> None:
    path, _ = _new_feed(cast.mediator)
    response = client_for(cast.mediator).post("/calendar/feed/revoke/")
    assert response.status_code == 302
    assert Client().get(path).status_code == 404
    assert CalendarFeedToken.objects.get().revoked_at is not None
    assert AccessEvent.objects.filter(object_type="calendar_feed", action=Action.DELETE).exists()


def test_a_wrong_token_answers_404_and_is_logged(cast: Cast) -> None:
    _new_feed(cast.mediator)
    assert Client().get("/calendar/feed/not-the-token.ics").status_code == 404
    assert Client().get(f"/calendar/feed/{'x' * 500}.ics").status_code == 404
    refused = AccessEvent.objects.filter(object_type="calendar_feed", outcome=Outcome.REFUSED)
    assert refused.count() == 2
    assert set(refused.values_list("actor_type", flat=True)) == {ActorType.ANONYMOUS}


def test_a_deactivated_mediators_feed_stops(cast: Cast) -> None:
    path, _ = _new_feed(cast.mediator)
    cast.mediator.is_active = False
    cast.mediator.save()
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "privacy_officer", "outsider"])
def test_only_mediators_have_a_calendar(cast: Cast, persona: str) -> None:
    client = client_for(getattr(cast, persona))
    assert client.get("/calendar/").status_code == 404
    assert client.post("/calendar/feed/new/").status_code == 404
    assert client.post("/calendar/feed/revoke/").status_code == 404
    assert not CalendarFeedToken.objects.exists()


def test_the_calendar_pages_need_sign_in_and_csrf(cast: Cast) -> None:
    assert Client().get("/calendar/").status_code == 302
    assert Client().post("/calendar/feed/new/").status_code == 302
    client = client_for(cast.mediator)
    client.handler.enforce_csrf_checks = True
    assert client.post("/calendar/feed/new/").status_code == 403
    assert not CalendarFeedToken.objects.exists()


# What the feed holds


def test_the_feed_holds_times_and_uids_only(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11), location=PLACE)
    online = schedule(
        cast.coordinator, case, at(4, 10), at(4, 11), format=SessionFormat.ONLINE, location=LINK
    )
    path, token = _new_feed(cast.mediator)
    response = Client().get(path)
    events = _events(response)
    assert [str(e["uid"]) for e in events] == [session_uid(session.pk), session_uid(online.pk)]
    assert [e.decoded("dtstart") for e in events] == [at(3, 10), at(4, 10)]
    assert {str(e["summary"]) for e in events} == {"Mediation session"}
    assert all("location" not in e for e in events)
    text = response.content.decode()
    for secret in (
        case.reference,
        display(case.reference),
        PLACE,
        "Riverside",
        LINK,
        "meet.example.org",
        "Mr Wang",
        "13800000000",
        "resident@example.org",
        "loud music",
        "Requester",
        "Other party",
        cast.mediator.username,
        token,
    ):
        assert secret not in text, secret
    # No session cookie for a calendar app.
    assert "sessionid" not in response.cookies


def test_the_feed_follows_changes_and_drops_cancellations(cast: Cast, case) -> None:
    kept = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    dropped = schedule(cast.coordinator, case, at(4, 10), at(4, 11))
    with audit_context(channel=Channel.WEB):
        session_cancel(user=cast.coordinator, reference=case.reference, session_id=dropped.pk)
    path, _ = _new_feed(cast.mediator)
    assert [str(e["uid"]) for e in _events(Client().get(path))] == [session_uid(kept.pk)]


def test_the_feed_reaches_back_thirty_days(cast: Cast, case) -> None:
    recent = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    old = schedule(cast.coordinator, case, at(4, 10), at(4, 11))
    move_to_past(recent, days=5)
    move_to_past(old, days=45)
    path, _ = _new_feed(cast.mediator)
    assert [str(e["uid"]) for e in _events(Client().get(path))] == [session_uid(recent.pk)]


def test_the_feed_leaves_out_cases_the_mediator_came_off(cast: Cast, case) -> None:
    schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    CaseAssignment.objects.filter(case=case, mediator=cast.mediator).update(ended_at=at(-1, 9))
    path, _ = _new_feed(cast.mediator)
    assert _events(Client().get(path)) == []


def test_the_feed_is_only_the_owners_sessions(cast: Cast, case) -> None:
    elsewhere = ready_for_sessions(
        make_case(community=cast.community, mediator=cast.other_mediator)
    )
    schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    theirs = schedule(cast.coordinator, elsewhere, at(3, 10), at(3, 11))
    path, _ = _new_feed(cast.other_mediator)
    assert [str(e["uid"]) for e in _events(Client().get(path))] == [session_uid(theirs.pk)]


def test_reading_the_feed_is_logged(cast: Cast, case) -> None:
    schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    path, _ = _new_feed(cast.mediator)
    Client().get(path)
    event = AccessEvent.objects.get(object_type="calendar_feed", action=Action.EXPORT)
    assert (event.actor_type, event.actor_id, event.actor_role, event.purpose) == (
        ActorType.STAFF,
        str(cast.mediator.pk),
        ActorRole.MEDIATOR,
        "casework",
    )


def test_feed_queries_do_not_grow_with_sessions(cast: Cast, case) -> None:
    path, _ = _new_feed(cast.mediator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(path).status_code == 200
        return len(queries)

    for day in (1, 2):
        schedule(cast.coordinator, case, at(day, 10), at(day, 11))
    few = count()
    for day in range(3, 21):
        schedule(cast.coordinator, case, at(day, 10), at(day, 11))
    assert count() == few


# My sessions


def test_my_sessions_lists_upcoming_sessions_without_places(cast: Cast, case) -> None:
    schedule(cast.coordinator, case, at(3, 10), at(3, 11), location=PLACE)
    past = schedule(cast.coordinator, case, at(4, 10), at(4, 11))
    move_to_past(past, days=2)
    response = client_for(cast.mediator).get("/calendar/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.reference, row.starts_at) for row in rows] == [
        (display(case.reference), at(3, 10))
    ]
    body = response.content.decode()
    assert f'href="/cases/{case.reference}/sessions/"' in body
    assert PLACE not in body
    assert "Mr Wang" not in body
    event = AccessEvent.objects.get(action=Action.LIST)
    assert (event.actor_id, event.object_id) == (str(cast.mediator.pk), "")


def test_my_sessions_shows_nothing_of_other_mediators(cast: Cast, case) -> None:
    schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    response = client_for(cast.other_mediator).get("/calendar/")
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert display(case.reference) not in response.content.decode()


def test_my_sessions_queries_do_not_grow_and_pages(
    cast: Cast, case, django_assert_max_num_queries
) -> None:
    client = client_for(cast.mediator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/calendar/").status_code == 200
        return len(queries)

    for day in (1, 2):
        schedule(cast.coordinator, case, at(day, 10), at(day, 11))
    few = count()
    for day in range(3, 31):
        schedule(cast.coordinator, case, at(day, 10), at(day, 11))
    with django_assert_max_num_queries(few):
        first = client.get("/calendar/")
    assert len(first.context["rows"]) == 25
    assert 'rel="next"' in first.content.decode()
    second = client.get("/calendar/", {"page": 2})
    assert len(second.context["rows"]) == 5


def test_a_password_only_session_cannot_make_a_feed(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.mediator)
    assert client.get("/calendar/").status_code == 302
    assert client.post("/calendar/feed/new/").status_code == 302
    assert not CalendarFeedToken.objects.exists()
