"""The console's case page: the case, its clocks explained, and each step a form with a
letter preview, refusals beside their fields and the "changed meanwhile" 409."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.web.conftest import Service
from tests.web.console_pages import console_client, csrf_of, open_case
from workflow.lifecycle import StepInput
from workflow.store.records import CaseEventRecord, LetterRecord


def _counts(service: Service) -> tuple[int, int]:
    with service.application.database.reading() as session:
        events = session.scalar(select(func.count()).select_from(CaseEventRecord))
        letters = session.scalar(select(func.count()).select_from(LetterRecord))
    return int(events or 0), int(letters or 0)


def test_the_case_page_shows_the_receipt_rule_the_clocks_explained_and_the_steps(
    letters_service: Service,
) -> None:
    letters_service.user("li", "handler")
    number = open_case(letters_service, channel="registered_post", handler="li")
    page = console_client(letters_service, "li").get(f"/console/cases/{number}")
    assert page.status_code == 200
    assert "以本机关签收之日为收到申请之日" in page.text
    assert "答复期限" in page.text
    assert "剩余20个工作日" in page.text
    assert 'action="/console/cases/' + number + '/steps/request_correction"' in page.text
    assert "政府信息公开申请登记回执" in page.text  # the acknowledgement, issued on registering


def test_the_case_page_leads_to_the_files_released_with_the_answer(
    letters_service: Service,
) -> None:
    letters_service.user("li", "handler")
    number = open_case(letters_service, handler="li")
    client = console_client(letters_service, "li")
    link = f'href="/console/cases/{number}/files"'
    assert link in client.get(f"/console/cases/{number}").text
    files = client.get(f"/console/cases/{number}/files")
    assert files.status_code == 200
    assert "提供给申请人的文件" in files.text


def test_a_step_refused_comes_back_filled_with_the_reason_beside_its_field(
    letters_service: Service,
) -> None:
    letters_service.user("li", "handler")
    number = open_case(letters_service, handler="li")
    client = console_client(letters_service, "li")
    token = csrf_of(client.get(f"/console/cases/{number}").text)
    refused = client.post(
        f"/console/cases/{number}/steps/request_correction",
        data={"csrf_token": token, "expect_version": "1", "days": "15", "action": "fire"},
    )
    assert refused.status_code == 422
    assert 'id="f-request_correction-reason-error"' in refused.text
    assert 'name="days" type="number" value="15"' in refused.text


def test_the_preview_renders_the_letter_and_stores_nothing_then_the_step_fires(
    letters_service: Service,
) -> None:
    letters_service.user("li", "handler")
    number = open_case(letters_service, handler="li")
    client = console_client(letters_service, "li")
    token = csrf_of(client.get(f"/console/cases/{number}").text)
    before = _counts(letters_service)
    fields = {"csrf_token": token, "expect_version": "1", "reason": "请补充身份证明", "days": "15"}
    preview = client.post(
        f"/console/cases/{number}/steps/request_correction", data={**fields, "action": "preview"}
    )
    assert preview.status_code == 200
    assert "文书预览" in preview.text
    assert "请补充身份证明" in preview.text
    assert "暂定" in preview.text
    assert _counts(letters_service) == before
    fired = client.post(
        f"/console/cases/{number}/steps/request_correction",
        data={**fields, "action": "fire"},
        follow_redirects=False,
    )
    assert fired.status_code == 303
    after = client.get(fired.headers["location"])
    assert "已办理：告知补正" in after.text
    assert "待补正" in after.text
    assert _counts(letters_service)[1] == before[1] + 1


def test_a_case_changed_meanwhile_is_a_409_with_a_reload(letters_service: Service) -> None:
    letters_service.user("li", "handler")
    number = open_case(letters_service, handler="li")
    client = console_client(letters_service, "li")
    token = csrf_of(client.get(f"/console/cases/{number}").text)
    today = letters_service.clock.today()
    letters_service.application.cases.fire(
        number, "consult_third_party", StepInput(on=today, by="zhou", party="某公司")
    )
    stale = client.post(
        f"/console/cases/{number}/steps/request_correction",
        data={"csrf_token": token, "expect_version": "1", "reason": "请补充", "action": "fire"},
    )
    assert stale.status_code == 409
    assert "案件已被他人更改" in stale.text
    assert '<dd class="request">请补充</dd>' in stale.text  # what was typed is not lost
    assert "征求第三方意见" in stale.text  # the page shows the case as it is now


def test_a_handler_of_another_agency_gets_a_404(letters_service: Service) -> None:
    letters_service.user("stranger", "handler", agency="city")
    number = open_case(letters_service)
    page = console_client(letters_service, "stranger").get(f"/console/cases/{number}")
    assert page.status_code == 404
