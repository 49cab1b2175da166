"""The deadlines board in process: the buckets a head reads, the extension a head
approves from it (a handler may not), and a bad form answered beside its field."""

from __future__ import annotations

from datetime import date

from tests.web.conftest import NEW_CASE, Service


def _open(service: Service, **changes: str) -> str:
    client = service.login("reg")
    answer = client.post("/api/v1/cases", json={**NEW_CASE, **changes})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["number"])


def test_the_board_sorts_open_cases_and_a_head_approves_an_extension(
    sqlite_service: Service,
) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("wang", "head")
    service.user("li", "handler")
    first = _open(service, handler="li")
    second = _open(service, received_on="2026-11-25", applicant="李四")
    service.clock.set(date(2026, 12, 14))  # first is due on Friday 2026-12-18
    head = service.login("wang")

    board = head.get("/console/deadlines")
    assert board.status_code == 200
    week = board.text.split('id="week"')[1].split("<h2")[0]
    assert first in week
    assert "剩余4个工作日（2026-12-18）" in week
    approvals = board.text.split('id="approvals"')[1].split("<h2")[0]
    assert f'href="/console/deadlines/extend/{first}"' in approvals
    assert second not in approvals  # its answer is due later than 5 WD from now
    handlers = board.text.split('id="handlers"')[1]
    assert '<th scope="row">li</th>' in handlers  # opened by reg: its handler
    assert '<th scope="row">reg</th>' in handlers

    refused = head.post(f"/console/deadlines/extend/{first}", data={"days": "30", "reason": ""})
    assert refused.status_code == 422
    assert 'id="f-days-error"' in refused.text
    assert "1至20之间" in refused.text
    assert 'id="f-reason-error"' in refused.text
    assert 'value="30"' in refused.text  # the form comes back filled

    done = head.post(
        f"/console/deadlines/extend/{first}",
        data={"days": "15", "reason": "需要调取档案"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = head.get(f"/api/v1/cases/{first}").json()
    assert shown["state"] == "extended"
    extension = next(e for e in shown["events"] if e["trigger"] == "extend")
    assert extension["payload"]["approver"] == "wang"
    after = head.get("/console/deadlines").text.split('id="approvals"')[1].split("<h2")[0]
    assert first not in after  # extended once: Art. 33 allows no second extension


def test_a_handler_sees_the_board_but_may_not_approve(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("li", "handler")
    number = _open(service, handler="li")
    service.clock.set(date(2026, 12, 14))
    handler = service.login("li")
    board = handler.get("/console/deadlines")
    assert "须负责人批准" in board.text
    assert handler.get(f"/console/deadlines/extend/{number}").status_code == 403
    refused = handler.post(
        f"/console/deadlines/extend/{number}", data={"days": "10", "reason": "档案"}
    )
    assert refused.status_code == 403
    assert handler.get(f"/api/v1/cases/{number}").json()["state"] == "received"
    service.user("zhao", "reporter")
    assert service.login("zhao").get("/console/deadlines").status_code == 403


def test_overdue_paused_and_awaiting_next_years_calendar_each_have_their_place(
    sqlite_service: Service,
) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("wang", "head")
    late = _open(service, received_on="2026-10-09")  # due 2026-11-06: overdue on 11-26
    paused = _open(service, received_on="2026-11-20")
    service.login("wang").post(
        f"/api/v1/cases/{paused}/fire", json={"trigger": "consult_third_party", "party": "甲公司"}
    )
    service.clock.set(date(2026, 12, 10))
    waiting = _open(service, received_on="2026-12-10")  # due in 2027: no notice loaded
    board = service.login("wang").get("/console/deadlines").text

    def section(anchor: str) -> str:
        return board.split(f'id="{anchor}"')[1].split("<h2")[0]

    assert late in section("overdue")
    assert "已超期" in section("overdue")
    assert late not in section("approvals")  # too late to extend (Art. 33)
    assert paused in section("paused")
    assert paused not in section("overdue") + section("week")
    assert waiting in section("awaiting")
    assert "待2027年节假日安排" in section("awaiting")
    assert waiting not in section("week")
