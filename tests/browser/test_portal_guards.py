"""The portal's guards in a real browser: a double click and the same request again the
same day make one application and one case; a wrong code or an unknown number get the
same message and show nothing of anyone; withdrawing asks first, then records the
``withdraw`` step and its letter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Browsing, screenshot
from tests.browser.test_portal import follow
from tests.portal.story import APPLICANT, fill_application, read_code
from workflow.portal.agency_choices import AgencyChoice, choose
from workflow.store.portal_records import PortalSubmissionRecord
from workflow.store.records import AgencyRecord, CaseRecord

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _automatic(browsing: Browsing) -> None:
    application = browsing.live.application
    with application.database.transaction() as session:
        zbgd = session.scalars(select(AgencyRecord).where(AgencyRecord.code == "zbgd")).one()
        choose(session, zbgd.id, AgencyChoice(auto_confirm=True), "admin", application.clock.now())


def _count(browsing: Browsing, table: type) -> int:
    with browsing.live.application.database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("browsing_letters", ["sqlite"], indirect=True)
def test_a_double_click_and_a_repeat_make_one_case(browsing_letters: Browsing) -> None:
    portal = browsing_letters
    _automatic(portal)
    page = portal.new_page()
    page.goto("/portal/apply")
    fill_application(page)
    page.get_by_role("button", name="提交申请").dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已登记")
    reference, code = read_code(page)  # the second click's answer still shows the code
    expect(page.get_by_text("最迟答复日期")).to_be_visible()
    assert_accessible(page)

    again = portal.new_page()
    again.goto("/portal/apply")
    fill_application(again)
    again.get_by_role("button", name="提交申请").click()
    expect(again.get_by_text("您今天已经提交过相同的申请")).to_be_visible()
    expect(again.get_by_text(reference)).to_be_visible()
    expect(again.locator("code")).to_have_count(0)  # the code is not shown again
    assert_accessible(again)
    assert _count(portal, PortalSubmissionRecord) == 1
    assert _count(portal, CaseRecord) == 1

    portal.live.advance(1)  # another day: an earlier similar request is shown first
    later = portal.new_page()
    later.goto("/portal/apply")
    fill_application(later, description="2025年度财政预算执行情况（含附表）")
    later.get_by_role("button", name="提交申请").click()
    expect(later.get_by_role("heading", name="您在该机关已有相似的申请")).to_be_visible()
    expect(later.get_by_text(re.compile(f"{reference}：2025年度财政预算执行情况"))).to_be_visible()
    screenshot(later, "portal-similar")
    assert_accessible(later)
    later.get_by_label("我确认所填内容真实").check()
    later.get_by_role("button", name="提交申请").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("申请已登记")
    assert _count(portal, CaseRecord) == 2
    assert code != read_code(later)[1]


@pytest.mark.parametrize("browsing_letters", ["sqlite"], indirect=True)
def test_a_wrong_code_reveals_nothing(browsing_letters: Browsing) -> None:
    portal = browsing_letters
    page = portal.new_page()
    page.goto("/portal/apply")
    fill_application(page)
    page.get_by_role("button", name="提交申请").click()
    reference, code = read_code(page)
    answers = []
    for key, given in (
        (reference, "0000-0000-0000-0000"),
        ("WS2026999999", code),
        ("zbgd-2026-0001", code),
    ):
        follow(page, key, given)
        answers.append(page.locator("main .error-summary").inner_text())
        expect(page.locator("#f-code-error")).to_have_text("申请编号或查询码不正确，请核对后重试")
        assert APPLICANT not in page.content()
        assert "张*" not in page.content()
    assert answers[0] == answers[1] == answers[2]
    screenshot(page, "portal-wrong-code")
    assert_accessible(page)


@pytest.mark.parametrize("browsing_letters", ["sqlite"], indirect=True)
def test_withdrawing_asks_first_then_records_the_step_and_its_letter(
    browsing_letters: Browsing,
) -> None:
    portal = browsing_letters
    _automatic(portal)
    page = portal.new_page()
    page.goto("/portal/apply")
    fill_application(page, description="园区企业扶持资金拨付明细")
    page.get_by_role("button", name="提交申请").click()
    reference, code = read_code(page)
    follow(page, reference, code)
    page.get_by_role("button", name="撤回申请…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("确定撤回申请吗？")
    assert_accessible(page)
    page.get_by_role("button", name="不撤回，返回办理进度").click()
    expect(page.get_by_text("已登记，正在办理")).to_be_visible()
    page.get_by_role("button", name="撤回申请…").click()
    page.get_by_role("button", name="确定撤回").click()
    expect(page.get_by_text("申请已撤回")).to_be_visible()
    expect(page.get_by_text("已撤回", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="政府信息公开申请答复书", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="撤回申请…")).to_have_count(0)
    assert_accessible(page)
    with portal.live.application.database.reading() as session:
        case = session.scalars(select(CaseRecord)).one()
    assert (case.state, case.outcome) == ("decided", "other.withdrawn")
