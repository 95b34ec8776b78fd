"""Agreement and follow-up pages in a real browser: usable without JavaScript errors, axe-clean."""

from __future__ import annotations

import pytest

from mediation.accounts.models import Role
from mediation.cases.models import FollowUp, Status
from tests.cases.agreement_fixtures import bring_to_sessions, move, write_agreement
from tests.conftest import Cast
from tests.e2e.conftest import axe_violations, staff_sign_in
from tests.factories import CommunityFactory, make_case, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cast() -> Cast:
    community = CommunityFactory(slug="riverside", name_en="Riverside", name_zh="河畔社区")
    other = CommunityFactory(slug="hillview")
    mediator = staff_with_role(Role.MEDIATOR, community, "mediator")
    return Cast(
        community=community,
        other_community=other,
        coordinator=staff_with_role(Role.COORDINATOR, community, "coordinator"),
        mediator=mediator,
        other_mediator=staff_with_role(Role.MEDIATOR, community, "other_mediator"),
        privacy_officer=staff_with_role(Role.PRIVACY_OFFICER, community, "privacy_officer"),
        outsider=staff_with_role(Role.COORDINATOR, other, "outsider"),
        assigned_case=make_case(community=community, mediator=mediator),
        unassigned_case=make_case(community=community),
        other_community_case=make_case(community=other),
    )


def test_a_mediator_writes_an_agreement_and_records_acceptance(browser, live_server) -> None:
    cast = _cast()
    case = bring_to_sessions(cast)
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    staff_sign_in(page, live_server.url, cast.mediator)

    page.goto(f"{live_server.url}/cases/{case.reference}/agreement/")
    page.get_by_role("link", name="Write the agreement").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the agreement").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Terms for the requester, in English").fill("Music stops at 10 pm.")
    page.get_by_label("Terms for the other party, in 简体中文").fill("晚上十点以后不再播放音乐。")
    page.get_by_role("button", name="Save the agreement").click()
    assert page.get_by_text("The agreement is recorded").is_visible()
    assert page.get_by_text("晚上十点以后不再播放音乐。").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Record that the other party accepted").click()
    assert page.get_by_text("The acceptance is recorded.").is_visible()
    assert page.get_by_role("button", name="Record that the requester accepted").is_visible()
    context.close()
    assert errors == [], errors  # no CSP violations or script errors


def test_follow_up_pages_are_accessible(browser, live_server) -> None:
    cast = _cast()
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    move(cast, case, Status.AGREEMENT, Status.FOLLOW_UP)
    FollowUp.objects.filter(case=case).update(due_on="2020-01-01")
    context = browser.new_context()
    page = context.new_page()
    staff_sign_in(page, live_server.url, cast.coordinator)

    page.goto(f"{live_server.url}/cases/follow-ups/overdue/")
    assert page.get_by_role("heading", name="Overdue follow-ups").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=case.display_reference).first.click()
    assert axe_violations(page) == []
    for _ in range(2):
        page.get_by_label("The agreement held").first.check()
        page.get_by_role("button", name="Record the result").first.click()
        assert page.get_by_text("The follow-up is recorded.").is_visible()
    assert page.get_by_label("Agreement reached and held").is_checked()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Close the case").click()
    assert page.get_by_text("Done: the case is now “Closed”.").is_visible()
    context.close()
