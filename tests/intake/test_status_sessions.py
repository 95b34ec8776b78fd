"""The resident's status page shows that person's own sessions, and never the other party's."""

from __future__ import annotations

import pytest
from django.test import Client

from mediation.audit.context import audit_context
from mediation.audit.models import Channel
from mediation.cases.models import PartyRole, SessionFormat
from mediation.cases.references import display
from mediation.cases.services import party_issue_status_code
from mediation.cases.session_selectors import sessions_for_party
from mediation.cases.session_services import session_cancel
from tests.cases.casework import LINK, at, parties, ready_for_sessions, schedule
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

JOINT_PLACE = "Community hall, room 2"
MY_LINK = LINK
THEIR_PLACE = "Back office of the centre, side door"


@pytest.fixture
def arranged(cast: Cast):
    """A joint session, one separate session for each party, and a cancelled one."""
    case = ready_for_sessions(cast.assigned_case)
    both = parties(case)
    requester, other = both[PartyRole.REQUESTER], both[PartyRole.OTHER_PARTY]
    schedule(cast.coordinator, case, at(3, 10), at(3, 11), location=JOINT_PLACE)
    schedule(
        cast.coordinator,
        case,
        at(4, 10),
        at(4, 11),
        party_ids=[requester.pk],
        format=SessionFormat.ONLINE,
        location=MY_LINK,
    )
    schedule(
        cast.coordinator, case, at(4, 14), at(4, 15), party_ids=[other.pk], location=THEIR_PLACE
    )
    cancelled = schedule(
        cast.coordinator, case, at(5, 10), at(5, 11), party_ids=[requester.pk], location="Gone"
    )
    with audit_context(channel=Channel.WEB):
        session_cancel(user=cast.coordinator, reference=case.reference, session_id=cancelled.pk)
    return case, requester, other


def test_a_party_gets_only_their_own_sessions(arranged) -> None:
    _case, requester, other = arranged
    mine = sessions_for_party(party=requester)
    assert [(s.starts_at, s.location, s.status) for s in mine] == [
        (at(3, 10), JOINT_PLACE, "scheduled"),
        (at(4, 10), MY_LINK, "scheduled"),
        (at(5, 10), "Gone", "cancelled"),
    ]
    theirs = sessions_for_party(party=other)
    assert [(s.starts_at, s.location) for s in theirs] == [
        (at(3, 10), JOINT_PLACE),
        (at(4, 14), THEIR_PLACE),
    ]


def test_a_party_without_sessions_gets_none(cast: Cast) -> None:
    case = ready_for_sessions(cast.unassigned_case)
    assert sessions_for_party(party=parties(case)[PartyRole.REQUESTER]) == []


def test_the_status_page_lists_the_residents_sessions_only(arranged) -> None:
    case, requester, _other = arranged
    code = party_issue_status_code(party=requester)
    client = Client()
    signed_in = client.post("/status/", {"reference": display(case.reference), "code": code})
    assert signed_in.status_code == 302
    body = client.get("/status/case/").content.decode()
    assert JOINT_PLACE in body
    assert MY_LINK in body
    assert "Cancelled" in body
    assert THEIR_PLACE not in body
    assert at(4, 14).strftime("%Y-%m-%d") + " 14:00" not in body
    assert "No sessions have been arranged yet" not in body


def test_the_status_page_says_when_there_are_no_sessions(cast: Cast) -> None:
    case = ready_for_sessions(cast.assigned_case)
    requester = parties(case)[PartyRole.REQUESTER]
    code = party_issue_status_code(party=requester)
    client = Client()
    client.post("/status/", {"reference": display(case.reference), "code": code})
    body = client.get("/status/case/").content.decode()
    assert "No sessions have been arranged yet" in body
