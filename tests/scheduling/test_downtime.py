"""The scheduler is down for two weeks, then restarted (issue item 9).

Swept daily up to Friday 2026-04-10, then nothing until Friday 2026-04-24. The first
sweep after the restart must fire every missed reminder and lapse once, in due order,
each saying how things stand on the restart day; missed daily overdue reminders
collapse into one; reminders whose deadline moved meanwhile are never sent.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.scheduling.casework import (
    HANDLER,
    HEAD,
    Sent,
    act,
    case_state,
    lapse_events,
    last_outbox_id,
    open_case,
    reminders,
    sweep,
    timer_statuses,
    to,
)
from tests.stores import TestApplication
from workflow.cases.service import find_case
from workflow.store.records import OutboxRecord

LAST_SWEEP, RESTART = date(2026, 4, 10), date(2026, 4, 24)


def sweep_daily(app: TestApplication, first: date, last: date) -> None:
    day = first
    while day <= last:
        sweep(app, day)
        day += timedelta(days=1)


def names(sent: list[Sent], number: str) -> list[tuple[str, str, str]]:
    return [(s.clock, s.name, s.recipient) for s in sent if s.case == number]


def test_two_weeks_down_then_everything_missed_fires_once_in_order(
    app: TestApplication,
) -> None:
    cal = app.calendar
    # R: a third party consulted with 2 WD of the answer left; it stays silent meanwhile
    r = open_case(app, date(2026, 3, 2))
    act(app, r, "consult_third_party", date(2026, 3, 26), party="某公司", contact="0533-1")
    # P: its answer falls due during the downtime
    p = open_case(app, date(2026, 3, 18))
    # Q and S: received the same day; Q must correct by 04-15 and will not
    q = open_case(app, date(2026, 3, 23))
    s = open_case(app, date(2026, 3, 23))
    act(app, q, "request_correction", date(2026, 3, 24), reason="请写明文件名称")
    sweep_daily(app, date(2026, 3, 2), LAST_SWEEP)
    before_downtime = last_outbox_id(app)

    # during the downtime a handler extends S: its 04-14 and 04-20 reminders are void
    act(app, s, "extend", date(2026, 4, 13), days=20, approver=HEAD)

    report = sweep(app, RESTART)
    assert report.counts.errors == 0
    assert report.counts.lapses_fired == 2
    # P's and R's answer: the overdue reminder is sent for before_1 and on_due
    assert report.counts.collapsed == 4
    sent = reminders(app, before_downtime)
    assert {s.day for s in sent} == {RESTART}
    both = [(to(HANDLER),), (to(HEAD),)]
    assert names(sent, p) == [("answer", "overdue", *who) for who in both]
    assert names(sent, q) == []  # its correction lapsed: the case is closed, nothing to remind
    # R: the silence lapse stopped the third-party clock (its reminders are void) and
    # resumed the answer (04-20, 2 WD left), whose reminders were then already due
    assert names(sent, r) == [("answer", "overdue", *who) for who in both]
    assert names(sent, s) == []
    statuses = timer_statuses(app, s)
    void = ("answer:v1@2026-04-21:before_5", "answer:v1@2026-04-21:before_1")
    assert statuses[void[0]] == statuses[void[1]] == "superseded"

    # lapses dated on their legal day, not on the restart day
    assert lapse_events(app) == [
        (r, "third_party_silent", cal.next_working_day(date(2026, 4, 17))),
        (q, "lapse_correction", date(2026, 4, 16)),
    ]
    assert case_state(app, q) == ("decided", "other.correction_lapsed")
    assert case_state(app, r)[0] == "received"

    with app.database.reading() as session:
        bodies = {
            row.key: row.body
            for row in session.scalars(
                select(OutboxRecord).where(OutboxRecord.id > before_downtime)
            )
        }
    p_overdue = next(
        body for key, body in bodies.items() if ":answer:v1@2026-04-16:overdue:" in key
    )
    assert "已于2026年4月16日届满，截至2026年4月24日已逾期6个工作日" in p_overdue
    assert "原定于2026年4月17日发出" in p_overdue
    assert "补发" in p_overdue
    assert (
        "本提醒一并代替同一期限的“到期前1个工作日”提醒（原定于2026年4月15日）、"
        "“到期当日”提醒（原定于2026年4月16日），不再另行发送。"
    ) in p_overdue
    assert not any(key.startswith(f"reminder:{_id(app, q)}:") for key in bodies)
    assert {
        status for key, status in timer_statuses(app, q).items() if key.startswith("correction:")
    } == {"done", "superseded"}  # the lapse done, the reminders it made void superseded

    # nothing fires twice; the collapsed overdue reminder re-armed for the next working day
    assert sweep(app, RESTART).counts.timers_fired == 0
    sweep_daily(app, RESTART + timedelta(days=1), date(2026, 4, 26))  # a weekend: nothing
    assert reminders(app, before_downtime) == sent
    monday = last_outbox_id(app)
    sweep(app, date(2026, 4, 27))
    assert sorted(names(reminders(app, monday), p) + names(reminders(app, monday), r)) == sorted(
        [("answer", "overdue", *who) for who in both] * 2
    )


def _id(app: TestApplication, number: str) -> int:
    with app.database.reading() as session:
        return find_case(session, number).id
