"""The referral page in a real browser: accessible, and it works without script."""

from __future__ import annotations

import pytest
from django.core import mail

from mediation.accounts.models import Role
from mediation.cases.models import Partner, PartnerKind, Referral, Status
from mediation.cases.workflow import case_transition
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import CommunityFactory, make_case, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_checks_the_packet_records_consent_and_sends_without_javascript(
    browser, live_server
) -> None:
    community = CommunityFactory(slug="riverside")
    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    case = make_case(community=community, description="Water leaks from the flat above.")
    case_transition(user=coordinator, reference=case.reference, target=Status.SCREENING)
    partner = Partner.objects.create(
        slug="riverside-legal-aid",
        name_en="Riverside Legal Aid",
        name_zh="河畔法律援助中心",
        kind=PartnerKind.LEGAL_AID,
        email="referrals@legal-aid.example.org",
    )
    partner.communities.add(community)

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    staff_sign_in(
        page, live_server.url, coordinator, next_path=f"/cases/{case.reference}/referral/"
    )
    page.get_by_role("radio", name="Requester").check()
    page.get_by_label("Riverside Legal Aid (Legal aid)").check()
    page.get_by_label("How and when to contact them").check()
    page.get_by_role("button", name="Check what will be sent").click()

    packet = page.locator("pre.packet")
    assert "resident@example.org" in packet.inner_text()
    assert "Water leaks" not in packet.inner_text()
    page.get_by_role("button", name="Send the referral").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert not Referral.objects.exists()

    page.get_by_role("radio", name="English").check()
    page.get_by_label("I read them the notice above and they agreed").check()
    page.get_by_role("button", name="Send the referral").click()
    assert page.get_by_text("The referral was sent to Riverside Legal Aid").is_visible()
    assert Referral.objects.get().shared == ["category", "contact"]
    assert len(mail.outbox) == 1
    context.close()


def test_the_referral_pages_have_no_accessibility_violations(browser, live_server) -> None:
    community = CommunityFactory(slug="riverside")
    coordinator = staff_with_role(Role.COORDINATOR, community, "coordinator")
    case = make_case(community=community)
    partner = Partner.objects.create(
        slug="victim-support",
        name_en="Victim Support",
        name_zh="受害人支援",
        kind=PartnerKind.VICTIM_SUPPORT,
        email="help@victim-support.example.org",
    )
    partner.communities.add(community)

    context = browser.new_context()
    page = context.new_page()
    staff_sign_in(
        page, live_server.url, coordinator, next_path=f"/cases/{case.reference}/referral/"
    )
    assert axe_violations(page) == []

    page.get_by_role("button", name="Check what will be sent").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("radio", name="Requester").check()
    page.get_by_label("Victim Support (Victim support)").check()
    page.get_by_role("button", name="Check what will be sent").click()
    assert page.get_by_role("heading", name="Read them this notice").is_visible()
    assert axe_violations(page) == []
    context.close()
