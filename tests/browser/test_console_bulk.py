"""Bulk actions in a real browser: cases ticked, a trigger previewed (one case refused
with the reason), the accepted one run, the batch shown; a reassignment likewise."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Browsing
from tests.web.conftest import NEW_CASE
from workflow.cases.service import NewCase
from workflow.lifecycle import StepInput
from workflow.store.records import CaseRecord

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_a_handler_previews_and_runs_a_step_on_a_selection(browsing: Browsing) -> None:
    live = browsing.live
    live.user("li", "handler")
    live.user("zhang", "handler")
    cases = live.application.cases
    new = {**NEW_CASE, "received_on": date(2026, 11, 20), "handler": "li"}
    first = cases.open(NewCase(**new)).number  # type: ignore[arg-type]
    second = cases.open(NewCase(**new)).number  # type: ignore[arg-type]
    cases.fire(
        second, "consult_third_party", StepInput(on=date(2026, 11, 23), by="li", party="甲公司")
    )
    page = browsing.log_in("li")
    page.get_by_role("link", name="批量办理").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量办理")
    assert_accessible(page)
    page.get_by_label(f"选择{first}").check()
    page.get_by_label(f"选择{second}").check()
    page.get_by_label("操作", exact=True).select_option("request_correction")
    page.get_by_label("理由").fill("请写明所需信息的名称")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("预览：告知补正")
    expect(page.get_by_text("可以办理1件，不能办理1件")).to_be_visible()
    expect(page.get_by_role("row", name=second)).to_contain_text("不能办理")
    assert_accessible(page)
    page.get_by_role("button", name="确认办理1件").click()
    expect(page.get_by_role("status")).to_contain_text("办理1件")
    assert_accessible(page)
    with live.application.database.reading() as session:
        states = dict(session.execute(select(CaseRecord.number, CaseRecord.state)).all())
    assert states[first] == "needs_correction"
    assert states[second] == "third_party_consultation"

    page.get_by_role("link", name="继续批量办理").click()
    page.get_by_label(f"选择{second}").check()
    page.get_by_label("操作", exact=True).select_option("reassign")
    page.get_by_label("新承办人（改派时）").fill("zhang")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("row", name=second)).to_contain_text("li → zhang")
    page.get_by_role("button", name="确认办理1件").click()
    expect(page.get_by_role("row", name=second)).to_contain_text("承办人：zhang")
