"""The resident's journey in a real browser, on a phone, in both languages.

Fields are found by their visible labels; every page is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest

from mediation.cases.models import Case, Party, PartyRole
from mediation.cases.references import display
from mediation.cases.status_codes import code_matches
from mediation.intake.models import RequestDraft
from tests.e2e.conftest import axe_violations
from tests.factories import CommunityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community():
    return CommunityFactory(slug="riverside", name_en="Riverside Centre", name_zh="河畔调解中心")


def _continue(page, label: str = "Continue") -> None:
    assert axe_violations(page) == []
    page.get_by_role("button", name=label).click()


def test_a_resident_asks_for_help_in_english(phone_page, live_server, community) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Start your request").click()

    # An empty answer: the error summary appears and takes focus.
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    assert "Choose the community or centre you are asking." in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(page) == []

    page.get_by_label("Riverside Centre").check()
    _continue(page)
    page.get_by_label("Neighbours").check()
    _continue(page)
    page.get_by_label("Tell us what has happened").fill("Loud music every night after midnight.")
    _continue(page)
    page.get_by_label("Who is the dispute with? (optional)").fill("the flat above mine")
    page.get_by_label("I would rather the centre contacts them").check()
    _continue(page)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Email address or phone number").fill("resident@example.org")
    page.get_by_label("Evenings").check()
    _continue(page)
    page.get_by_label("English").check()
    _continue(page)
    for question in (
        "Has the other person ever hurt you",
        "Has the other person threatened you",
        "Are you afraid of the other person?",
    ):
        page.get_by_role("group", name=re.compile(question)).get_by_label("No", exact=True).check()
    _continue(page)
    page.get_by_label(re.compile("The centre keeps what you tell us")).check()
    page.get_by_label(re.compile("The centre may contact you")).check()
    _continue(page)

    assert page.get_by_role("heading", name="Check your answers").is_visible()
    assert page.get_by_text("Loud music every night after midnight.").is_visible()
    page.get_by_role("link", name=re.compile("Change What the dispute is about")).click()
    page.get_by_label("Family").check()
    _continue(page)
    assert page.get_by_role("heading", name="Check your answers").is_visible()
    _continue(page, "Send your request")

    assert page.get_by_role("heading", name="Request sent").is_visible()
    assert axe_violations(page) == []
    case = Case.objects.get()
    assert case.category == "family"
    assert page.locator(".reference").inner_text() == display(case.reference)
    code = page.locator("#status-code").inner_text()
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    assert code_matches(code, requester.status_code_hash)
    assert page.get_by_role("button", name="Print this page").is_visible()
    assert case.reference not in page.url
    assert code not in page.url
    assert RequestDraft.objects.count() == 0

    # Coming back later: the status page, reference and code typed as people type them.
    page.goto(f"{live_server.url}/status/")
    assert axe_violations(page) == []
    page.get_by_label("Case reference").fill(display(case.reference).lower())
    page.get_by_label("Status code").fill("WRONG-CODE")
    page.get_by_role("button", name="Continue").click()
    assert "not right" in page.get_by_role("alert").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(page) == []
    page.get_by_label("Status code").fill(code.replace("-", " "))
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Your case", exact=True).is_visible()
    assert page.locator("[aria-current=step]").inner_text() == "Received"
    assert axe_violations(page) == []
    assert case.reference not in page.url


def test_a_resident_asks_for_help_in_chinese(phone_page, live_server, community) -> None:
    page = phone_page
    page.goto(f"{live_server.url}/request/")
    page.get_by_role("button", name="简体中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.get_by_label("河畔调解中心").check()
    _continue(page, "继续")
    page.get_by_label("家庭纠纷").check()
    _continue(page, "继续")
    page.get_by_label("请告诉我们发生了什么").fill("我和哥哥因为照顾母亲的事情吵架了。")
    _continue(page, "继续")
    page.get_by_label("我会自己告诉对方我申请了调解").check()
    _continue(page, "继续")
    page.get_by_label("不要联系我：我会自己查询进度").check()
    _continue(page, "继续")
    page.get_by_label("简体中文").check()
    _continue(page, "继续")
    page.get_by_role("group", name=re.compile("对方是否曾经伤害过您")).get_by_label("否").check()
    page.get_by_role("group", name=re.compile("对方是否威胁过您")).get_by_label("是").check()
    page.get_by_role("group", name=re.compile("您是否害怕对方")).get_by_label("我不想回答").check()
    _continue(page, "继续")

    # A yes to a safety question shows where to get help now.
    assert page.get_by_role("heading", name="如果您有危险，可以这样求助").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="继续我的申请").click()
    page.get_by_label(re.compile("调解中心会加密保存")).check()
    _continue(page, "继续")
    _continue(page, "提交申请")

    assert page.get_by_role("heading", name="申请已提交").is_visible()
    assert axe_violations(page) == []
    case = Case.objects.get()
    assert case.safety_flagged is True
    assert Party.objects.get(case=case, role=PartyRole.REQUESTER).language == "zh-hans"


def test_quick_exit_without_javascript_forgets_the_draft(
    browser, live_server, community, settings
) -> None:
    settings.MEDIATION_QUICK_EXIT_URL = f"{live_server.url}/static/mediation/site.css"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/request/")
    page.get_by_label("Riverside Centre").check()
    page.get_by_role("button", name="Continue").click()
    assert RequestDraft.objects.count() == 1
    page.get_by_role("link", name="Quick exit").click()
    assert page.url.endswith("/static/mediation/site.css")
    assert RequestDraft.objects.count() == 0
    assert not [c for c in context.cookies() if c["name"] == "draft"]
    context.close()


def test_pressing_escape_twice_leaves_and_replaces_the_history_entry(
    browser, live_server, community, settings
) -> None:
    settings.MEDIATION_QUICK_EXIT_URL = f"{live_server.url}/static/mediation/site.css"
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/request/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"site\.css$"))
    page.go_back()
    # The form page was replaced in history: going back lands on the page before it.
    assert page.url == f"{live_server.url}/"
    context.close()
