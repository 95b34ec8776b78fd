"""Staff pages in a real browser: a coordinator signs in and opens a case."""

from __future__ import annotations

import pytest

from mediation.accounts.models import Role
from mediation.audit.models import AccessEvent, Action
from mediation.cases.references import display
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community():
    return CommunityFactory(slug="riverside", name_en="Riverside Centre", name_zh="河畔调解中心")


def test_a_coordinator_signs_in_and_opens_the_case(browser, live_server, community) -> None:
    from tests.factories import make_case

    staff_with_role(Role.COORDINATOR, community, "coordinator")
    case = make_case(community=community, description="Noise from the flat above.")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", name="Cases").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=display(case.reference)).click()
    assert page.get_by_text("Noise from the flat above.").is_visible()
    assert axe_violations(page) == []
    context.close()
    assert list(AccessEvent.objects.order_by("id").values_list("action", flat=True)) == [
        Action.LIST,
        Action.VIEW,
    ]


def test_the_content_security_policy_blocks_inline_script(browser, live_server, community) -> None:
    """SECURITY.md scenario 4: even if markup got in, inline script would not run."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/request/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.injected === undefined")
    # The site's own script (quick exit) still runs.
    assert page.get_by_role("link", name="Quick exit").is_visible()
    context.close()
