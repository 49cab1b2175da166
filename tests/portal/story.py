"""What the portal's tests share: an applicant's form filled in the browser, the query
code read off the page, the form's fields for the in-process client."""

from __future__ import annotations

import re

from playwright.sync_api import Page

PDF = b"%PDF-"
APPLICANT = "张三"
RESIDENT_ID = "11010519491231002X"
FIELDS = {
    "agency": "zbgd",
    "applicant_type": "natural_person",
    "name": APPLICANT,
    "id_type": "resident_id",
    "id_number": RESIDENT_ID,
    "phone": "13812345678",
    "email": "",
    "address": "",
    "postcode": "",
    "info_name": "",
    "doc_number": "",
    "description": "2025年度财政预算执行情况",
    "carrier": "email",
    "delivery": "collect",
    "other_form_ok": "yes",
    "confirm": "yes",
}


def fill_application(
    page: Page, *, id_number: str = RESIDENT_ID, description: str = FIELDS["description"]
) -> None:
    page.get_by_label("向哪个机关申请").select_option("zbgd")
    page.get_by_label("申请人类型").select_option("natural_person")
    page.get_by_label("姓名或者名称").fill(APPLICANT)
    page.get_by_label("身份证明类型").select_option("resident_id")
    page.get_by_label("身份证明号码").fill(id_number)
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("所需信息的描述").fill(description)
    page.get_by_label("载体形式").select_option("email")
    page.get_by_label("获取方式").select_option("collect")
    page.get_by_label("我确认所填内容真实").check()


def read_code(page: Page) -> tuple[str, str]:
    """The 网上申请编号 and the query code the page shows."""
    text = page.locator("main").inner_text()
    reference = re.search(r"WS\d{10}", text)
    code = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", text)
    assert reference is not None, text
    assert code is not None, text
    return reference[0], code[0]
