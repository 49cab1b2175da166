"""The case routes through the in-process client: what a handler can do from the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.web.conftest import NEW_CASE, Service
from workflow.cases.agencies import add_agency
from workflow.store.access_records import AuditRecord
from workflow.store.records import CaseRecord, OutboxRecord


def _open(client, **changes):  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/cases", json={**NEW_CASE, **changes})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_open_show_list_and_search(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("li", "registrar", "handler")
    client = service.login("li")
    case = _open(client)
    assert case["number"] == "zbgd-2026-0001"
    assert case["version"] == 1
    assert "decide" in case["allowed_triggers"]
    shown = client.get(f"/api/v1/cases/{case['number']}").json()
    assert shown["applicant"]["contact"] == "13812345678"  # a registrar needs it
    with service.application.database.reading() as session:
        case_id = session.scalars(select(CaseRecord.id)).one()
    assert client.get(f"/api/v1/cases/by-id/{case_id}").json()["number"] == case["number"]
    _open(client, applicant="李四", request="政府采购合同")
    listed = client.get("/api/v1/cases").json()["cases"]
    assert [row["applicant"] for row in listed] == ["张三", "李四"]
    assert listed[0]["next_due"]["due_on"] == "2026-12-18"
    found = client.get("/api/v1/cases", params={"q": "采购"}).json()["cases"]
    assert [row["applicant"] for row in found] == ["李四"]
    assert client.get("/api/v1/cases", params={"q": "%"}).json()["cases"] == []
    assert len(client.get("/api/v1/cases", params={"limit": 1}).json()["cases"]) == 1


def test_open_refuses_bad_input_naming_every_field(sqlite_service: Service) -> None:
    sqlite_service.user("li", "registrar")
    client = sqlite_service.login("li")
    answer = client.post("/api/v1/cases", json={"agency": "zbgd", "received_on": "someday"})
    assert answer.status_code == 422
    fields = {problem["field"] for problem in answer.json()["error"]["details"]["problems"]}
    assert fields == {
        "body.applicant",
        "body.applicant_type",
        "body.channel",
        "body.received_on",
        "body.request",
    }
    wrong_channel = client.post("/api/v1/cases", json={**NEW_CASE, "channel": "pigeon"})
    assert wrong_channel.status_code == 422
    assert "unknown channel 'pigeon'" in wrong_channel.json()["error"]["message"]


def test_open_keeps_art_29s_contents_and_checks_the_identity_number(
    sqlite_service: Service,
) -> None:
    sqlite_service.user("li", "registrar", "handler")
    client = sqlite_service.login("li")
    details = {"identity_kind": "credit_code", "identity_number": "9144030071526726XG",
               "provision_form": "electronic", "provision_way": "email",
               "channel": "email", "arrived_on": "2026-11-19"}  # fmt: skip
    case = _open(client, **details)
    opening = case["events"][0]["payload"]
    assert opening["identity_number"] == "9144030071526726XG"
    assert opening["provision_way"] == "email"
    assert case["arrived_on"] == "2026-11-19"
    wrong = client.post(
        "/api/v1/cases", json={**NEW_CASE, **details, "identity_number": "9144030071526726XH"}
    )
    assert wrong.status_code == 422
    assert "校验位不符" in wrong.text


def test_fire_answers_409_and_422_as_documented(sqlite_service: Service) -> None:
    sqlite_service.user("li", "registrar", "handler")
    client = sqlite_service.login("li")
    number = _open(client)["number"]
    not_allowed = client.post(
        f"/api/v1/cases/{number}/fire", json={"trigger": "receive_correction"}
    )
    assert not_allowed.status_code == 409
    error = not_allowed.json()["error"]
    assert error["code"] == "trigger_not_allowed"
    assert "decide" in error["details"]["allowed_triggers"]
    missing = client.post(f"/api/v1/cases/{number}/fire", json={"trigger": "decide"})
    assert missing.status_code == 422
    assert "outcome" in missing.json()["error"]["details"]["reasons"][0]
    decided = client.post(
        f"/api/v1/cases/{number}/fire",
        json={"trigger": "decide", "outcome": "disclosed.provided", "expect_version": 1,
              "access": "以电子邮件方式提供"},
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert decided.json()["to_state"] == "decided"
    assert decided.json()["version"] == 2
    stale = client.post(
        f"/api/v1/cases/{number}/fire", json={"trigger": "withdraw", "expect_version": 1}
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["details"] == {"case": number, "current_version": 2}


def test_an_opening_audits_the_view_it_answers_once(sqlite_service: Service) -> None:
    sqlite_service.user("li", "registrar")
    client = sqlite_service.login("li")
    number = _open(client)["number"]
    refused = client.post("/api/v1/cases", json={**NEW_CASE, "applicant_type": "robot"})
    assert refused.status_code == 422
    with sqlite_service.application.database.reading() as session:
        reads = session.execute(
            select(AuditRecord.actor, AuditRecord.case_number).where(
                AuditRecord.action == "case_read"
            )
        ).all()
    assert [tuple(read) for read in reads] == [("user:li", number)]


def test_a_case_outside_the_callers_agencies_is_not_found_whatever_version_they_expect(
    sqlite_service: Service,
) -> None:
    with sqlite_service.application.database.transaction() as session:
        add_agency(session, "other", "另一机关")
    sqlite_service.user("li", "registrar", "handler")
    sqlite_service.user("wu", "handler", agency="other")
    sqlite_service.user("zhao", "registrar")  # reads the agency's cases, may not advance them
    number = _open(sqlite_service.login("li"))["number"]
    step = {"trigger": "consult_third_party", "party": "某科技有限公司"}
    stranger, registrar = sqlite_service.login("wu"), sqlite_service.login("zhao")
    for expected in (None, 1, 7):
        body = {**step, "expect_version": expected}
        outside = stranger.post(f"/api/v1/cases/{number}/fire", json=body)
        assert outside.status_code == 404, outside.text
        assert outside.json()["error"]["code"] == "case_not_found"
        assert registrar.post(f"/api/v1/cases/{number}/fire", json=body).status_code == 403
    assert sqlite_service.login("li").get(f"/api/v1/cases/{number}").json()["version"] == 1


def test_an_extension_needs_the_head(sqlite_service: Service) -> None:
    sqlite_service.user("li", "registrar", "handler")
    sqlite_service.user("wang", "head")
    number = _open(sqlite_service.login("li"))["number"]
    extend = {"trigger": "extend", "days": 20, "on": "2026-11-25"}
    refused = sqlite_service.login("li").post(f"/api/v1/cases/{number}/fire", json=extend)
    assert refused.status_code == 403
    approved = sqlite_service.login("wang").post(f"/api/v1/cases/{number}/fire", json=extend)
    assert approved.status_code == 200, approved.text


def test_an_idempotency_key_replays_the_first_answer(sqlite_service: Service) -> None:
    sqlite_service.user("li", "registrar")
    client = sqlite_service.login("li")
    key = {"Idempotency-Key": "portal-retry-1"}
    first = client.post("/api/v1/cases", json=NEW_CASE, headers=key)
    again = client.post("/api/v1/cases", json=NEW_CASE, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/cases", json={**NEW_CASE, "applicant": "王五"}, headers=key)
    assert other.status_code == 422
    with sqlite_service.application.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(CaseRecord)) == 1


def test_bulk_fire_previews_then_fires_with_one_batch(sqlite_service: Service) -> None:
    sqlite_service.user("li", "registrar", "handler")
    client = sqlite_service.login("li")
    first, second = _open(client)["number"], _open(client)["number"]
    client.post(f"/api/v1/cases/{second}/fire", json={"trigger": "withdraw"})
    body = {"cases": [first, second, "zbgd-2026-9999"], "trigger": "withdraw"}
    preview = client.post("/api/v1/cases/bulk-fire/preview", json=body).json()["results"]
    assert [result["accepted"] for result in preview] == [True, False, False]
    assert preview[0]["to_state"] == "decided"
    assert preview[0]["outcome"] == "other.withdrawn"
    assert preview[1]["error"]["code"] == "trigger_not_allowed"
    assert preview[2]["error"]["code"] == "case_not_found"
    shown = client.get(f"/api/v1/cases/{first}").json()
    assert shown["state"] == "received"  # the preview changed nothing
    fired = client.post("/api/v1/cases/bulk-fire", json=body).json()
    assert [result["accepted"] for result in fired["results"]] == [True, False, False]
    with sqlite_service.application.database.reading() as session:
        batch = session.scalars(
            select(AuditRecord.case_number).where(AuditRecord.batch_id == fired["batch"])
        ).all()
    assert batch == [first]


def test_letters_list_download_and_preview(letters_service: Service) -> None:
    letters_service.user("li", "registrar", "handler")
    client = letters_service.login("li")
    number = _open(client)["number"]
    letters = client.get(f"/api/v1/cases/{number}/letters").json()["letters"]
    assert [letter["kind"] for letter in letters] == ["acknowledgement"]
    html = client.get(f"/api/v1/cases/{number}/letters/document", params={"format": "html"})
    assert html.status_code == 200
    assert html.headers["content-disposition"].startswith("attachment;")
    again = client.get(f"/api/v1/cases/{number}/letters/document", params={"format": "html"})
    assert again.headers["x-content-sha256"] == html.headers["x-content-sha256"]
    preview = client.post(
        f"/api/v1/cases/{number}/letters/preview",
        json={"trigger": "request_correction", "format": "txt", "reason": "请写明文件名称",
              "days": 10},
    )  # fmt: skip
    assert preview.status_code == 200, preview.text
    assert "暂定" in preview.text
    with letters_service.application.database.reading() as session:
        actions = session.scalars(select(AuditRecord.action)).all()
    assert actions.count("letter_downloaded") == 2


def test_reports_calendar_agencies_outbox_runs(sqlite_service: Service) -> None:
    sqlite_service.user("wang", "head", "reporter")
    sqlite_service.user("root", "admin@*", "auditor@*", agency=None)
    head = sqlite_service.login("wang")
    report = head.get("/api/v1/reports/annual", params={"year": 2026, "agency": "zbgd"})
    assert report.status_code == 200, report.text
    assert report.headers["x-report-checks"] == "passed"
    assert "三" in report.text or "table3" in report.text
    sheet = head.get(
        "/api/v1/reports/annual", params={"year": 2026, "agency": "zbgd", "format": "xlsx"}
    )
    assert sheet.content[:2] == b"PK"
    years = head.get("/api/v1/calendar/years").json()["years"]
    assert 2026 in [row["year"] for row in years]
    assert {row["origin"] for row in years} == {"shipped"}  # the store's years, from init
    assert [a["code"] for a in head.get("/api/v1/agencies").json()["agencies"]] == ["zbgd"]
    root = sqlite_service.login("root")
    assert {a["code"] for a in root.get("/api/v1/agencies").json()["agencies"]} == {"city", "zbgd"}
    added = root.post("/api/v1/agencies", json={"code": "jyj", "name": "教育局", "parent": "city"})
    assert added.status_code == 201, added.text
    assert root.get("/api/v1/outbox").json() == {"messages": []}
    assert root.get("/api/v1/scheduler/runs").json() == {"runs": []}


def test_a_refused_step_lists_every_missing_field(letters_service: Service) -> None:
    letters_service.user("li", "registrar", "handler")
    client = letters_service.login("li")
    number = _open(client)["number"]
    refused = client.post(
        f"/api/v1/cases/{number}/fire", json={"trigger": "decide", "outcome": "partially_disclosed"}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "step_refused"
    missing = error["details"]["missing"]
    assert [item["fields"] for item in missing] == [["reason"], ["ground"], ["access"]]
    assert missing[2] == {
        "fields": ["access"],
        "what": "申请人获取信息的方式、地点和时间",
        "why": "the decision letter (decision/partially_disclosed.j2) cannot be written without it",
    }
    assert "partially_disclosed must state its legal reasons" in error["details"]["reasons"][0]
    assert error["message"].startswith(f"{number}: 作出答复 [decide] 未执行，缺少：--reason（")
    # The guards hold, the letter (rendered outside the transaction) lacks one input.
    letter_only = client.post(
        f"/api/v1/cases/{number}/fire", json={"trigger": "decide", "outcome": "disclosed.provided"}
    )
    assert letter_only.status_code == 422
    assert letter_only.json()["error"]["code"] == "step_refused"
    assert [item["fields"] for item in letter_only.json()["error"]["details"]["missing"]] == [
        ["access"]
    ]
    shown = client.get(f"/api/v1/cases/{number}").json()
    assert (shown["state"], shown["version"]) == ("received", 1)  # nothing was recorded


def test_the_outbox_of_an_agency_auditor_is_its_own_cases_newest_first(
    sqlite_service: Service,
) -> None:
    """The scope is applied in the query, before the limit: a newer message about another
    agency's case neither shows nor takes a place on the page."""
    sqlite_service.user("reg", "registrar@*", agency=None)
    registrar = sqlite_service.login("reg")
    numbers = {
        agency: registrar.post("/api/v1/cases", json={**NEW_CASE, "agency": agency}).json()[
            "number"
        ]
        for agency in ("zbgd", "city")
    }
    application = sqlite_service.application
    now = application.clock.now()
    with application.database.transaction() as session:
        ids = dict(session.execute(select(CaseRecord.number, CaseRecord.id)).all())
        for key, number in (
            ("zbgd-old", numbers["zbgd"]),
            ("zbgd-new", numbers["zbgd"]),
            ("city-newest", numbers["city"]),
            ("digest", None),
        ):
            session.add(
                OutboxRecord(
                    key=key, case_id=ids.get(number), kind="reminder", channel="file",
                    recipient="王主任", subject=key, body="张三 13812345678\n", status="pending",
                    attempts=0, created_at=now, next_attempt_at=now,
                )
            )  # fmt: skip
    sqlite_service.user("aud", "auditor")
    auditor = sqlite_service.login("aud")
    page = auditor.get("/api/v1/outbox", params={"limit": 1}).json()["messages"]
    assert [message["key"] for message in page] == ["zbgd-new"]
    every = auditor.get("/api/v1/outbox").json()["messages"]
    assert [message["key"] for message in every] == ["zbgd-new", "zbgd-old"]
    assert "13812345678" not in every[0]["body"]
