"""The case routes' answers are what the OpenAPI document declares, field for field.

Each answer is read back through its declared model (``web/answers.py``) and written out
again: the same JSON means every field is documented with its type, and nothing sent is
left out of the document. Both stores: their timestamps come back differently.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from tests.web.conftest import NEW_CASE, Service
from workflow.web import answers

STEPS = [
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
