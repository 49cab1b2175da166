"""A case from intake to the answer letter in the console, in a real browser, on both
stores: a posted application registered, corrected (the full restart seen), a third
party consulted, an extension approved by a head, a partial disclosure previewed then
decided, its letter downloaded as a PDF with the text in it; two browsers on one case;
a handler of another agency seeing nothing. Every page passes the accessibility check."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import FloatRect, Locator, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import SCREENSHOTS, Browsing, LiveService, _serve, screenshot
from tests.letters.conftest import program
from tests.stores import STORES, make_app, store_url

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(params=STORES)
def live(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveService]:
    """The service with letters issued and archived, on SQLite and on PostgreSQL."""
    monkeypatch.delenv("WORKFLOW_LETTER_FORMATS", raising=False)
    with store_url(str(request.param), tmp_path) as url:
        application = make_app(url, letters=True)
        with _serve(application) as base_url:
            yield LiveService(application, base_url)


def _step(page: Page, trigger: str) -> Locator:
    """The form of a step, opened."""
    details = page.locator(f"#step-{trigger}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def _due(page: Page, clock: str) -> str:
    row = page.locator("tr", has_text=clock).first
    return row.locator("td").nth(2).inner_text().strip()


def _picture(page: Page, name: str) -> None:
    """The README's picture of the page (copied to docs/screenshots/ by hand: a test
    run leaves the checkout as it was): its top, without a focus ring."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    height = min(1400, int(page.evaluate("document.body.scrollHeight")))
    clip: FloatRect = {"x": 0, "y": 0, "width": 1280, "height": height}
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), clip=clip, full_page=True)


def _register(page: Page) -> str:
    page.goto("/console/intake")
    assert_accessible(page)
    page.get_by_label("提交方式").select_option("registered_post")
    expect(page.locator("#receipt-rule")).to_contain_text("以本机关签收之日为收到申请之日")
    page.get_by_label("申请人姓名或名称").fill("张三")
    page.get_by_label("身份证明").select_option("resident_id")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("联系方式").fill("淄博市张店区人民路1号 13812345678")
    page.get_by_label("申请公开的政府信息").fill("2025年度园区企业扶持资金的发放名单及金额")
    page.get_by_label("获取信息的形式").select_option("paper")
    page.get_by_label("获取信息的途径").select_option("post")
    page.get_by_role("button", name="登记并出具登记回执").click()
    expect(page.get_by_role("status")).to_contain_text("已登记，登记回执已出具")
    number = page.get_by_role("heading", level=1).inner_text().removeprefix("案件 ").strip()
    assert_accessible(page)
    return number


def test_a_handler_takes_a_posted_application_to_a_partial_disclosure(
    browsing: Browsing,
) -> None:
    live = browsing.live
    live.user("clerk", "registrar", "handler")
    live.user("head", "head")
    live.user("stranger", "handler", agency="city")
    page = browsing.log_in("clerk")
    expect(page.get_by_role("heading", level=1)).to_have_text("待办")
    assert_accessible(page)

    number = _register(page)
    first_due = _due(page, "答复期限")
    assert first_due == "2026-12-24"  # 20 WD from 2026-11-26
    expect(page.get_by_role("cell", name="政府信息公开申请登记回执")).to_be_visible()

    form = _step(page, "request_correction")
    form.get_by_label("理由或事项").fill("请补充申请人身份证明复印件")
    form.get_by_label("期限（工作日）").fill("15")
    form.get_by_role("button", name="提交：告知补正").click()
    expect(page.get_by_role("status")).to_contain_text("已办理：告知补正")
    expect(page.locator(".case-state")).to_contain_text("待补正")
    assert _due(page, "补正期限") != "—"
    expect(page.locator("tr", has_text="答复期限").first).to_contain_text("已暂停")
    assert_accessible(page)

    live.advance(4)  # Monday 2026-11-30: the correction arrives (the session has expired)
    page = browsing.log_in("clerk")
    page.goto(f"/console/cases/{number}")
    form = _step(page, "receive_correction")
    form.get_by_role("button", name="提交：收到补正").click()
    expect(page.locator(".case-state")).to_contain_text("办理中")
    restarted = _due(page, "答复期限")
    assert restarted == "2026-12-28"  # the full restart: 20 WD from 2026-11-30
    assert date.fromisoformat(restarted) > date.fromisoformat(first_due)
    expect(page.locator("tr", has_text="答复期限").first).to_contain_text("剩余20个工作日")

    form = _step(page, "consult_third_party")
    form.get_by_label("第三方或有关机关").fill("某科技有限公司")
    form.get_by_label("其联系方式").fill("淄博市高新区1号")
    form.get_by_role("button", name="提交：征求第三方意见").click()
    expect(page.locator(".case-state")).to_contain_text("征求第三方意见")
    page.goto("/console/cases")
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("已暂停（征求第三方意见）")
    expect(row).to_contain_text("收到第三方意见")  # the next legal step
    assert_accessible(page)
    screenshot(page, "console-queue")
    _picture(page, "console-queue")
    page.goto(f"/console/cases/{number}")
    form = _step(page, "receive_third_party_reply")
    form.get_by_label("第三方意见及理由").fill("名单涉及商业秘密，不同意公开金额")
    form.get_by_role("button", name="提交：收到第三方意见").click()
    expect(page.locator(".case-state")).to_contain_text("办理中")

    head = browsing.log_in("head")
    head.goto(f"/console/cases/{number}")
    form = _step(head, "extend")
    expect(form).to_contain_text("由您（head）作为批准人")
    form.get_by_label("期限（工作日）").fill("20")
    form.get_by_label("理由或事项").fill("涉及第三方权益，需进一步核实")
    form.get_by_role("button", name="提交：延期答复").click()
    expect(head.locator(".case-state")).to_contain_text("延期办理中")
    assert_accessible(head)
    head.goto("/console/cases?who=all")
    expect(head.locator("tr", has_text=number)).to_contain_text("已延期")

    page.reload()
    form = _step(page, "decide")
    form.get_by_label("答复结果").select_option("partially_disclosed")
    form.get_by_label("不予公开部分的理由").select_option("withheld.third_party_rights")
    form.get_by_label("理由或事项").fill("扶持资金金额涉及企业商业秘密")
    form.get_by_label("获取信息的方式、途径和时间").fill("邮寄纸质件至申请人地址")
    form.get_by_role("button", name="预览文书").click()
    preview = page.locator(".preview")
    expect(preview).to_contain_text("文书预览（暂定，尚未出具）")
    expect(preview).to_contain_text("扶持资金金额涉及企业商业秘密")
    expect(page.locator(".case-state")).to_contain_text("延期办理中")  # nothing committed
    assert_accessible(page)
    _step(page, "decide").get_by_role("button", name="提交：作出答复").click()
    expect(page.locator(".case-state")).to_contain_text("已办结")
    expect(page.locator(".case-state")).to_contain_text("部分公开")
    assert_accessible(page)
    screenshot(page, "console-case")
    _picture(page, "console-case")

    letter = page.locator("tr", has_text="政府信息公开申请答复书")
    with page.expect_download(timeout=90_000) as waiting:  # the PDF is rendered on demand
        letter.get_by_role("link", name=re.compile("^PDF")).click()
    pdf = Path(waiting.value.path())
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        [program("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "部分公开" in text or "扶持资金金额涉及企业商业秘密" in text.replace("\n", "")

    stranger = browsing.log_in("stranger")
    answer = stranger.goto(f"/console/cases/{number}")
    assert answer is not None
    assert answer.status == 404
    assert_accessible(stranger)
    stranger.goto("/console/cases?who=all")
    expect(stranger.get_by_text(number)).to_have_count(0)


def test_two_browsers_on_one_case_the_second_is_told_it_changed(browsing: Browsing) -> None:
    browsing.live.user("li", "registrar", "handler")
    browsing.live.user("wang", "handler")
    first = browsing.log_in("li")
    number = _register(first)
    second = browsing.log_in("wang")
    second.goto(f"/console/cases/{number}")
    waiting = _step(second, "request_correction")
    waiting.get_by_label("理由或事项").fill("请写明文件名称")

    form = _step(first, "consult_third_party")
    form.get_by_label("第三方或有关机关").fill("某公司")
    form.get_by_role("button", name="提交：征求第三方意见").click()
    expect(first.locator(".case-state")).to_contain_text("征求第三方意见")

    waiting.get_by_role("button", name="提交：告知补正").click()
    expect(second.get_by_role("alert").first).to_contain_text("案件已被他人更改")
    expect(second.get_by_role("alert").first).to_contain_text("请写明文件名称")
    assert_accessible(second)
    second.get_by_role("link", name="重新载入案件").click()
    expect(second.locator(".case-state")).to_contain_text("征求第三方意见")
