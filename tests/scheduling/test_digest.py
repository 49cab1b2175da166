"""The daily digest: each handler and head gets their overdue and soon-due cases, once a day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.scheduling.casework import HANDLER, HEAD, open_case, set_today, to
from tests.stores import TestApplication
from workflow.scheduling import DigestWriter
from workflow.store.records import OutboxRecord

DAY = date(2026, 3, 25)


def digests(app: TestApplication) -> dict[str, OutboxRecord]:
    with app.database.reading() as session:
        rows = session.scalars(select(OutboxRecord).where(OutboxRecord.kind == "digest"))
        return {row.recipient: row for row in rows}


def test_each_person_gets_their_overdue_and_due_soon_cases_once_a_day(
    app: TestApplication,
) -> None:
    late = open_case(app, date(2026, 2, 12))  # answer due 03-18: 5 WD overdue on 03-25
    soon = open_case(app, date(2026, 3, 2), handler="赵六")  # due 03-30: 3 WD left
    fresh = open_case(app, date(2026, 3, 20))  # only its correction-notice window is near
    set_today(app, DAY)
    writer = DigestWriter(app.cases)

    report = writer.queue(DAY, due_within=5)
    assert (report.people, report.queued, report.already_queued) == (3, 3, 0)
    sent = digests(app)
    assert (
        sent[to(HANDLER)].subject == "【每日期限汇总】2026年3月25日：已逾期1件，5个工作日内到期0件"
    )
    assert (
        sent[to("赵六")].subject == "【每日期限汇总】2026年3月25日：已逾期0件，5个工作日内到期1件"
    )
    head = sent[to(HEAD)].body
    assert f"{late}（淄博高端装备及现代服务业产业园管理中心，申请人：张三）答复期限" in head
    assert "已于2026年3月18日届满，已逾期5个工作日" in head
    assert f"{soon}" in head
    assert "将于2026年3月30日届满，还剩3个工作日" in head
    assert "您为负责人" in head
    assert "您为承办人" in sent[to(HANDLER)].body
    assert all(fresh not in row.body for row in sent.values())  # a window is never "due"
    assert all(row.key.startswith("digest:2026-03-25:") for row in sent.values())

    again = writer.queue(DAY, due_within=5)
    assert (again.queued, again.already_queued) == (0, 3)
    set_today(app, date(2026, 3, 26))
    assert writer.queue(date(2026, 3, 26), due_within=5).queued == 3


def test_a_deadline_awaiting_next_years_calendar_is_in_the_digest_when_its_days_run_short(
    app: TestApplication,
) -> None:
    number = open_case(app, date(2026, 12, 10))  # 20 WD: 15 in 2026, 5 in 2027 (not loaded)
    writer = DigestWriter(app.cases)
    set_today(app, date(2026, 12, 29))
    assert writer.queue(date(2026, 12, 29), due_within=5).people == 0  # 7 WD left
    set_today(app, date(2026, 12, 31))
    report = writer.queue(date(2026, 12, 31), due_within=5)
    assert report.people == 2  # the handler and the head
    body = digests(app)[to(HANDLER)].body
    assert f"{number}（淄博高端装备及现代服务业产业园管理中心，申请人：张三）答复期限" in body
    assert "还剩5个工作日，届满日待2027年节假日安排公布后确定" in body
