"""The head's, the report officer's and the administrator's pages in a real browser: a
head approves an extension from the deadlines board; the report officer opens the
year's report and downloads it as XLSX; an administrator adds a user whose one-time
password then works; a pasted holiday notice with an unreadable sentence is refused,
quoting it. Every page passes the accessibility check."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import PASSWORD, Browsing, screenshot
from tests.synthetic_2027 import NOTICE
from tests.web.conftest import NEW_CASE
from workflow.cases.service import NewCase
from workflow.lifecycle import StepInput

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _open_case(browsing: Browsing, received: date, **changes: str) -> str:
    new = {**NEW_CASE, "received_on": received, "handler": "li", **changes}
    return browsing.live.application.cases.open(NewCase(**new)).number  # type: ignore[arg-type]


def test_a_head_approves_an_extension_from_the_deadlines_board(browsing: Browsing) -> None:
    live = browsing.live
    live.user("wang", "head")
    number = _open_case(browsing, date(2026, 11, 20))
    live.clock.set(date(2026, 12, 14))  # the answer is due on Friday 2026-12-18
    page = browsing.log_in("wang")
    page.get_by_role("link", name="期限看板").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("期限看板")
    week = page.locator("#week + *")
    expect(week).to_contain_text(number)
    expect(week).to_contain_text("剩余4个工作日（2026-12-18）")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(f"批准延期答复.*{number}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"批准延期答复：{number}")
    assert_accessible(page)
    page.get_by_label("延长的工作日数").fill("25")
    page.get_by_role("button", name="批准并办理延期").click()
    expect(page.locator("#f-days-error")).to_contain_text("1至20之间")
    expect(page.get_by_label("延长的工作日数")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("延长的工作日数").fill("20")
    page.get_by_label("延期理由").fill("需要调取多个部门的档案")
    page.get_by_role("button", name="批准并办理延期").click()
    expect(page.get_by_role("status")).to_contain_text(f"案件{number}已批准延期")
    expect(page.get_by_text("没有等待批准延期的案件。")).to_be_visible()
    assert_accessible(page)
    with live.application.database.reading() as session:
        from workflow.cases.views import show_case

        shown = show_case(
            session,
            live.application.registry,
            live.application.calendar,
            number,
            live.clock.today(),
        )
    assert shown.state == "extended"
    assert shown.events[-1].payload["approver"] == "wang"


def test_the_report_officer_opens_the_report_and_downloads_it(browsing: Browsing) -> None:
    live = browsing.live
    live.user("zhou", "reporter")
    answers: dict[date, tuple[int, str, dict[str, Any]] | None] = {  # (WD later, outcome, inputs)
        date(2026, 1, 12): (12, "disclosed.provided", {"access": "以电子邮件方式提供"}),
        date(2026, 3, 2): (18, "unavailable.not_held", {}),
        date(2026, 3, 16): (6, "disclosed.provided", {"access": "以邮寄方式提供"}),
        date(2026, 6, 15): (
            19,
            "withheld.internal_affairs",
            {"reason": "属于内部事务信息", "ground": None},
        ),
        date(2026, 9, 7): (4, "disclosed.already_public", {}),
        date(2026, 11, 20): None,
    }
    calendar = live.application.calendar
    for received, answer in answers.items():
        number = _open_case(browsing, received)
        if answer is not None:
            days, outcome, inputs = answer
            step = StepInput(
                on=calendar.add_working_days(received, days), by="li", outcome=outcome,
                **inputs,
            )  # fmt: skip
            live.application.cases.fire(number, "decide", step)
    page = browsing.log_in("zhou")
    page.get_by_role("link", name="年度报告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息公开工作年度报告")
    page.get_by_label("年度").fill("2026")
    page.get_by_role("button", name="生成报告").click()
    expect(page.get_by_role("img", name=re.compile("2026年每月收到的申请"))).to_be_visible()
    expect(page.locator("caption", has_text="三、收到和处理政府信息公开申请情况")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("（一）予以公开3件"))).to_be_visible()
    screenshot(page, "report")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel 工作簿（XLSX）").click()
    path = download.value.path()
    assert download.value.suggested_filename == "report-2026.xlsx"
    with open(path, "rb") as file:
        workbook = load_workbook(BytesIO(file.read()))
    assert workbook.sheetnames


def test_an_admin_adds_a_user_whose_one_time_password_works(browsing: Browsing) -> None:
    browsing.live.user("root", "admin")
    page = browsing.log_in("root")
    page.get_by_role("link", name="系统管理").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("系统管理")
    assert_accessible(page)
    page.get_by_role("link", name="添加用户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("添加用户")
    page.get_by_label("用户名").fill("zhao6")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_role("button", name="添加用户").click()
    expect(page.locator("#f-roles-error")).to_have_text("请至少选择一个角色")
    expect(page.get_by_label("用户名")).to_have_value("zhao6")
    assert_accessible(page)
    page.get_by_label("承办人").check()
    page.get_by_label("授予角色的机关").select_option("zbgd")
    page.get_by_role("button", name="添加用户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("用户已添加：zhao6")
    assert_accessible(page)
    password = page.locator("#secret").inner_text()

    newcomer = browsing.new_page()
    newcomer.goto("/console/login")
    newcomer.get_by_label("用户名").fill("zhao6")
    newcomer.get_by_label("密码", exact=True).fill(password)
    newcomer.get_by_role("button", name="登录").click()
    expect(newcomer).to_have_url(re.compile(r"/console/password$"))
    newcomer.get_by_label("当前密码").fill(password)
    newcomer.get_by_label("新密码", exact=True).fill(PASSWORD + "-new")
    newcomer.get_by_label("再次输入新密码").fill(PASSWORD + "-new")
    newcomer.get_by_role("button", name="保存新密码").click()
    expect(newcomer).not_to_have_url(re.compile(r"/console/(password|login)"))
    expect(newcomer.locator("form.logout")).to_contain_text("zhao6")  # in, as a handler
    expect(newcomer.get_by_role("link", name="待办")).to_be_visible()


def test_a_notice_with_an_unreadable_sentence_is_refused_quoting_it(browsing: Browsing) -> None:
    browsing.live.user("root", "admin")
    page = browsing.log_in("root")
    page.get_by_role("link", name="节假日安排").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("节假日安排")
    expect(page.get_by_role("cell", name="2027")).to_have_count(0)
    assert_accessible(page)
    unreadable = NOTICE.replace("一、元旦：", "一、元旦:放假安排请另行查询。", 1)
    page.get_by_label("通知全文").fill(unreadable)
    page.get_by_role("button", name="导入并重新计算期限").click()
    error = page.locator("#f-notice-error")
    expect(error).to_contain_text("无法读取这一句：「一、元旦:放假安排请另行查询。")
    expect(page.get_by_label("通知全文")).to_have_value(unreadable)
    assert_accessible(page)
    page.get_by_label("通知全文").fill(NOTICE)
    page.get_by_role("button", name="导入并重新计算期限").click()
    expect(page.get_by_role("status")).to_contain_text("已载入2027年节假日安排")
    expect(page.get_by_role("rowheader", name="2027")).to_be_visible()
    assert_accessible(page)
