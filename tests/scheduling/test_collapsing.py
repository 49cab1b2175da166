"""One reminder per clock per sweep, and none for a clock or case the same sweep ended."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.scheduling.casework import (
    HANDLER,
    HEAD,
    Sent,
    act,
    case_state,
    open_case,
    reminders,
    set_today,
    sweep,
    timer_statuses,
    to,
)
from tests.stores import TestApplication
from workflow.cases.service import NewCase, find_case
from workflow.people import Person
from workflow.scheduling.collapsing import one_per_clock
from workflow.scheduling.outbox import message_key
from workflow.store.records import OutboxRecord, TimerRecord

RECEIVED = date(2026, 2, 12)  # answer due 2026-03-18
REGISTERED = date(2026, 3, 20)  # 2 WD overdue when it is finally registered


def outbox(app: TestApplication) -> list[OutboxRecord]:
    with app.database.reading() as session:
        return list(session.scalars(select(OutboxRecord).order_by(OutboxRecord.id)))


def test_a_late_registered_case_gets_one_reminder_per_person_naming_those_it_replaces(
    app: TestApplication,
) -> None:
    set_today(app, REGISTERED)
    number = app.cases.open(
        NewCase(
            agency="zbgd",
            applicant="张三",
            applicant_type="natural_person",
            channel="registered_post",
            received_on=RECEIVED,
            request="2025年度部门预算",
            handler=HANDLER,
            by=HANDLER,
        )
    ).number

    report = sweep(app, REGISTERED)
    assert (report.counts.timers_fired, report.counts.collapsed) == (1, 3)
    assert reminders(app) == [
        Sent(REGISTERED, number, "answer", "overdue", to(person)) for person in (HANDLER, HEAD)
    ]
    messages = outbox(app)
    with app.database.reading() as session:
        case_id = find_case(session, number).id
    assert [m.key for m in messages] == [  # the key of the reminder sent, as always
        message_key("reminder", f"{case_id}:answer:v1@2026-03-18:overdue", Person("zbgd", person))
        for person in (HANDLER, HEAD)
    ]
    for message in messages:
        assert message.subject == f"【已逾期】{number} 答复期限已逾期2个工作日（2026年3月18日届满）"
        assert (
            "本提醒一并代替同一期限的“到期前5个工作日”提醒（原定于2026年3月11日）、"
            "“到期前1个工作日”提醒（原定于2026年3月17日）、"
            "“到期当日”提醒（原定于2026年3月18日），不再另行发送。"
        ) in message.body
    statuses = timer_statuses(app, number)
    assert {statuses[f"answer:v1@2026-03-18:{name}"] for name in
            ("before_5", "before_1", "on_due", "overdue")} == {"done"}  # fmt: skip

    assert sweep(app, REGISTERED).counts.reminders_queued == 0  # stable: nothing twice
    monday = date(2026, 3, 23)
    again = sweep(app, monday)  # the daily overdue reminder re-armed from the sweep day
    assert (again.counts.reminders_queued, again.counts.collapsed) == (2, 0)
    latest = outbox(app)[-1]
    assert "代替" not in latest.body


def test_no_reminder_for_a_case_the_same_sweep_closed_by_a_lapse(app: TestApplication) -> None:
    number = open_case(app, RECEIVED)
    act(app, number, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    # not swept on 03-12 (the correction's last day): its on_due reminder and the
    # lapse of 03-13 fall due in one sweep
    report = sweep(app, date(2026, 3, 13))
    assert report.counts.lapses_fired == 1
    assert report.counts.reminders_queued == 0
    assert reminders(app) == []
    assert case_state(app, number) == ("decided", "other.correction_lapsed")
    statuses = timer_statuses(app, number)
    assert statuses["correction:v1@2026-03-12:lapse"] == "done"
    assert statuses["correction:v1@2026-03-12:on_due"] == "superseded"


def test_reminders_of_different_clocks_are_kept_apart_and_the_latest_planned_wins() -> None:
    def timer(clock: str, name: str, day: int) -> TimerRecord:
        return TimerRecord(key=f"{clock}:{name}", clock=clock, name=name, due_on=date(2026, 3, day))

    answer_5, answer_due = timer("answer", "before_5", 11), timer("answer", "on_due", 18)
    fee_3 = timer("fee_payment", "before_3", 12)
    overdue_once = timer("other_agency", "overdue_once", 19)
    on_due = timer("other_agency", "on_due", 18)
    groups = one_per_clock([answer_5, fee_3, on_due, answer_due, overdue_once])
    assert [(g.sent, g.replaced) for g in groups] == [
        (answer_due, (answer_5,)),
        (fee_3, ()),
        (overdue_once, (on_due,)),
    ]
