"""The console's intake (登记): every channel with its receipt rule, Art. 29's contents with
the identity number's checksum, duplicates shown before saving, the acknowledgement issued."""

from __future__ import annotations

import pytest

from tests.web.conftest import Service
from tests.web.console_pages import console_client, csrf_of
from workflow.cases.duplicates import similarity
from workflow.codes import Channel

APPLICATION = {
    "agency": "zbgd",
    "channel": "registered_post",
    "received_on": "2026-11-26",
    "applicant": "张三",
    "applicant_type": "natural_person",
    "identity_kind": "resident_id",
    "identity_number": "11010519491231002X",
    "contact": "淄博市张店区人民路1号",
    "request": "2025年度本单位财政预算执行情况的报告",
    "provision_form": "paper",
    "provision_way": "post",
    "assign": "me",
}


@pytest.mark.parametrize("channel", [member.value for member in Channel])
def test_an_application_of_every_channel_is_registered_with_its_acknowledgement(
    letters_service: Service, channel: str
) -> None:
    letters_service.user("reg", "registrar", "handler")
    client = console_client(letters_service, "reg")
    token = csrf_of(client.get("/console/intake").text)
    fields = {**APPLICATION, "channel": channel, "csrf_token": token}
    if Channel.of(channel).confirmed:
        fields["arrived_on"] = "2026-11-25"
    saved = client.post("/console/intake", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    case = client.get(saved.headers["location"])
    assert "已登记，登记回执已出具" in case.text
    assert "政府信息公开申请登记回执" in case.text
    assert "11010519491231002X" in case.text  # a registrar sees the identity number
    assert "纸质文本" in case.text


def test_a_wrong_identity_number_comes_back_beside_its_field_with_the_form_filled(
    sqlite_service: Service,
) -> None:
    sqlite_service.user("reg", "registrar")
    client = console_client(sqlite_service, "reg")
    token = csrf_of(client.get("/console/intake").text)
    fields = {**APPLICATION, "identity_number": "110105194912310021", "csrf_token": token}
    refused = client.post("/console/intake", data=fields)
    assert refused.status_code == 422
    assert 'id="f-identity_number-error"' in refused.text
    assert "校验位不符" in refused.text
    assert "2025年度本单位财政预算执行情况的报告</textarea>" in refused.text


def test_the_receipt_rule_of_the_chosen_channel_is_shown(sqlite_service: Service) -> None:
    sqlite_service.user("reg", "registrar")
    client = console_client(sqlite_service, "reg")
    token = csrf_of(client.get("/console/intake").text)
    page = client.post("/console/intake", data={"channel": "ordinary_post", "csrf_token": token})
    assert page.status_code == 422
    rule = page.text.split('id="receipt-rule"')[1].split("</p>")[0]
    assert "以确认之日为收到申请之日" in rule


def test_a_duplicate_is_shown_before_saving_and_saved_only_when_confirmed(
    sqlite_service: Service,
) -> None:
    sqlite_service.user("reg", "registrar")
    client = console_client(sqlite_service, "reg")
    token = csrf_of(client.get("/console/intake").text)
    first = client.post("/console/intake", data={**APPLICATION, "csrf_token": token})
    number = first.url.path.rsplit("/", 1)[1]
    again = {**APPLICATION, "request": "2025年度本单位财政预算执行情况报告", "csrf_token": token}
    shown = client.post("/console/intake", data=again)
    assert shown.status_code == 409
    assert "可能是重复申请" in shown.text
    assert f'href="/console/cases/{number}"' in shown.text
    assert 'name="confirm_duplicate" value="1"' in shown.text
    other_person = {**again, "identity_number": "440524188001010014"}
    assert (
        client.post("/console/intake", data=other_person, follow_redirects=False).status_code == 303
    )
    confirmed = client.post(
        "/console/intake", data={**again, "confirm_duplicate": "1"}, follow_redirects=False
    )
    assert confirmed.status_code == 303


def test_similarity_ignores_spacing_and_punctuation() -> None:
    assert similarity("2025年度预算", "2025年度预算执行") == 1.0
    assert similarity("关于道路建设的批复", "关于学校招生的通知") < 0.6
