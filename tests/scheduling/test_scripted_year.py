"""A scripted year, swept every day with a fixed clock (issue item 7).

Seven applications from June 2025 to May 2026 take the lifecycle's paths: answered
in time, answered late, a correction that lapses, a correction received (the answer
restarts in full), a fee never paid, an extension then a silent third party over the
2026 Spring Festival, an agency answering on its last day. Every day the scheduler
sweeps first and the handlers act afterwards. Each expected reminder must be queued
exactly once, on its day, to its people; each lapse must fire on the first working
day after its period; nothing else may go out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

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
    to,
)
from tests.stores import TestApplication

FIRST_DAY, LAST_DAY = date(2025, 6, 2), date(2026, 5, 29)
BOTH, HANDLER_ONLY = (to(HANDLER), to(HEAD)), (to(HANDLER),)


class Script:
    def __init__(self, app: TestApplication) -> None:
        self.app = app
        self.actions: dict[date, list[Callable[[], object]]] = defaultdict(list)
        self.numbers: dict[str, str] = {}
        self.expected: list[tuple[date, str, str, str, tuple[str, ...]]] = []

    def open(self, label: str, received: date) -> None:
        def register() -> None:
            self.numbers[label] = open_case(self.app, received)

        self.actions[received].append(register)

    def step(self, label: str, trigger: str, on: date, **inputs: object) -> None:
        self.actions[on].append(lambda: act(self.app, self.numbers[label], trigger, on, **inputs))

    def expect(self, on: date, label: str, clock: str, name: str, to: tuple[str, ...]) -> None:
        self.expected.append((on, label, clock, name, to))

    def run(self) -> None:
        day = FIRST_DAY
        while day <= LAST_DAY:
            report = sweep(self.app, day)
            assert (report.counts.errors, report.counts.dropped, report.counts.refused) == (
                0,
                0,
                0,
            ), report.view
            for action in self.actions.pop(day, []):
                action()
            day += timedelta(days=1)
        assert not self.actions


@pytest.mark.slow
def test_a_scripted_year_queues_each_reminder_once_and_lapses_on_the_right_day(
    app: TestApplication,
) -> None:
    cal = app.calendar
    add, before, next_day = cal.add_working_days, cal.subtract_working_days, cal.next_working_day
    script = Script(app)

    # A: answered the day before the due date
    script.open("A", date(2025, 6, 3))
    due = add(date(2025, 6, 3), 20)
    for n in (5, 1):
        script.expect(before(due, n), "A", "answer", f"before_{n}", BOTH)
    script.step("A", "decide", before(due, 1), outcome="disclosed.provided")

    # B: answered 3 WD late: daily overdue reminders on working days only
    script.open("B", date(2025, 7, 1))
    due = add(date(2025, 7, 1), 20)
    for n in (5, 1):
        script.expect(before(due, n), "B", "answer", f"before_{n}", BOTH)
    script.expect(due, "B", "answer", "on_due", BOTH)
    for n in (1, 2, 3):
        script.expect(add(due, n), "B", "answer", "overdue", BOTH)
    script.step("B", "decide", add(due, 3), outcome="unavailable.not_held")

    # C: correction requested and never made: lapses
    script.open("C", date(2025, 8, 4))
    script.step("C", "request_correction", date(2025, 8, 5), reason="请写明文件名称")
    c_due = add(date(2025, 8, 5), 15)
    script.expect(before(c_due, 3), "C", "correction", "before_3", HANDLER_ONLY)
    script.expect(c_due, "C", "correction", "on_due", HANDLER_ONLY)

    # D: correction received: the answer restarts in full (over National Day 2025)
    script.open("D", date(2025, 9, 1))
    script.step("D", "request_correction", date(2025, 9, 2), reason="请写明文件名称")
    script.step("D", "receive_correction", date(2025, 9, 10))
    due = add(date(2025, 9, 10), 20)
    for n in (5, 1):
        script.expect(before(due, n), "D", "answer", f"before_{n}", BOTH)
    script.step("D", "decide", before(due, 1), outcome="disclosed.provided")

    # E: fee notice, never paid: lapses
    script.open("E", date(2025, 11, 3))
    script.step("E", "issue_fee_notice", date(2025, 11, 5), amount=Decimal("100"))
    e_due = add(date(2025, 11, 5), 20)
    script.expect(before(e_due, 3), "E", "fee_payment", "before_3", HANDLER_ONLY)
    script.expect(e_due, "E", "fee_payment", "on_due", HANDLER_ONLY)

    # F: extended, then a third party stays silent over the 2026 Spring Festival
    received = date(2026, 1, 26)
    script.open("F", received)
    script.step("F", "extend", date(2026, 2, 10), days=20, approver=HEAD)
    script.step("F", "consult_third_party", date(2026, 2, 12), party="某公司", contact="0533-1")
    t_due = add(date(2026, 2, 12), 15)
    assert t_due == date(2026, 3, 11)  # 02-14 and 02-28 are make-up working days
    script.expect(before(t_due, 3), "F", "third_party", "before_3", HANDLER_ONLY)
    script.expect(t_due, "F", "third_party", "on_due", HANDLER_ONLY)
    left = 40 - cal.working_days_between(received, date(2026, 2, 12))  # DOMAIN.md §1
    # resumed by the silence lapse as of the consultation's last day (DOMAIN.md §1)
    due = add(t_due, left)
    for n in (5, 1):
        script.expect(before(due, n), "F", "answer", f"before_{n}", BOTH)
    script.step("F", "decide", before(due, 1), outcome="disclosed.provided")

    # G: another agency replies on its last day (its silence would lapse the next day)
    script.open("G", date(2026, 3, 2))
    script.step("G", "consult_agency", date(2026, 3, 3), party="某局", contact="0533-2")
    g_due = add(date(2026, 3, 3), 15)
    for day, name in ((before(g_due, 3), "before_3"), (g_due, "on_due")):
        script.expect(day, "G", "other_agency", name, HANDLER_ONLY)
    script.step("G", "receive_agency_reply", g_due)
    script.step("G", "decide", add(g_due, 2), outcome="disclosed.provided")

    script.run()

    numbers = script.numbers
    assert sorted(reminders(app)) == sorted(
        Sent(day, numbers[label], clock, name, person)
        for day, label, clock, name, people in script.expected
        for person in people
    )
    assert lapse_events(app) == [
        (numbers["C"], "lapse_correction", next_day(c_due)),
        (numbers["E"], "lapse_fee", next_day(e_due)),
        (numbers["F"], "third_party_silent", date(2026, 3, 12)),
    ]
    assert case_state(app, numbers["C"]) == ("decided", "other.correction_lapsed")
    assert case_state(app, numbers["E"]) == ("decided", "other.fee_unpaid")
    assert all(case_state(app, numbers[label])[0] == "decided" for label in "ABCDEFG")
