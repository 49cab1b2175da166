"""Bulk actions in process: a selection previewed (each case accepted or refused with
the reason), then run with one batch id in the audit log; a reassignment; a form with
no case or a bad input answered beside its field; a role that cannot advance cases."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.conftest import NEW_CASE, Service
from workflow.store.access_records import AuditRecord


def _open(service: Service, count: int) -> list[str]:
    client = service.login("reg")
    return [
        str(client.post("/api/v1/cases", json={**NEW_CASE, "handler": "li"}).json()["number"])
        for _ in range(count)
    ]


def test_a_selection_is_previewed_then_run_in_one_batch(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("li", "handler")
    first, second = _open(service, 2)
    handler = service.login("li")
    handler.post(
        f"/api/v1/cases/{second}/fire", json={"trigger": "consult_third_party", "party": "甲公司"}
    )
    listed = handler.get("/console/bulk")
    assert f'name="case" value="{first}"' in listed.text

    form = {
        "case": [first, second],
        "action": "request_correction",
        "reason": "请写明所需信息的名称",
    }
    preview = handler.post("/console/bulk/preview", data=form)
    assert preview.status_code == 200, preview.text
    rows = preview.text.split("<tbody>")[1]
    assert "可以办理1件，不能办理1件" in preview.text
    assert "request_correction is not allowed in state third_party_consultation" in rows
    confirm = preview.text.split('action="/console/bulk/run"')[1]
    assert f'value="{first}"' in confirm
    assert f'value="{second}"' not in confirm
    with service.application.database.reading() as session:
        assert not session.scalars(
            select(AuditRecord).where(AuditRecord.action == "bulk_fired")
        ).all()

    run = handler.post("/console/bulk/run", data={**form, "case": [first]})
    assert run.status_code == 200
    assert "办理1件" in run.text
    batch = run.text.split("<code>")[1].split("</code>")[0]
    assert handler.get(f"/api/v1/cases/{first}").json()["state"] == "needs_correction"
    with service.application.database.reading() as session:
        entries = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "bulk_fired")
        ).all()
    assert [(entry.case_number, entry.batch_id) for entry in entries] == [(first, batch)]


def test_a_reassignment_is_previewed_and_run(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("li", "handler")
    service.user("zhang", "handler")
    service.user("zhou", "reporter")
    (number,) = _open(service, 1)
    head = service.login("li")
    refused = head.post(
        "/console/bulk/preview", data={"case": [number], "action": "reassign", "handler": "zhou"}
    )
    assert "zhou cannot advance the cases" in refused.text
    form = {"case": [number], "action": "reassign", "handler": "zhang"}
    assert "li → zhang" in head.post("/console/bulk/preview", data=form).text
    done = head.post("/console/bulk/run", data=form)
    assert "承办人：zhang" in done.text
    assert head.get(f"/api/v1/cases/{number}").json()["handler"] == "zhang"


def test_bad_forms_come_back_with_the_error_beside_the_field(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("li", "handler")
    (number,) = _open(service, 1)
    handler = service.login("li")
    empty = handler.post("/console/bulk/preview", data={"action": "reassign"})
    assert empty.status_code == 422
    assert 'id="f-case-error"' in empty.text
    assert 'id="f-handler-error"' in empty.text
    bad = handler.post(
        "/console/bulk/preview", data={"case": [number], "action": "extend", "days": "many"}
    )
    assert bad.status_code == 422
    assert 'id="f-days-error"' in bad.text
    assert 'value="many"' in bad.text
    assert f'value="{number}" checked' in bad.text
    posted = handler.post(  # a selection made elsewhere (the queue) comes back ticked too
        "/console/bulk/preview", data={"case": ["zbgd-2099-0001"], "action": ""}
    )
    assert 'id="f-action-error"' in posted.text
    assert 'value="zbgd-2099-0001" checked' in posted.text
    only = handler.get("/console/bulk", params={"state": "needs_correction"})
    assert f'value="{number}"' not in only.text
    service.user("zhou", "reporter")
    assert service.login("zhou").get("/console/bulk").status_code == 403


def test_the_queue_sends_its_ticked_rows_to_the_bulk_page(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("li", "handler")
    first, second = _open(service, 2)
    handler = service.login("li")
    queue = handler.get("/console/cases").text
    assert 'form id="bulk-selection" method="get" action="/console/bulk"' in queue
    assert f'name="case" value="{first}" form="bulk-selection"' in queue
    bulk = handler.get("/console/bulk", params={"case": [second]}).text
    assert f'value="{second}" checked' in bulk
    assert f'value="{first}" checked' not in bulk
    # a registrar, who cannot advance cases, gets no selection on the queue
    assert "bulk-selection" not in service.login("reg").get("/console/cases").text
