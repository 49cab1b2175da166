"""The console's door in a real browser: a wrong password shown beside its field with
the name kept, the page asked for reached after logging in, a one-time password changed
first, logging out ending the session; every page passes the accessibility check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import PASSWORD, Browsing, screenshot
from workflow.access.accounts import find_user, reset_password

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_a_wrong_password_is_shown_beside_its_field_and_the_name_is_kept(
    browsing: Browsing,
) -> None:
    browsing.live.user("li", "handler")
    page = browsing.new_page()
    page.goto("/console/login")
    assert_accessible(page)
    page.get_by_label("用户名").fill("li")
    page.get_by_label("密码", exact=True).fill("not the password")
    page.get_by_role("button", name="登录").click()

    password = page.get_by_label("密码", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-password-error")).to_have_text("用户名或密码错误")
    expect(page.get_by_label("用户名")).to_have_value("li")
    assert_accessible(page)
    screenshot(page, "login-refused")

    password.fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待办")  # a handler starts there
    assert_accessible(page)
    page.get_by_role("link", name="我的账户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，li")
    expect(page.get_by_role("cell", name="承办人")).to_be_visible()
    assert_accessible(page)


def test_a_page_asked_for_is_reached_after_logging_in(browsing: Browsing) -> None:
    browsing.live.user("li", "handler")
    page = browsing.new_page()
    page.goto("/console/account")
    expect(page).to_have_url(re.compile(r"/console/login\?next=%2Fconsole%2Faccount$"))
    page.get_by_label("用户名").fill("li")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/console/account$"))

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_a_one_time_password_is_changed_before_anything_else(browsing: Browsing) -> None:
    live = browsing.live
    live.user("zhao", "admin")
    with live.application.database.transaction() as session:
        one_time = reset_password(session, find_user(session, "zhao"), live.clock.now())
    page = browsing.log_in("zhao", one_time)
    expect(page).to_have_url(re.compile(r"/console/password$"))
    assert_accessible(page)
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/password$"))

    page.get_by_label("当前密码").fill(one_time)
    page.get_by_label("新密码", exact=True).fill("short")
    page.get_by_label("再次输入新密码").fill("short")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.locator("#f-new_password-error")).to_have_text("新密码须为10至200个字符")

    page.get_by_label("当前密码").fill(one_time)
    page.get_by_label("新密码", exact=True).fill("a long new password")
    page.get_by_label("再次输入新密码").fill("a long new password")
    page.get_by_role("button", name="保存新密码").click()
    expect(page).to_have_url(re.compile(r"/console/$"))
    expect(page.get_by_role("cell", name="系统管理员")).to_be_visible()
