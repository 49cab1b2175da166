"""The calendar page in process: the loaded years, an administrator's pasted notice
loaded and the deadlines it moved, an unreadable sentence refused and quoted, the
import refused to anyone but an administrator."""

from __future__ import annotations

from datetime import date

from tests.synthetic_2027 import NOTICE
from tests.web.conftest import NEW_CASE, Service


def test_an_admin_imports_next_years_notice_and_sees_the_deadlines_it_moved(
    sqlite_service: Service,
) -> None:
    service = sqlite_service
    service.user("reg", "registrar")
    service.user("root", "admin")
    service.clock.set(date(2026, 12, 10))
    opened = service.login("reg").post(
        "/api/v1/cases", json={**NEW_CASE, "received_on": "2026-12-10"}
    )
    number = opened.json()["number"]
    assert opened.json()["deadlines"]["answer"]["awaiting_calendar_year"] == 2027
    admin = service.login("root")
    before = admin.get("/console/calendar")
    assert before.status_code == 200
    assert '<th scope="row">2026</th>' in before.text
    assert '<th scope="row">2027</th>' not in before.text

    unreadable = NOTICE.replace("一、元旦：", "一、元旦:放假安排请另行查询。", 1)
    refused = admin.post("/console/calendar/import", data={"notice": unreadable})
    assert refused.status_code == 422
    error = refused.text.split('id="f-notice-error">')[1].split("</p>")[0]
    assert "无法读取这一句：「" in error
    assert "元旦" in error
    assert "放假安排请另行查询" in refused.text  # the pasted text comes back

    loaded = admin.post("/console/calendar/import", data={"notice": NOTICE}, follow_redirects=False)
    assert loaded.status_code == 303, loaded.text
    assert loaded.headers["location"] == "/console/calendar?loaded=2027"
    after = admin.get(loaded.headers["location"])
    assert '<th scope="row">2027</th>' in after.text
    history = after.text.split("<h2>变更记录</h2>")[1]
    assert "2027年：载入" in history
    # the admin reads no cases: the moved deadline is counted, not named
    assert number not in history
    assert "另有1项属于您无权查看的机关的案件" in history


def test_only_an_administrator_imports(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("wang", "head")
    head = service.login("wang")
    shown = head.get("/console/calendar")
    assert shown.status_code == 200
    assert "/console/calendar/import" not in shown.text
    assert head.post("/console/calendar/import", data={"notice": NOTICE}).status_code == 403
    assert "2027" not in head.get("/api/v1/calendar/years").text
