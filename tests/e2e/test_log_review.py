"""The access log review in a browser: filters without JavaScript, flags, the CSV, axe on each."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mediation.accounts.models import Role
from mediation.audit.models import AccessEvent, Action, ActorRole, ActorType, Outcome, Purpose
from mediation.cases.references import display
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import CommunityFactory, make_case, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_privacy_officer_reviews_the_log(browser, live_server, javascript: bool) -> None:
    community = CommunityFactory(slug="riverside")
    officer = staff_with_role(Role.PRIVACY_OFFICER, community, "privacy_officer")
    mediator = staff_with_role(Role.MEDIATOR, community, "mediator")
    case = make_case(community=community, description="Loud music from the flat above.")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    AccessEvent.objects.create(
        occurred_at=yesterday,
        actor_type=ActorType.STAFF,
        actor_id=str(mediator.pk),
        actor_role=ActorRole.MEDIATOR,
        action=Action.VIEW,
        object_type="case",
        object_id=str(case.pk),
        community_id=community.pk,
        purpose=Purpose.CASEWORK,
        channel="web",
        break_glass_id=uuid.uuid4(),
    )
    for _ in range(10):
        AccessEvent.objects.create(
            occurred_at=yesterday,
            actor_type=ActorType.ANONYMOUS,
            action=Action.VIEW,
            outcome=Outcome.REFUSED,
            object_type="case",
            object_id=str(case.pk),
            community_id=community.pk,
            purpose=Purpose.SELF_SERVICE,
            channel="web",
        )

    context = browser.new_context(java_script_enabled=javascript, accept_downloads=True)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    staff_sign_in(page, live_server.url, officer, next_path="/audit/log/")

    expect(page.get_by_role("heading", name="Access log")).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    if javascript:
        assert axe_violations(page) == []

    page.get_by_label("Staff member").fill("mediator")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**username=mediator**")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=display(case.reference))).to_be_visible()
    expect(rows.first.get_by_role("link", name="Break-glass")).to_be_visible()
    assert "Loud music" not in page.content()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download these events (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("event_id,time_utc,actor_type")
    assert len(text.splitlines()) == 2
    assert AccessEvent.objects.filter(action=Action.EXPORT, actor_id=str(officer.pk)).exists()

    page.get_by_role("link", name="Unusual patterns in the last seven days").click()
    expect(page.get_by_role("heading", name="Failed status checks on one case")).to_be_visible()
    expect(page.get_by_role("link", name=f"Attempts on {display(case.reference)}")).to_be_visible()
    if javascript:
        assert axe_violations(page) == []

    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    if javascript:
        assert axe_violations(page) == []
    assert not [text for text in console if "Content Security Policy" in text]
    context.close()
