"""Staff pages in a real browser: signing in with two factors, setting them up, opening a case."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mediation.accounts.models import Role
from mediation.audit.models import AccessEvent, Action
from mediation.cases.references import display
from tests.conftest import totp_code
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community():
    return CommunityFactory(slug="riverside", name_en="Riverside Centre", name_zh="河畔调解中心")


def test_a_coordinator_signs_in_with_a_code_and_opens_the_case(
    browser, live_server, community
) -> None:
    from tests.factories import make_case

    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    device = TOTPDevice.objects.create(user=coordinator, name="authenticator app", confirmed=True)
    case = make_case(community=community, description="Noise from the flat above.")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=display(case.reference)).click()
    expect(page.get_by_text("Noise from the flat above.")).to_be_visible()
    assert axe_violations(page) == []
    context.close()
    assert list(AccessEvent.objects.order_by("id").values_list("action", flat=True)) == [
        Action.LOGIN,
        Action.LIST,
        Action.VIEW,
    ]


def test_a_new_mediator_sets_up_an_app_on_a_phone(phone_page, live_server, community) -> None:
    """The set-up page works on a phone, loads nothing from elsewhere and passes axe."""
    staff_with_role(Role.MEDIATOR, community, "newcomer")
    page = phone_page
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert axe_violations(page) == []
    key = page.locator("#secret").inner_text()
    totp = TOTP(b32decode(key.replace(" ", "")))
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code) for code in codes)
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()


def test_the_error_and_recovery_pages_pass_axe(browser, live_server, community) -> None:
    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    TOTPDevice.objects.create(user=coordinator, name="authenticator app", confirmed=True)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill("12ab")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", name="Use a recovery code")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Recovery code").fill("0000-0000-0000-0000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That recovery code is not right").first).to_be_visible()
    assert axe_violations(page) == []
    context.close()


def test_signing_in_through_the_helper_reaches_the_admin(browser, live_server) -> None:
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    context = browser.new_context()
    page = context.new_page()
    staff_sign_in(page, live_server.url, admin, next_path="/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    context.close()


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
    expect(page.get_by_role("link", name="Quick exit")).to_be_visible()
    context.close()
