"""The applicant portal in a real browser: apply (a bad identity number first), keep the
query code, follow the case, see the office confirm it and the due date appear, correct
online after a correction notice and see the answer clock restart, read the answer and
the released file. Every page passes the accessibility check and loads nothing from
outside the service."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Browsing, screenshot
from tests.portal.story import APPLICANT, PDF, fill_application, read_code
from workflow.lifecycle import StepInput

pytestmark = [pytest.mark.browser, pytest.mark.integration]
PDF_WAIT = 60_000  # ms: a letter's PDF is printed at its first download (WeasyPrint, CJK fonts)


def follow(page: Page, key: str, code: str) -> None:
    page.goto("/portal/follow")
    page.get_by_label("申请编号或网上申请编号").fill(key)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_apply_follow_confirm_correct_and_read_the_answer(browsing_letters: Browsing) -> None:
    portal = browsing_letters
    live = portal.live
    live.user("dengji", "registrar")
    live.user("li", "handler")
    applicant = portal.new_page()
    applicant.goto("/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("政府信息公开申请须知")
    assert_accessible(applicant)
    applicant.get_by_label("按机关名称查找").fill("淄博")
    applicant.get_by_role("button", name="查找").click()
    expect(applicant.get_by_role("cell", name="某市人民政府")).to_have_count(0)
    screenshot(applicant, "portal-notice")
    applicant.get_by_role("link", name=re.compile("向淄博高端装备")).click()

    fill_application(applicant, id_number="110105194912310021")  # check digit wrong
    applicant.get_by_role("button", name="提交申请").click()
    expect(applicant.locator("#f-id_number-error")).to_have_text("身份证号校验位不符，请核对号码")
    expect(applicant.get_by_label("身份证明号码")).to_have_attribute("aria-invalid", "true")
    expect(applicant.get_by_label("姓名或者名称")).to_have_value(APPLICANT)
    expect(applicant.get_by_label("所需信息的描述")).to_have_value(re.compile("财政预算"))
    screenshot(applicant, "portal-form-error")
    assert_accessible(applicant)

    applicant.get_by_label("身份证明号码").fill("11010519491231002X")
    applicant.get_by_label("我确认所填内容真实").check()
    applicant.get_by_role("button", name="提交申请").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("申请已提交")
    screenshot(applicant, "portal-submitted")
    assert_accessible(applicant)
    reference, code = read_code(applicant)

    follow(applicant, reference, code)
    expect(applicant.get_by_text("已提交，等待机关确认")).to_be_visible()
    expect(applicant.get_by_text("张*")).to_be_visible()
    assert_accessible(applicant)

    live.advance(1)  # the office confirms the next day: that is the receipt date
    confirmed_on = live.clock.today()
    office = portal.log_in("dengji")
    office.get_by_role("link", name="网上申请").click()
    expect(office.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    screenshot(office, "console-submissions")
    assert_accessible(office)
    office.get_by_role("button", name=f"确认并登记 {reference}").click()
    expect(office.get_by_text(f"已确认 {reference}")).to_be_visible()

    calendar = live.application.calendar
    due = calendar.add_working_days(confirmed_on, 20)
    follow(applicant, reference, code)
    expect(applicant.get_by_text("已登记，正在办理")).to_be_visible()
    expect(applicant.get_by_text(f"{_day(confirmed_on)}（双方确认之日）")).to_be_visible()
    expect(applicant.get_by_text(f"最迟答复日期 {_day(due)}")).to_be_visible()
    number = applicant.locator("dt:text-is('申请编号') + dd").inner_text()
    assert_accessible(applicant)
    with applicant.expect_download(timeout=PDF_WAIT) as receipt:  # the first PDF is made now
        applicant.get_by_role("button", name="下载政府信息公开申请登记回执（PDF）").click(
            timeout=PDF_WAIT
        )
    assert Path(receipt.value.path()).read_bytes().startswith(PDF)

    live.advance(2)
    notice_on = live.clock.today()
    live.application.cases.fire(
        number, "request_correction",
        StepInput(on=notice_on, by="li", reason="请写明所需预算的年度", days=15),
    )  # fmt: skip
    follow(applicant, number, code)
    expect(applicant.get_by_text("需要补正的内容：请写明所需预算的年度")).to_be_visible()
    correction_due = calendar.add_working_days(notice_on, 15)
    expect(applicant.get_by_text(f"请在{_day(correction_due)}前（含当日）补正")).to_be_visible()
    expect(applicant.get_by_text("答复期限暂停计算（补正）")).to_be_visible()
    assert_accessible(applicant)
    applicant.get_by_label("补正后的申请内容").fill("2025年度财政预算执行情况的报告")
    applicant.get_by_role("button", name="提交补正").click()
    expect(applicant.get_by_text("补正申请已提交", exact=True)).to_be_visible()
    screenshot(applicant, "portal-correction")

    live.advance(1)
    corrected_on = live.clock.today()
    handler = portal.log_in("li")
    handler.goto("/console/submissions")
    handler.get_by_role("button", name=re.compile("确认收到补正")).click()
    restarted = calendar.add_working_days(corrected_on, 20)
    follow(applicant, number, code)
    expect(applicant.get_by_text(f"最迟答复日期 {_day(restarted)}")).to_be_visible()
    expect(applicant.get_by_text("已登记，正在办理")).to_be_visible()

    live.advance(3)
    live.application.cases.fire(
        number, "decide",
        StepInput(on=live.clock.today(), by="li", outcome="disclosed.provided", access="电子邮件"),
    )  # fmt: skip
    handler = portal.log_in("li")  # days later: the session of then has ended
    handler.goto(f"/console/cases/{number}/files")
    screenshot(handler, "console-case-files")
    assert_accessible(handler)
    report = FilePayload(
        name="2025年预算执行报告.pdf", mimeType="application/pdf", buffer=PDF + b" 1"
    )
    handler.get_by_label("文件").set_input_files(files=report)
    handler.get_by_role("button", name="上传").click()
    expect(handler.get_by_text("已上传 2025年预算执行报告.pdf")).to_be_visible()

    follow(applicant, number, code)
    expect(applicant.get_by_text("已答复：予以公开")).to_be_visible()
    screenshot(applicant, "portal-answer")
    assert_accessible(applicant)
    with applicant.expect_download(timeout=PDF_WAIT) as answer:
        applicant.get_by_role("button", name="下载政府信息公开申请答复书（PDF）").click(
            timeout=PDF_WAIT
        )
    assert Path(answer.value.path()).read_bytes().startswith(PDF)
    with applicant.expect_download() as released:
        applicant.get_by_role("button", name="下载 2025年预算执行报告.pdf").click()
    assert Path(released.value.path()).read_bytes() == PDF + b" 1"
