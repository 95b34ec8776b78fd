"""The thin slice in a real browser: a resident asks for help, a coordinator sees it."""

from __future__ import annotations

import re

import pytest

from mediation.accounts.models import Role
from mediation.audit.models import AccessEvent, Action
from mediation.cases.models import Case
from mediation.cases.references import display
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, CommunityFactory, staff_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community():
    return CommunityFactory(slug="riverside", name_en="Riverside Centre", name_zh="河畔调解中心")


def test_a_resident_submits_a_request_in_english(phone_page, live_server, community) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/request/")
    assert axe_violations(page) == []

    # Sending an empty form shows the error summary and loses nothing.
    page.get_by_role("button", name="Send your request").click()
    assert page.get_by_role("alert").is_visible()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Which community or mediation centre are you asking?").select_option(
        label="Riverside Centre"
    )
    page.get_by_label("Neighbours").check()
    page.get_by_label("Tell us what has happened").fill("The dog next door barks all night.")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address or phone number").fill("resident@example.org")
    page.get_by_label(re.compile("The centre keeps what you tell us")).check()
    page.get_by_role("button", name="Send your request").click()

    assert page.get_by_role("heading", name="Request sent").is_visible()
    case = Case.objects.get()
    assert page.locator(".reference").inner_text() == display(case.reference)
    assert case.reference not in page.url
    assert axe_violations(page) == []


def test_a_resident_submits_a_request_in_chinese(phone_page, live_server, community) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/request/")
    page.get_by_role("button", name="简体中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", name="您的调解申请").is_visible()

    page.get_by_label("您向哪个社区或调解中心申请？").select_option(label="河畔调解中心")
    page.get_by_label("家庭纠纷").check()
    page.get_by_label("请告诉我们发生了什么").fill("我和哥哥因为照顾母亲的事情吵架了。")
    page.get_by_label("不要联系我：我会自己查询进度").check()
    page.get_by_label(re.compile("调解中心会加密保存")).check()
    page.get_by_role("button", name="提交申请").click()

    assert page.get_by_role("heading", name="申请已提交").is_visible()
    assert axe_violations(page) == []
    assert Case.objects.get().category == "family"


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
