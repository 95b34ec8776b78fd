"""Sessions: arranging, no double booking, and releasing a mediator's bookings.

Changes, cancelling, attendance and the .ics download are in ``test_session_changes.py``;
the sessions page and who may reach it in ``test_session_pages.py``.
"""

from __future__ import annotations

import pytest

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel, Outcome
from mediation.cases.models import (
    CaseEvent,
    EventKind,
    PartyRole,
    SafetyScreening,
    ScreeningDecision,
    Session,
    SessionFormat,
    SessionMediator,
    SessionStatus,
    Status,
)
from mediation.cases.references import display
from mediation.cases.session_services import (
    SessionRefused,
    session_bookings_release,
    session_cancel,
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
