"""One sweep at a time: the right reminders on the right day, lapses through the service, once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from tests.scheduling.casework import (
    HANDLER,
    HEAD,
    Sent,
    act,
    case_state,
    lapse_events,
    open_case,
    reminders,
    sweep,
    timer_statuses,
    to,
)
from tests.stores import TestApplication
from workflow.cases.service import find_case
from workflow.errors import InvalidInput
from workflow.scheduling import NotificationConfig, Sweeper
from workflow.scheduling.claims import due_timers_query
from workflow.store.records import ClockRecord, OutboxRecord, TimerRecord

RECEIVED = date(2026, 2, 12)  # DOMAIN.md: 20 WD -> 2026-03-18
ANSWER_DUE = date(2026, 3, 18)
BEFORE_5 = "answer:v1@2026-03-18:before_5"  # the timer key names the deadline it serves


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def test_answer_reminders_go_out_once_each_on_their_day(app: TestApplication) -> None:
    number = open_case(app, RECEIVED)
    for day in days(RECEIVED, date(2026, 3, 20)):
        sweep(app, day)
    act(app, number, "decide", date(2026, 3, 20), outcome="disclosed.provided")
    for day in days(date(2026, 3, 21), date(2026, 3, 31)):
        sweep(app, day)

    expected = [
        (date(2026, 3, 11), "before_5"),  # 5 WD before 03-18
        (date(2026, 3, 17), "before_1"),
        (ANSWER_DUE, "on_due"),
        (date(2026, 3, 19), "overdue"),  # daily, re-armed for the next working day
        (date(2026, 3, 20), "overdue"),
    ]
    assert reminders(app) == [
        Sent(day, number, "answer", name, person)
        for day, name in expected
        for person in (to(HANDLER), to(HEAD))
    ]


def test_correction_lapse_fires_once_on_the_first_working_day_after_the_period(
    app: TestApplication,
) -> None:
    number = open_case(app, RECEIVED)
    act(app, number, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    correction_due = date(2026, 3, 12)  # 15 WD from 02-13 over the Spring Festival

    for day in days(date(2026, 2, 13), correction_due):
        assert sweep(app, day).counts.lapses_fired == 0
    assert case_state(app, number) == ("needs_correction", None)
    report = sweep(app, date(2026, 3, 13))
    assert (report.counts.lapses_fired, report.counts.timers_fired) == (1, 1)
    assert case_state(app, number) == ("decided", "other.correction_lapsed")
    assert lapse_events(app) == [(number, "lapse_correction", date(2026, 3, 13))]
    again = sweep(app, date(2026, 3, 13))
    assert (again.counts.timers_fired, again.counts.reminders_queued) == (0, 0)
    assert lapse_events(app) == [(number, "lapse_correction", date(2026, 3, 13))]
    assert [(sent.day, sent.name) for sent in reminders(app)] == [
        (date(2026, 3, 9), "before_3"),
        (correction_due, "on_due"),
    ]


def _add_timer(app: TestApplication, number: str, **fields: object) -> None:
    with app.database.transaction() as session:
        case = find_case(session, number)
        values = {
            "case_id": case.id,
            "clock": "answer",
            "kind": "reminder",
            "trigger": None,
            "status": "pending",
            "created_at": app.clock.now(),
            **fields,
        }
        session.add(TimerRecord(**values))


def test_a_stale_reminder_is_dropped_and_never_sent(app: TestApplication) -> None:
    number = open_case(app, RECEIVED)
    act(app, number, "extend", date(2026, 3, 2), days=20, approver=HEAD)  # answer is now v2
    day = date(2026, 3, 3)
    # rows an older process might have left: the answer's version 1, and an unknown clock
    _add_timer(app, number, key="x:answer:v1", clock_version=1, name="on_due", due_on=day)
    _add_timer(app, number, key="x:gone:v1", clock="gone", clock_version=1, name="on_due",
               due_on=day)  # fmt: skip

    report = sweep(app, day)
    assert (report.counts.dropped, report.counts.reminders_queued) == (2, 0)
    assert reminders(app) == []
    statuses = timer_statuses(app, number)
    assert statuses["answer:v1"] == "dropped"
    assert statuses["gone:v1"] == "dropped"


def test_a_refused_lapse_is_recorded_and_not_retried(app: TestApplication) -> None:
    number = open_case(app, RECEIVED)
    act(app, number, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    # a lapse row dated inside the correction period (still running until 03-12)
    day = date(2026, 3, 2)
    _add_timer(app, number, key="x:early-lapse", clock="correction", clock_version=1,
               kind="lapse", name="lapse", trigger="lapse_correction", due_on=day)  # fmt: skip

    report = sweep(app, day)
    assert report.counts.refused == 1
    assert "it has not lapsed" in report.view["refusals"][0]["reason"]
    assert timer_statuses(app, number)["early-lapse"] == "failed"
    assert sweep(app, date(2026, 3, 3)).counts.refused == 0  # recorded once, not retried
    assert case_state(app, number) == ("needs_correction", None)


def test_a_failing_case_is_recorded_and_the_others_still_fire(app: TestApplication) -> None:
    broken = open_case(app, RECEIVED)
    healthy = open_case(app, RECEIVED, handler="赵六")
    with app.database.transaction() as session:
        case = find_case(session, broken)
        # a due date in a year with no published calendar: its reminder cannot be worded
        session.execute(
            update(ClockRecord)
            .where(ClockRecord.case_id == case.id, ClockRecord.name == "answer")
            .values(due_on=date(2027, 1, 15))
        )

    report = sweep(app, date(2026, 3, 11))
    assert report.counts.errors == 1
    assert report.view["failures"][0]["case"] == broken
    assert "no working-day calendar is loaded for 2027" in report.view["failures"][0]["error"]
    assert {sent.case for sent in reminders(app)} == {healthy}
    assert timer_statuses(app, broken)[BEFORE_5] == "pending"  # retried next sweep
    assert timer_statuses(app, healthy)[BEFORE_5] == "done"


def test_a_sweep_cannot_run_ahead_of_today(app: TestApplication) -> None:
    with pytest.raises(InvalidInput, match="ahead of today"):
        Sweeper(app.cases).sweep(app.clock.today() + timedelta(days=1))


def test_reminder_text_names_case_clock_due_date_days_left_and_basis(
    app: TestApplication,
) -> None:
    hostile = "{{ 7*7 }} {% raw %}x{% endraw %}"
    number = open_case(app, RECEIVED, applicant=hostile, request=hostile)
    sweep(app, date(2026, 3, 11))
    with app.database.reading() as session:
        message = session.scalars(
            select(OutboxRecord).where(OutboxRecord.recipient == to(HANDLER))
        ).one()
    assert message.subject == f"【期限提醒】{number} 答复期限还剩5个工作日（2026年3月18日届满）"
    assert "截至2026年3月11日还剩5个工作日" in message.body
    assert "法律依据：《中华人民共和国政府信息公开条例》第三十三条" in message.body
    assert message.body.startswith(f"{HANDLER}：")
    assert f"申请人：{hostile}" in message.body  # case data is never template code
    assert "49" not in message.body


def test_the_claim_reads_due_timers_through_the_pending_timers_index(app: TestApplication) -> None:
    query = due_timers_query(date(2026, 3, 11))
    with app.database.reading() as session:
        dialect = session.get_bind().dialect
        compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        if app.database.is_sqlite:
            plan = " ".join(
                str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(str(row[0]) for row in session.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_timers_pending_due" in plan


def test_an_agency_template_overrides_the_shipped_one_and_strictness_holds(
    app: TestApplication, tmp_path: Path
) -> None:
    own = tmp_path / "texts"
    own.mkdir()
    (own / "reminder.j2").write_text("提醒 {{ case.number }} {{ clock.label }}\n\n{{ nothing }}\n")
    number = open_case(app, RECEIVED)
    report = sweep(app, date(2026, 3, 11), NotificationConfig(templates=own))
    assert report.counts.errors == 1  # an undefined name is an error, never a blank
    assert (
        "reminder template reminder.j2: 'nothing' is undefined"
        in report.view["failures"][0]["error"]
    )
    assert timer_statuses(app, number)[BEFORE_5] == "pending"

    (own / "reminder.j2").write_text(
        "提醒 {{ case.number }} {{ clock.label }}\n\n{{ recipient }}\n"
    )
    assert sweep(app, date(2026, 3, 11), NotificationConfig(templates=own)).counts.errors == 0
    with app.database.reading() as session:
        subjects = set(session.scalars(select(OutboxRecord.subject)))
    assert subjects == {f"提醒 {number} 答复期限"}


def test_an_agency_reminder_template_cannot_build_a_huge_value(
    app: TestApplication, tmp_path: Path
) -> None:
    """Its texts are bounded as letters are: the sweep records the error, the timer waits."""
    own = tmp_path / "texts"
    own.mkdir()
    (own / "reminder.j2").write_text("提醒 {{ case.number }}\n\n{{ 'x' * 10**10 }}\n")
    number = open_case(app, RECEIVED)
    report = sweep(app, date(2026, 3, 11), NotificationConfig(templates=own))
    assert report.counts.errors == 1
    assert "at most 1000000 characters" in report.view["failures"][0]["error"]
    assert timer_statuses(app, number)[BEFORE_5] == "pending"
