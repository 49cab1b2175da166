"""The console's queue (待办): the user's open cases by urgency, filters that stay put,
saved views, the CSV of what the list shows, paging and "next case"."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.web.conftest import Service
from tests.web.console_pages import console_client, csrf_of, open_case
from workflow.lifecycle import StepInput


def test_the_queue_shows_the_users_own_open_cases_the_most_urgent_first(
    sqlite_service: Service,
) -> None:
    sqlite_service.user("li", "handler")
    today = sqlite_service.clock.today()
    older = open_case(
        sqlite_service, "王五", "旧申请", handler="li", received_on=today - timedelta(days=20)
    )
    newer = open_case(sqlite_service, "赵六", "新申请", handler="li")
    open_case(sqlite_service, "钱七", "别人的申请", handler="zhou")
    client = console_client(sqlite_service, "li")

    queue = client.get("/console/")  # the start page is the queue
    assert queue.status_code == 200
    assert "<h1>待办</h1>" in queue.text
    assert queue.text.index(older) < queue.text.index(newer)
    assert "别人的申请" not in queue.text
    assert "剩余" in queue.text
    assert "个工作日" in queue.text
    assert "作出答复" in queue.text  # the next legal step
    everyone = client.get("/console/cases", params={"who": "all"})
    assert "别人的申请" in everyone.text


def test_a_paused_clock_and_an_overdue_one_are_said_in_words(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    today = sqlite_service.clock.today()
    late = open_case(
        sqlite_service, "王五", "超期的申请", handler="li", received_on=today - timedelta(days=40)
    )
    paused = open_case(sqlite_service, "赵六", "征求意见的申请", handler="li")
    sqlite_service.application.cases.fire(
        paused, "consult_third_party", StepInput(on=today, by="li", party="某公司")
    )
    page = console_client(sqlite_service, "li").get("/console/cases").text
    assert "已超期" in page
    assert "已暂停（征求第三方意见）" in page
    assert page.index(late) < page.index(paused)  # a running overdue clock before a paused one


def test_filters_stay_put_and_a_saved_view_brings_them_back(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    open_case(sqlite_service, "王五", "关于道路的申请", handler="li")
    open_case(sqlite_service, "赵六", "关于学校的申请", handler="li")
    client = console_client(sqlite_service, "li")
    filtered = client.get("/console/cases", params={"q": "道路"})
    assert "关于道路的申请" in filtered.text
    assert "关于学校的申请" not in filtered.text
    again = client.get("/console/cases")  # no query: the filters in use
    assert "关于学校的申请" not in again.text
    assert 'value="道路"' in again.text

    token = csrf_of(again.text)
    saved = client.post("/console/cases/views", data={"name": "道路", "csrf_token": token})
    assert "已保存当前筛选条件" in saved.text
    client.get("/console/cases", params={"reset": "1"})
    assert "关于学校的申请" in client.get("/console/cases").text
    view = client.get("/console/cases", params={"view": "道路"})
    assert "关于学校的申请" not in view.text


def test_a_bad_filter_comes_back_with_its_error_beside_it(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    client = console_client(sqlite_service, "li")
    page = client.get("/console/cases", params={"due_within": "abc", "received_from": "2026-13-01"})
    assert page.status_code == 422
    assert 'id="f-due_within-error"' in page.text
    assert 'id="f-received_from-error"' in page.text


def test_the_csv_is_what_the_list_shows_and_no_cell_is_a_formula(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    open_case(sqlite_service, '=HYPERLINK("x")', "公开预算", handler="li")
    open_case(sqlite_service, "赵六", "别的申请", handler="li")
    client = console_client(sqlite_service, "li")
    client.get("/console/cases", params={"q": "预算"})
    exported = client.get("/console/queue.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["案件编号", "申请人", "申请内容"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("x")'
    assert "剩余" in rows[1][9]


def test_next_case_assigns_the_oldest_unassigned_case_by_due_date(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    today = sqlite_service.clock.today()
    open_case(sqlite_service, "王五", "较新的申请")
    oldest = open_case(sqlite_service, "赵六", "最早的申请", received_on=today - timedelta(days=10))
    open_case(
        sqlite_service, "钱七", "别的机关", agency="city", received_on=today - timedelta(days=20)
    )
    client = console_client(sqlite_service, "li")
    token = csrf_of(client.get("/console/cases").text)
    taken = client.post("/console/cases/next", data={"csrf_token": token}, follow_redirects=False)
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/console/cases/{oldest}"
    assert oldest in client.get("/console/cases", params={"who": "mine"}).text
    client.post("/console/cases/next", data={"csrf_token": token})
    last = client.post("/console/cases/next", data={"csrf_token": token})
    assert "本机关目前没有未分配的案件" in last.text


def test_another_agency_sees_none_of_the_cases_and_an_auditor_sees_them_masked(
    sqlite_service: Service,
) -> None:
    sqlite_service.user("stranger", "handler", agency="city")
    sqlite_service.user("audit", "auditor")
    number = open_case(sqlite_service, "王五", "身份证110105194912310021的档案", handler="li")
    stranger = console_client(sqlite_service, "stranger")
    assert number not in stranger.get("/console/cases", params={"who": "all"}).text
    auditor = console_client(sqlite_service, "audit").get("/console/cases", params={"who": "all"})
    assert number in auditor.text
    assert "110105194912310021" not in auditor.text


def test_pages_ordered_by_the_store_are_the_list_ordered_in_python(sqlite_service: Service) -> None:
    """A page is ordered and counted in SQL when the due dates in the store decide it; the
    pages, one after another, are the whole list as ordered in Python."""
    from workflow.cases.case_list import URGENCY, CaseFilter, list_cases

    today = sqlite_service.clock.today()
    for days, name in [(3, "甲"), (30, "乙"), (10, "丙"), (0, "丁"), (21, "戊")]:
        open_case(sqlite_service, name, f"{name}的申请", received_on=today - timedelta(days=days))
    paused = open_case(sqlite_service, "己", "征求意见", received_on=today - timedelta(days=25))
    sqlite_service.application.cases.fire(
        paused, "consult_third_party", StepInput(on=today, by="li", party="某公司")
    )
    application = sqlite_service.application
    whole = CaseFilter(open_only=True, order=URGENCY)
    with application.database.reading() as session:
        everything = list_cases(session, application.registry, application.calendar, whole, today)
        pages = [
            list_cases(
                session,
                application.registry,
                application.calendar,
                CaseFilter(open_only=True, order=URGENCY, limit=2, offset=offset),
                today,
            )
            for offset in (0, 2, 4)
        ]
    assert [row.number for page in pages for row in page.rows] == [
        row.number for row in everything.rows
    ]
    assert {page.total for page in pages} == {6}
    assert everything.rows[0].applicant == "乙"  # the oldest running clock first
