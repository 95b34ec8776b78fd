"""A mediator's day in a real browser: sign in with two factors, find the case, start
sessions, arrange one, take its calendar file, write a note, see the day's sessions.
Every page is checked with axe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mediation.accounts.models import Role
from mediation.cases.models import (
    AssignmentRole,
    CaseAssignment,
    Note,
    Session,
    Status,
)
from mediation.cases.references import display
from mediation.cases.services import party_add_other
from mediation.cases.workflow import case_transition
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import CommunityFactory, make_case, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mediators_day(browser, live_server) -> None:
    community = CommunityFactory(slug="riverside")
    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    mediator = staff_with_role(Role.MEDIATOR, community, "chen_mediator")
    case = make_case(community=community, description="Music from the flat above at night.")
    party_add_other(case=case, identity="The neighbour upstairs", contact_json="{}")
    case_transition(user=coordinator, reference=case.reference, target=Status.SCREENING)
    CaseAssignment.objects.create(case=case, mediator=mediator, role=AssignmentRole.LEAD)
    case_transition(user=coordinator, reference=case.reference, target=Status.ASSIGNED)
    reference = display(case.reference)

    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    staff_sign_in(page, live_server.url, mediator)

    # The case list shows only this mediator's case; open it.
    page.get_by_role("link", name=reference).click()
    assert page.get_by_role("heading", name=f"Case {reference}").is_visible()
    assert axe_violations(page) == []

    # Start the sessions stage from the case page.
    page.get_by_role("button", name="Sessions started").click()
    assert page.get_by_text("Done: the case is now “Sessions”.").is_visible()
    assert page.get_by_text("Assigned → Sessions").is_visible()

    # Arrange a session for the requester alone, tomorrow evening.
    page.get_by_role("navigation", name="Casework").get_by_role("link", name="Sessions").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Arrange a session").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("19:30")
    page.get_by_label("In person").check()
    page.get_by_label("Place, or link to join").fill("Community centre, room 2")
    page.get_by_label("Requester").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Arrange the session").click()
    assert page.get_by_text("Community centre, room 2").is_visible()
    session = Session.objects.get(case=case)
    assert session.bookings.get().mediator == mediator

    # Take the calendar file for that session.
    with page.expect_download() as download:
        page.get_by_role("link", name="Calendar file").first.click()
    ics = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert f"UID:{session.pk}@" in ics.replace("\r\n ", "")
    assert "BEGIN:VEVENT" in ics

    # Write a case note.
    page.goto(f"{live_server.url}/cases/{case.reference}/notes/")
    page.get_by_label("Note", exact=True).fill(
        "The requester prefers evenings; bring the noise diary."
    )
    page.get_by_role("button", name="Add the note").click()
    assert page.get_by_text("The requester prefers evenings; bring the noise diary.").is_visible()
    assert axe_violations(page) == []
    assert Note.objects.get(case=case).author == mediator

    # The day's plan: My sessions lists it, without place or names.
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="My sessions").click()
    assert page.get_by_role("link", name=reference).first.is_visible()
    assert page.get_by_text("Community centre, room 2").count() == 0
    assert axe_violations(page) == []
    context.close()
