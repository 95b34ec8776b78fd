"""The triage queue in a browser: filters refresh the list in place with htmx (no CSP
violation), and the same filters work with JavaScript off."""

from __future__ import annotations

import pytest

from mediation.accounts.models import Role
from mediation.cases.models import Category
from mediation.cases.references import display
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import CommunityFactory, make_case, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_filtering_the_queue(browser, live_server, javascript: bool) -> None:
    community = CommunityFactory(slug="riverside")
    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    family = make_case(community=community, category=Category.FAMILY)
    neighbours = make_case(community=community, category=Category.NEIGHBOUR)

    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    staff_sign_in(page, live_server.url, coordinator, next_path="/cases/triage/")
    assert page.get_by_role("link", name=display(neighbours.reference)).is_visible()
    if javascript:
        assert axe_violations(page) == []
    loads: list[str] = []
    page.on("load", lambda _page: loads.append("load"))

    page.get_by_label("Category").select_option("family")
    if not javascript:
        page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**category=family**")
    page.get_by_role("link", name=display(neighbours.reference)).wait_for(state="detached")
    assert page.get_by_role("link", name=display(family.reference)).is_visible()
    assert not [text for text in violations if "Content Security Policy" in text]
    # With JavaScript htmx swapped the list in place; without it the form reloaded the page.
    assert loads == ([] if javascript else ["load"])
    context.close()
