"""Two people booking the same mediator at the same moment: only one booking is made.

On PostgreSQL the check locks the mediators' rows, so the second booker waits
for the first to commit and then sees its booking. (SQLite serialises writers
with IMMEDIATE transactions, so the race cannot happen there; the in-memory
test database cannot be shared between threads either.)
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from mediation.cases import session_services
from mediation.cases.models import SessionMediator
from mediation.cases.session_services import SessionRefused
from tests.cases.casework import at, ready_for_sessions, schedule
from tests.conftest import Cast
from tests.factories import make_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
)


def test_concurrent_overlapping_bookings_cannot_both_succeed(
    cast_db: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    cast = cast_db
    first = ready_for_sessions(cast.assigned_case)
    second = ready_for_sessions(
        make_case(community=cast.community, description="Second", mediator=cast.mediator)
    )
    checked = threading.Event()
    check = session_services._double_booking_problem

    def slow_check(**kwargs):
        # The first booker passes the check, then dawdles before inserting: the
        # window in which an unlocked second booker would pass the check as well.
        problem = check(**kwargs)
        if not checked.is_set():
            checked.set()
            time.sleep(0.5)
        return problem

    monkeypatch.setattr(session_services, "_double_booking_problem", slow_check)
    outcomes: list[str] = []

    def book(case, start_hour: int) -> None:
        try:
            schedule(cast.coordinator, case, at(3, start_hour), at(3, start_hour + 1))
            outcomes.append("booked")
        except SessionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    leader = threading.Thread(target=book, args=(first, 10))
    leader.start()
    assert checked.wait(timeout=10)
    follower = threading.Thread(target=book, args=(second, 10))
    follower.start()
    leader.join(timeout=30)
    follower.join(timeout=30)
    assert sorted(outcomes) == ["booked", "refused"]
    assert SessionMediator.objects.filter(mediator=cast.mediator, is_cancelled=False).count() == 1
