"""Sessions: arranging, no double booking, changes, attendance, the .ics download, scoping."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel, Outcome
from mediation.cases.calendar import session_uid
from mediation.cases.models import (
    AttendanceChoice,
    CaseEvent,
    EventKind,
    PartyRole,
    SafetyScreening,
    ScreeningDecision,
    Session,
    SessionAttendance,
    SessionFormat,
    SessionMediator,
    SessionStatus,
    Status,
)
from mediation.cases.references import display
from mediation.cases.session_services import (
    SessionPlan,
    SessionRefused,
    session_bookings_release,
    session_cancel,
    session_change,
    session_record_attendance,
)
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from tests.cases.casework import (
    LINK,
    PLACE,
    assign,
    at,
    form_data,
    move_to_past,
    parties,
    put_in,
    ready_for_sessions,
    schedule,
)
from tests.conftest import Cast, client_for
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast: Cast):
    return ready_for_sessions(cast.assigned_case)


@pytest.fixture
def second_case(cast: Cast):
    """Another case of the same mediator: where double bookings would come from."""
    other = make_case(community=cast.community, description="Second: hedge", mediator=cast.mediator)
    return ready_for_sessions(other)


def _change(user, case, session, starts_at, ends_at, location=PLACE, fmt=SessionFormat.IN_PERSON):
    with audit_context(channel=Channel.WEB):
        return session_change(
            user=user,
            reference=case.reference,
            session_id=session.pk,
            plan=SessionPlan(starts_at=starts_at, ends_at=ends_at, format=fmt, location=location),
        )


# Arranging a session


def test_coordinator_arranges_a_joint_session_and_the_mediators_are_booked(
    cast: Cast, case
) -> None:
    assign(case, cast.other_mediator)
    both = parties(case)
    response = client_for(cast.coordinator).post(
        f"/cases/{case.reference}/sessions/new/",
        form_data(at(3, 10), at(3, 11), party_ids=[p.pk for p in both.values()]),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.reference}/sessions/"
    session = Session.objects.get()
    assert (session.starts_at, session.ends_at, session.status, session.sequence) == (
        at(3, 10),
        at(3, 11),
        SessionStatus.SCHEDULED,
        0,
    )
    assert set(session.bookings.values_list("mediator_id", "starts_at", "is_cancelled")) == {
        (cast.mediator.pk, at(3, 10), False),
        (cast.other_mediator.pk, at(3, 10), False),
    }
    assert set(session.attendance.values_list("party_id", flat=True)) == {
        p.pk for p in both.values()
    }


def test_the_place_is_stored_encrypted(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11), location=PLACE)
    raw = Session.objects.values_list("location", flat=True).get(pk=session.pk)
    assert PLACE.encode() not in bytes(raw)
    cipher = CaseCipher.for_data_key(case.data_key)
    assert fields.decrypt(Session.objects.get(pk=session.pk), "location", cipher) == PLACE


def test_arranging_writes_a_timeline_and_an_access_event(cast: Cast, case) -> None:
    session = schedule(cast.mediator, case, at(3, 10), at(3, 11))
    event = CaseEvent.objects.get(kind=EventKind.SESSION_SCHEDULED)
    assert (event.case_id, event.actor_id, event.subject_id) == (
        case.pk,
        cast.mediator.pk,
        session.pk,
    )
    access = AccessEvent.objects.get(action=Action.CREATE, object_type="case")
    assert (access.actor_id, access.actor_role, access.object_id, access.outcome) == (
        str(cast.mediator.pk),
        ActorRole.MEDIATOR,
        str(case.pk),
        Outcome.SUCCESS,
    )


def test_a_separate_session_is_for_one_party_only(cast: Cast, case) -> None:
    requester = parties(case)[PartyRole.REQUESTER]
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11), party_ids=[requester.pk])
    assert list(session.attendance.values_list("party_id", flat=True)) == [requester.pk]


def test_arranging_does_not_move_the_case(cast: Cast, case) -> None:
    put_in(case, Status.ASSIGNED)
    schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED


@pytest.mark.parametrize(
    ("data_change", "message"),
    [
        ({"ends": "09:00"}, "must end after it starts"),
        ({"location": ""}, "Say where the session is"),
        ({"date": "2001-01-01"}, "in the future"),
        ({"date": "not a date"}, "Enter a real date"),
        ({"location": "Room\x07 3"}, "special characters"),
        ({"parties": []}, "Choose who the session is for"),
    ],
)
def test_the_form_says_what_to_fix(cast: Cast, case, data_change, message) -> None:
    data = (
        form_data(at(3, 10), at(3, 11), party_ids=[p.pk for p in parties(case).values()])
        | data_change
    )
    if not data_change.get("parties", True):
        del data["parties"]
    response = client_for(cast.coordinator).post(f"/cases/{case.reference}/sessions/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_a_phone_session_needs_no_place(cast: Cast, case) -> None:
    session = schedule(
        cast.coordinator, case, at(3, 10), at(3, 11), format=SessionFormat.PHONE, location=""
    )
    assert session.location is None


def test_a_party_of_another_case_cannot_be_invited(cast: Cast, case, second_case) -> None:
    stranger = parties(second_case)[PartyRole.REQUESTER]
    with pytest.raises(SessionRefused):
        schedule(cast.coordinator, case, at(3, 10), at(3, 11), party_ids=[stranger.pk])
    assert not Session.objects.exists()


def test_no_session_before_mediators_are_assigned(cast: Cast) -> None:
    case = ready_for_sessions(cast.unassigned_case)
    with pytest.raises(SessionRefused, match="Assign a mediator"):
        schedule(cast.coordinator, case, at(3, 10), at(3, 11))


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.SCREENING, Status.CLOSED])
def test_no_session_outside_the_mediation_stages(cast: Cast, case, status) -> None:
    put_in(case, status)
    with pytest.raises(SessionRefused):
        schedule(cast.coordinator, case, at(3, 10), at(3, 11))


def test_a_shuttle_screening_refuses_a_joint_session(cast: Cast, case) -> None:
    requester = parties(case)[PartyRole.REQUESTER]
    SafetyScreening.objects.create(
        case=case, party=requester, screener=cast.coordinator, decision=ScreeningDecision.SHUTTLE
    )
    with pytest.raises(SessionRefused, match="separate sessions"):
        schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    assert schedule(cast.coordinator, case, at(3, 10), at(3, 11), party_ids=[requester.pk])


def test_a_remote_screening_refuses_an_in_person_session(cast: Cast, case) -> None:
    requester = parties(case)[PartyRole.REQUESTER]
    SafetyScreening.objects.create(
        case=case, party=requester, screener=cast.coordinator, decision=ScreeningDecision.REMOTE
    )
    with pytest.raises(SessionRefused, match="remote sessions"):
        schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    assert schedule(
        cast.coordinator, case, at(3, 10), at(3, 11), format=SessionFormat.ONLINE, location=LINK
    )


# No double booking


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ((10, 30), (11, 30)),  # overlaps the end
        ((9, 30), (10, 30)),  # overlaps the start
        ((9, 0), (12, 0)),  # contains it
        ((10, 15), (10, 45)),  # inside it
        ((10, 0), (11, 0)),  # the same time
    ],
)
def test_an_overlapping_booking_of_the_mediator_is_refused(
    cast: Cast, case, second_case, start, end
) -> None:
    schedule(cast.coordinator, second_case, at(3, 10), at(3, 11))
    with pytest.raises(SessionRefused) as refused:
        schedule(cast.coordinator, case, at(3, *start), at(3, *end))
    message = str(refused.value.message)
    assert "mediator" in message  # the mediator's username
    assert "10:00 to 11:00" in message
    assert at(3, 10).strftime("%Y-%m-%d") in message
    # The other case is not named.
    assert second_case.reference not in message
    assert display(second_case.reference) not in message
    assert Session.objects.filter(case=case).count() == 0


@pytest.mark.parametrize(("start", "end"), [((11, 0), (12, 0)), ((9, 0), (10, 0))])
def test_back_to_back_sessions_are_fine(cast: Cast, case, second_case, start, end) -> None:
    schedule(cast.coordinator, second_case, at(3, 10), at(3, 11))
    assert schedule(cast.coordinator, case, at(3, *start), at(3, *end))


def test_a_cancelled_session_does_not_block(cast: Cast, case, second_case) -> None:
    earlier = schedule(cast.coordinator, second_case, at(3, 10), at(3, 11))
    with audit_context(channel=Channel.WEB):
        session_cancel(
            user=cast.coordinator, reference=second_case.reference, session_id=earlier.pk
        )
    assert schedule(cast.coordinator, case, at(3, 10), at(3, 11))


def test_another_mediators_booking_does_not_block(cast: Cast, case) -> None:
    elsewhere = make_case(community=cast.community, mediator=cast.other_mediator)
    ready_for_sessions(elsewhere)
    schedule(cast.coordinator, elsewhere, at(3, 10), at(3, 11))
    assert schedule(cast.coordinator, case, at(3, 10), at(3, 11))


def test_a_co_mediators_clash_refuses_the_session(cast: Cast, case) -> None:
    elsewhere = make_case(community=cast.community, mediator=cast.other_mediator)
    ready_for_sessions(elsewhere)
    schedule(cast.coordinator, elsewhere, at(3, 10), at(3, 11))
    assign(case, cast.other_mediator)
    with pytest.raises(SessionRefused, match="other_mediator already has a session"):
        schedule(cast.coordinator, case, at(3, 10, 30), at(3, 11, 30))


def test_a_refused_double_booking_is_shown_on_the_form_and_logged(
    cast: Cast, case, second_case
) -> None:
    schedule(cast.coordinator, second_case, at(3, 10), at(3, 11))
    response = client_for(cast.coordinator).post(
        f"/cases/{case.reference}/sessions/new/",
        form_data(at(3, 10, 30), at(3, 11, 30), party_ids=[p.pk for p in parties(case).values()]),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "already has a session" in body
    assert display(second_case.reference) not in body
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (refused.action, refused.object_id, refused.actor_id) == (
        Action.CREATE,
        str(case.pk),
        str(cast.coordinator.pk),
    )


# Changing, cancelling, attendance


def test_a_change_moves_the_bookings_and_bumps_the_sequence(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    changed = _change(
        cast.mediator, case, session, at(4, 14), at(4, 15), location=LINK, fmt=SessionFormat.ONLINE
    )
    assert (changed.starts_at, changed.format, changed.sequence) == (
        at(4, 14),
        SessionFormat.ONLINE,
        1,
    )
    assert list(session.bookings.values_list("starts_at", "ends_at")) == [(at(4, 14), at(4, 15))]
    cipher = CaseCipher.for_data_key(case.data_key)
    assert fields.decrypt(Session.objects.get(pk=session.pk), "location", cipher) == LINK
    assert CaseEvent.objects.filter(kind=EventKind.SESSION_CHANGED, subject_id=session.pk).exists()
    assert AccessEvent.objects.filter(
        action=Action.UPDATE, object_id=str(case.pk), outcome=Outcome.SUCCESS
    ).exists()


def test_a_change_rechecks_double_booking(cast: Cast, case, second_case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    schedule(cast.coordinator, second_case, at(3, 14), at(3, 15))
    with pytest.raises(SessionRefused, match="14:00 to 15:00"):
        _change(cast.coordinator, case, session, at(3, 14, 30), at(3, 15, 30))
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (at(3, 10), 0)


def test_a_change_may_overlap_the_sessions_own_old_time(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    assert _change(cast.coordinator, case, session, at(3, 10, 30), at(3, 11, 30)).sequence == 1


def test_a_change_books_a_mediator_assigned_since(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    assign(case, cast.other_mediator)
    _change(cast.coordinator, case, session, at(3, 10), at(3, 11))
    assert set(session.bookings.values_list("mediator_id", flat=True)) == {
        cast.mediator.pk,
        cast.other_mediator.pk,
    }


def test_changing_through_the_page(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    client = client_for(cast.mediator)
    page = client.get(f"/cases/{case.reference}/sessions/{session.pk}/")
    assert page.status_code == 200
    assert PLACE in page.content.decode()
    assert 'type="date"' in page.content.decode()
    response = client.post(
        f"/cases/{case.reference}/sessions/{session.pk}/", form_data(at(5, 9), at(5, 10))
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (at(5, 9), 1)


def test_cancelling_frees_the_mediators_and_is_recorded(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    response = client_for(cast.coordinator).post(
        f"/cases/{case.reference}/sessions/{session.pk}/cancel/"
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.sequence) == (SessionStatus.CANCELLED, 1)
    assert not SessionMediator.objects.filter(session=session, is_cancelled=False).exists()
    assert CaseEvent.objects.filter(kind=EventKind.SESSION_CHANGED, subject_id=session.pk).exists()


def test_a_cancelled_session_cannot_be_changed(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    with audit_context(channel=Channel.WEB):
        session_cancel(user=cast.coordinator, reference=case.reference, session_id=session.pk)
    with pytest.raises(SessionRefused):
        _change(cast.coordinator, case, session, at(4, 10), at(4, 11))


def test_attendance_is_recorded_and_the_session_marked_held(cast: Cast, case) -> None:
    both = parties(case)
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    move_to_past(session, days=1)
    response = client_for(cast.mediator).post(
        f"/cases/{case.reference}/sessions/{session.pk}/attendance/",
        {
            f"party_{both[PartyRole.REQUESTER].pk.hex}": AttendanceChoice.ATTENDED,
            f"party_{both[PartyRole.OTHER_PARTY].pk.hex}": AttendanceChoice.ABSENT,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert dict(SessionAttendance.objects.values_list("party__role", "attendance")) == {
        PartyRole.REQUESTER: AttendanceChoice.ATTENDED,
        PartyRole.OTHER_PARTY: AttendanceChoice.ABSENT,
    }
    assert CaseEvent.objects.filter(kind=EventKind.SESSION_RECORDED, subject_id=session.pk).exists()


def test_attendance_waits_for_the_session_to_start(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    with audit_context(channel=Channel.WEB), pytest.raises(SessionRefused, match="started"):
        session_record_attendance(
            user=cast.mediator,
            reference=case.reference,
            session_id=session.pk,
            attendance={p.pk: AttendanceChoice.ATTENDED for p in parties(case).values()},
        )


def test_attendance_must_cover_exactly_the_invited_parties(cast: Cast, case) -> None:
    requester = parties(case)[PartyRole.REQUESTER]
    other = parties(case)[PartyRole.OTHER_PARTY]
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11), party_ids=[requester.pk])
    move_to_past(session, days=1)
    with audit_context(channel=Channel.WEB), pytest.raises(SessionRefused):
        session_record_attendance(
            user=cast.mediator,
            reference=case.reference,
            session_id=session.pk,
            attendance={requester.pk: AttendanceChoice.ATTENDED, other.pk: AttendanceChoice.ABSENT},
        )


# The sessions page and the .ics download


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


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    return Calendar.from_ical(response.content)


def test_the_ics_download_parses_and_keeps_its_uid_across_changes(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    client = client_for(cast.mediator)
    url = f"/cases/{case.reference}/sessions/{session.pk}.ics"
    [first] = _calendar(client.get(url)).walk("VEVENT")
    assert (
        str(first["uid"]) == session_uid(session.pk) == f"{session.pk}@sessions.mediation.invalid"
    )
    assert first["sequence"] == 0
    assert first.decoded("dtstart") == at(3, 10)
    # Written in UTC ("Z"), whatever the centre's time zone.
    assert (
        first["dtstart"].to_ical()
        == at(3, 10).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ").encode()
    )
    assert first.decoded("dtend") == at(3, 11)
    assert str(first["location"]) == PLACE
    assert str(first["summary"]) == f"Mediation session {display(case.reference)}"
    assert first["status"] == "CONFIRMED"

    _change(cast.coordinator, case, session, at(4, 10), at(4, 11))
    [second] = _calendar(client.get(url)).walk("VEVENT")
    assert str(second["uid"]) == str(first["uid"])
    assert second["sequence"] == 1
    assert second.decoded("dtstart") == at(4, 10)


def test_a_cancelled_session_downloads_as_cancelled(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    with audit_context(channel=Channel.WEB):
        session_cancel(user=cast.coordinator, reference=case.reference, session_id=session.pk)
    response = client_for(cast.mediator).get(f"/cases/{case.reference}/sessions/{session.pk}.ics")
    [event] = _calendar(response).walk("VEVENT")
    assert (event["status"], event["sequence"]) == ("CANCELLED", 1)


def test_the_download_holds_no_party_data_and_is_logged(cast: Cast, case) -> None:
    session = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    response = client_for(cast.coordinator).get(
        f"/cases/{case.reference}/sessions/{session.pk}.ics"
    )
    text = response.content.decode()
    for personal in ("Mr Wang", "13800000000", "resident@example.org", "loud music"):
        assert personal not in text
    event = AccessEvent.objects.get(action=Action.DOWNLOAD)
    assert (event.object_type, event.object_id, event.actor_role, event.outcome) == (
        "case",
        str(case.pk),
        ActorRole.COORDINATOR,
        Outcome.SUCCESS,
    )


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


def test_releasing_a_mediator_frees_only_their_future_bookings_on_the_case(
    cast: Cast, case, second_case
) -> None:
    """For the service that takes a mediator off a case (or deactivates them)."""
    assign(case, cast.other_mediator)
    past = schedule(cast.coordinator, case, at(3, 10), at(3, 11))
    move_to_past(past, days=2)
    future = schedule(cast.coordinator, case, at(4, 10), at(4, 11))
    elsewhere = schedule(cast.coordinator, second_case, at(5, 10), at(5, 11))
    assert session_bookings_release(case=case, mediator_id=cast.mediator.pk) == 1
    live = set(
        SessionMediator.objects.filter(is_cancelled=False).values_list("session_id", "mediator_id")
    )
    assert live == {
        (past.pk, cast.mediator.pk),
        (past.pk, cast.other_mediator.pk),
        (future.pk, cast.other_mediator.pk),
        (elsewhere.pk, cast.mediator.pk),
    }
    # The freed time can be booked again.
    assert schedule(cast.coordinator, second_case, at(4, 10), at(4, 11))
