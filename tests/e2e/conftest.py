"""Headless Chromium through Playwright, with the system's Chromium (never downloaded).

Without a Chromium these tests are skipped with the reason shown, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

# Playwright's sync API runs an event loop in this thread; Django must allow
# its ORM calls from the live server fixtures beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MEDIATION_CHROMIUM") or shutil.which("chromium") or ""
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but no Chromium found: install Debian's chromium.")
    skip = pytest.mark.skip(reason="no Chromium found (install Debian's chromium to run these)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator[object]:
    """A page on a phone-sized viewport that fails the test on any off-site request."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: foreign.append(request.url)
        if not request.url.startswith(live_server.url)
        else None,
    )
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert foreign == [], f"requests to other origins: {foreign}"


def axe_violations(page: object) -> list[str]:
    """Return the axe-core WCAG 2.x A/AA violations on the page (empty when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        },
    )
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
    ]


def staff_sign_in(page: object, base_url: str, user: object, *, next_path: str = "/cases/") -> None:
    """Sign in through both pages: the password, then the code the user's app would show.

    Gives the user a confirmed authenticator device if they have none.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import totp_code
    from tests.factories import PASSWORD

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    page.goto(f"{base_url}/staff/login/?next={next_path}")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(user.username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Continue").click()  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: "/staff/login/" not in url)  # type: ignore[attr-defined]
