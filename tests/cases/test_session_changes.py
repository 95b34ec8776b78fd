"""Sessions once arranged: changing, cancelling, attendance, and the .ics download that follows."""

from __future__ import annotations

import datetime

import pytest
from icalendar import Calendar

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel, Outcome
from mediation.cases.calendar import session_uid
from mediation.cases.models import (
    AttendanceChoice,
    CaseEvent,
    EventKind,
    PartyRole,
    Session,
    SessionAttendance,
    SessionFormat,
    SessionMediator,
    SessionStatus,
)
from mediation.cases.references import display
from mediation.cases.session_services import (
    SessionPlan,
    SessionRefused,
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
    schedule,
)
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def _change(user, case, session, starts_at, ends_at, location=PLACE, fmt=SessionFormat.IN_PERSON):
    with audit_context(channel=Channel.WEB):
        return session_change(
            user=user,
            reference=case.reference,
            session_id=session.pk,
            plan=SessionPlan(starts_at=starts_at, ends_at=ends_at, format=fmt, location=location),
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


# The .ics download


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
