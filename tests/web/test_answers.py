"""The API's answers are what the OpenAPI document declares, field for field.

Each answer is read back through its declared model (``web/answers.py``) and written out
again: the same JSON means every field is documented with its type, and nothing sent is
left out of the document. Both stores: their timestamps come back differently.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from tests.synthetic_2027 import NOTICE
from tests.web.conftest import NEW_CASE, Service
from workflow.scheduling.sweeper import Sweeper
from workflow.store.records import CaseRecord, OutboxRecord
from workflow.web import admin_answers, answers

STEPS: list[dict[str, Any]] = [
    {"trigger": "consult_third_party", "on": "2026-11-23", "party": "某科技有限公司"},
    {"trigger": "receive_third_party_reply", "on": "2026-11-24"},
    {"trigger": "extend", "on": "2026-11-25", "days": 20, "reason": "需要调阅档案"},
    {
        "trigger": "decide",
        "on": "2026-11-26",
        "outcome": "withheld.internal_affairs",
        "reason": "内部管理信息",
    },
    {"trigger": "appeal", "on": "2026-11-26", "kind": "reconsideration"},
]


def _declared(model: type[BaseModel], body: dict[str, Any]) -> None:
    assert model.model_validate(body).model_dump(mode="json") == body


def test_a_cases_answers_are_the_documented_ones(service: Service) -> None:
    service.user("li", "registrar", "handler", "head")
    client = service.login("li")
    opened = client.post("/api/v1/cases", json={**NEW_CASE, "arrived_on": "2026-11-20"})
    assert opened.status_code == 201, opened.text
    _declared(answers.Case, opened.json())
    number = opened.json()["number"]
    for step in STEPS:
        fired = client.post(f"/api/v1/cases/{number}/fire", json=step)
        assert fired.status_code == 200, fired.text
        _declared(answers.Fired, fired.json())
    client.post("/api/v1/cases", json={**NEW_CASE, "applicant": "李四"})  # one still running

    shown = client.get(f"/api/v1/cases/{number}").json()
    assert shown["appeals"]
    assert len(shown["events"]) == 1 + len(STEPS)
    assert any(deadline["extended_by"] for deadline in shown["deadlines"].values())
    assert all(event["recorded_at"].endswith("+08:00") for event in shown["events"])
    _declared(answers.Case, shown)
    listed = client.get("/api/v1/cases").json()
    assert {row["next_due"] is None for row in listed["cases"]} == {True, False}
    _declared(answers.CaseList, listed)

    # A caller without the personal data gets the same shape, masked.
    auditor = service.token("audit", "auditor@zbgd")
    masked = service.client.get(
        f"/api/v1/cases/{number}", headers={"Authorization": f"Bearer {auditor}"}
    ).json()
    assert masked["applicant"]["contact"] != NEW_CASE["contact"]
    _declared(answers.Case, masked)


def test_a_bulk_steps_answers_are_the_documented_ones(service: Service) -> None:
    service.user("li", "registrar", "handler")
    client = service.login("li")
    numbers = [client.post("/api/v1/cases", json=NEW_CASE).json()["number"] for _ in range(2)]
    assert client.post(f"/api/v1/cases/{numbers[1]}/fire", json=STEPS[3]).status_code == 200
    bulk = {**STEPS[0], "cases": numbers}  # the decided case is refused
    preview = client.post("/api/v1/cases/bulk-fire/preview", json=bulk).json()
    assert [result["accepted"] for result in preview["results"]] == [True, False]
    _declared(answers.BulkPreview, preview)
    fired = client.post("/api/v1/cases/bulk-fire", json=bulk).json()
    assert [result["accepted"] for result in fired["results"]] == [True, False]
    _declared(answers.BulkFired, fired)


def test_a_cases_letters_are_listed_as_documented(letters_service: Service) -> None:
    letters_service.user("li", "registrar", "handler")
    client = letters_service.login("li")
    number = client.post("/api/v1/cases", json=NEW_CASE).json()["number"]
    fired = client.post(f"/api/v1/cases/{number}/fire", json=STEPS[0])
    assert fired.status_code == 200, fired.text
    listed = client.get(f"/api/v1/cases/{number}/letters").json()
    assert len(listed["letters"]) == 3  # the acknowledgement, the consultation's two
    assert all(letter["formats"] for letter in listed["letters"])
    _declared(answers.LetterList, listed)


def test_the_service_routes_answer_as_documented(service: Service) -> None:
    # FastAPI sends these through their models: an answer that did not fit its model
    # would be a 500 here, so each route is called with every list it answers filled.
    service.user("root", "admin@*", "auditor@*", "registrar")
    service.clock.set(date(2026, 12, 10))  # the case's deadline falls in 2027
    admin = service.login("root")
    opened = admin.post("/api/v1/cases", json={**NEW_CASE, "received_on": "2026-12-10"})
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]
    application = service.application
    with application.database.transaction() as session:
        case_id = session.scalars(select(CaseRecord.id).where(CaseRecord.number == number)).one()
        session.add(
            OutboxRecord(
                key="k", case_id=case_id, kind="reminder", channel="file", recipient="王主任",
                subject="提醒", body="张三 13812345678\n", status="pending", attempts=0,
                created_at=application.clock.now(), next_attempt_at=application.clock.now(),
            )
        )  # fmt: skip
    Sweeper(application.cases).sweep()
    answers_of: dict[tuple[str, str], tuple[dict[str, Any] | None, type[BaseModel]]] = {
        ("POST", "/api/v1/calendar/notices"): ({"text": NOTICE}, admin_answers.NoticeImported),
        ("POST", "/api/v1/agencies"): (
            {"code": "kfq", "name": "开发区"},
            admin_answers.AgencyAdded,
        ),
        ("POST", "/api/v1/users"): (
            {"name": "qian7", "agency": "zbgd", "roles": ["handler"]},
            admin_answers.OneTimePassword,
        ),
        ("POST", "/api/v1/users/qian7/reset-password"): (None, admin_answers.OneTimePassword),
        ("POST", "/api/v1/users/qian7/disable"): (None, admin_answers.UserDisabled),
        ("POST", "/api/v1/tokens"): (
            {"name": "portal", "roles": ["registrar@zbgd/*"], "days": 7},
            admin_answers.TokenCreated,
        ),
        ("POST", "/api/v1/tokens/portal/revoke"): (None, admin_answers.TokenRevoked),
        ("POST", "/api/v1/calendar/recompute"): (None, admin_answers.Recomputed),
        ("GET", "/api/v1/agencies"): (None, admin_answers.AgencyList),
        ("GET", "/api/v1/users"): (None, admin_answers.UserList),
        ("GET", "/api/v1/tokens"): (None, admin_answers.TokenList),
        ("GET", "/api/v1/calendar/years"): (None, admin_answers.CalendarYears),
        ("GET", "/api/v1/calendar/history"): (None, admin_answers.CalendarHistory),
        ("GET", "/api/v1/outbox"): (None, admin_answers.Outbox),
        ("GET", "/api/v1/scheduler/runs"): (None, admin_answers.SchedulerRuns),
    }
    bodies = {}
    for (method, path), (sent, model) in answers_of.items():
        answer = admin.request(method, path, json=sent)
        assert answer.status_code < 300, (path, answer.text)
        _declared(model, answer.json())
        bodies[path] = answer.json()
    imported = bodies["/api/v1/calendar/notices"]["recompute"]
    assert imported["changes"]
    assert imported["timers"]
    assert bodies["/api/v1/calendar/history"]["changes"][0]["deadlines"]
    for listed in ("agencies", "users", "tokens", "calendar/years", "outbox", "scheduler/runs"):
        assert all(bodies[f"/api/v1/{listed}"].values()), listed
