"""Assignment pages in a real browser: accessible, no script needed, the check shown in words."""

from __future__ import annotations

import os
import re

import pytest

from mediation.accounts.models import Role
from mediation.assignment.models import MediatorProfile
from mediation.cases.models import CaseAssignment, Status
from mediation.cases.services import party_add_other
from mediation.cases.workflow import case_transition
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import CommunityFactory, make_case, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSIGN_LEAD = re.compile(r"Assign as lead mediator\W+chen_mediator")
# Set MEDIATION_SCREENSHOTS=/some/dir to keep screenshots of each page for review.
SCREENSHOTS = os.environ.get("MEDIATION_SCREENSHOTS", "")


def _shot(page: object, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)  # type: ignore[attr-defined]


def test_a_coordinator_confirms_the_check_and_assigns_a_lead_without_javascript(
    browser, live_server
) -> None:
    community = CommunityFactory(slug="riverside")
    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    mediator = staff_with_role(Role.MEDIATOR, community, "chen_mediator")
    MediatorProfile.objects.create(
        user=mediator, languages=["en", "zh-hans"], categories=["neighbour"]
    )
    case = make_case(community=community, description="Noise from the flat above.")
    case_transition(user=coordinator, reference=case.reference, target=Status.SCREENING)
    party_add_other(case=case, identity="Wang Fang", contact_json="{}")

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    staff_sign_in(page, live_server.url, coordinator, next_path="/assignment/")
    page.get_by_role("link", name=case.reference).click()
    assert page.get_by_role("heading", name="chen_mediator").is_visible()
    assert page.get_by_text("Cannot check: a party gave no name").first.is_visible()
    assert axe_violations_without_js(browser, page.url, context) == []
    _shot(page, "assignment-case")

    page.get_by_role("button", name=ASSIGN_LEAD).click()
    assert page.get_by_text("There is a problem").is_visible()
    page.get_by_label(
        "I have checked in person that chen_mediator knows none of the parties"
    ).check()
    page.get_by_role("button", name=ASSIGN_LEAD).click()
    assert page.get_by_text("chen_mediator is now on the case as Lead mediator.").is_visible()
    _shot(page, "assignment-case-assigned")
    assert CaseAssignment.objects.get(case=case).mediator == mediator
    context.close()


def axe_violations_without_js(browser: object, url: str, context: object) -> list[str]:
    """Run axe (which needs script) on the same page in a context with script allowed."""
    cookies = context.cookies()  # type: ignore[attr-defined]
    checking = browser.new_context()  # type: ignore[attr-defined]
    checking.add_cookies(cookies)
    page = checking.new_page()
    page.goto(url)
    try:
        return axe_violations(page)
    finally:
        checking.close()


def test_a_mediator_declares_names_on_a_phone(phone_page, live_server) -> None:
    community = CommunityFactory(slug="riverside")
    mediator = staff_with_role(Role.MEDIATOR, community, "mediator")
    page = phone_page
    staff_sign_in(page, live_server.url, mediator, next_path="/assignment/declarations/")
    assert page.get_by_role("heading", name="People you know").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Names of people you know").fill("Wang Fang\nＣＨＥＮ　ＪＩＥ")
    page.get_by_role("button", name="Add these names").click()
    assert page.get_by_text("You have declared 2 names.").is_visible()
    assert axe_violations(page) == []
    _shot(page, "declarations")
    page.goto(f"{live_server.url}/assignment/profile/")
    assert axe_violations(page) == []
    _shot(page, "profile")
