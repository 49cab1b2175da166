"""The clock ledger: due dates and explanations from dated entries (DOMAIN.md §1)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.conftest import domain_calendar
from workflow.deadlines import ClockEntry, ClockStatus, derive, status_of
from workflow.errors import LedgerError

CALENDAR = domain_calendar()
RECEIVED = date(2026, 2, 12)  # Thursday before the 2026 Spring Festival


def test_started_clock_is_due_after_twenty_working_days() -> None:
    deadline = derive([ClockEntry.start(RECEIVED, 20)], CALENDAR)
    assert deadline.due_on == date(2026, 3, 18)
    assert deadline.status is ClockStatus.RUNNING
    assert deadline.explanation == ["自2026-02-12起20个工作日：2026-03-18到期"]


def test_pause_counts_used_days_through_the_pause_date_and_resumes_after_resume_date() -> None:
    # used: 02-13, 02-14 (make-up Sat), 02-24..02-28 (Sat make-up), 03-02..03-05 = 11 WD
    entries = [
        ClockEntry.start(RECEIVED, 20),
        ClockEntry.pause(date(2026, 3, 5), "third party"),
        ClockEntry.resume(date(2026, 3, 20)),
    ]
    deadline = derive(entries, CALENDAR)
    # 9 left from the day after 03-20: 03-23..03-27, 03-30, 03-31, 04-01, 04-02
    assert deadline.due_on == date(2026, 4, 2)
    assert deadline.explanation == [
        "自2026-02-12起20个工作日：2026-03-18到期",
        "2026-03-05至2026-03-20暂停（third party）：已用11个工作日，剩余9个",
        "2026-03-20恢复计算：剩余9个工作日，2026-04-02到期",
    ]


def test_paused_clock_reports_frozen_remaining_days() -> None:
    entries = [ClockEntry.start(RECEIVED, 20), ClockEntry.pause(date(2026, 3, 5), "fee notice")]
    deadline = derive(entries, CALENDAR)
    assert deadline.status is ClockStatus.PAUSED
    assert deadline.remaining_workdays(CALENDAR, date(2026, 6, 1)) == 9
    assert deadline.overdue_workdays(CALENDAR, date(2026, 6, 1)) == 0
    assert deadline.explanation[-1] == "自2026-03-05起暂停（fee notice）：已用11个工作日，剩余9个"


def test_extension_adds_working_days_and_names_the_approver() -> None:
    entries = [
        ClockEntry.start(RECEIVED, 20),
        ClockEntry.extend(date(2026, 3, 10), 20, "王主任"),
    ]
    deadline = derive(entries, CALENDAR)
    assert deadline.due_on == CALENDAR.add_working_days(date(2026, 3, 18), 20)
    assert deadline.extended_by == 20
    assert "王主任于" in deadline.explanation[-1]


def test_restart_counts_the_full_length_again_from_the_corrected_receipt() -> None:
    entries = [
        ClockEntry.start(RECEIVED, 20),
        ClockEntry.pause(date(2026, 2, 13), "correction requested"),
        ClockEntry.restart(date(2026, 3, 2)),
    ]
    deadline = derive(entries, CALENDAR)
    assert deadline.due_on == CALENDAR.add_working_days(date(2026, 3, 2), 20)
    assert deadline.explanation[-1].startswith("自2026-03-02起重新计算：20个工作日")


def test_explicit_date_overrides_the_count() -> None:
    entries = [
        ClockEntry.start(RECEIVED, 20),
        ClockEntry.set_due(date(2026, 3, 2), date(2026, 5, 29), "Art. 35"),
    ]
    deadline = derive(entries, CALENDAR)
    assert deadline.due_on == date(2026, 5, 29)
    assert deadline.remaining_workdays(CALENDAR, date(2026, 5, 28)) == 1


def test_remaining_and_overdue_as_of_a_date() -> None:
    deadline = derive([ClockEntry.start(RECEIVED, 20)], CALENDAR)
    assert deadline.remaining_workdays(CALENDAR, date(2026, 3, 16)) == 2
    assert deadline.remaining_workdays(CALENDAR, date(2026, 3, 18)) == 0
    assert deadline.overdue_workdays(CALENDAR, date(2026, 3, 18)) == 0
    assert deadline.overdue_workdays(CALENDAR, date(2026, 3, 23)) == 3  # Thu, Fri, Mon


def test_stopped_clock_remembers_how_early_or_late_it_stopped() -> None:
    late = derive(
        [ClockEntry.start(RECEIVED, 20), ClockEntry.stop(date(2026, 3, 20), "decided")], CALENDAR
    )
    assert late.status is ClockStatus.STOPPED
    assert late.overdue_workdays(CALENDAR, date(2026, 12, 1)) == 2
    assert "晚2个工作日" in late.explanation[-1]


def test_pause_after_the_due_date_keeps_the_due_date() -> None:
    entries = [
        ClockEntry.start(RECEIVED, 20),
        ClockEntry.pause(date(2026, 3, 20), "third party"),
        ClockEntry.resume(date(2026, 4, 1)),
    ]
    deadline = derive(entries, CALENDAR)
    assert deadline.due_on == date(2026, 3, 18)
    assert "现已超期" in deadline.explanation[-1]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([ClockEntry.resume(RECEIVED)], "first entry must be a start"),
        ([ClockEntry.start(RECEIVED, 20), ClockEntry.resume(date(2026, 3, 1))], "is running"),
        (
            [ClockEntry.start(RECEIVED, 20), ClockEntry.pause(date(2026, 2, 1), "x")],
            "before the previous entry",
        ),
        ([ClockEntry.start(RECEIVED, -3)], "non-negative"),
    ],
)
def test_impossible_ledgers_are_refused(entries: list[ClockEntry], message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        derive(entries, CALENDAR)


# -- properties ---------------------------------------------------------------

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))
lengths = st.integers(min_value=1, max_value=40)


@given(starts, lengths, st.integers(min_value=0, max_value=40))
def test_zero_length_pause_changes_nothing(start: date, days: int, offset: int) -> None:
    due = CALENDAR.add_working_days(start, days)
    pause_on = CALENDAR.add_working_days(start, min(offset, days - 1))
    entries = [ClockEntry.start(start, days), ClockEntry.pause(pause_on, "x")]
    resumed = derive([*entries, ClockEntry.resume(pause_on)], CALENDAR)
    assert resumed.due_on == due


@given(starts, lengths, st.integers(min_value=0, max_value=39), st.integers(0, 30))
def test_pause_shifts_the_due_date_by_the_working_days_paused(
    start: date, days: int, used: int, paused_days: int
) -> None:
    assume(used < days)
    pause_on = CALENDAR.add_working_days(start, used)
    resume_on = CALENDAR.add_working_days(pause_on, paused_days)
    deadline = derive(
        [
            ClockEntry.start(start, days),
            ClockEntry.pause(pause_on, "x"),
            ClockEntry.resume(resume_on),
        ],
        CALENDAR,
    )
    original_due = CALENDAR.add_working_days(start, days)
    assert deadline.due_on == CALENDAR.add_working_days(original_due, paused_days)


_moves = st.lists(st.sampled_from(["pause", "resume", "restart", "extend", "set_due", "stop"]))


@given(starts, lengths, _moves, st.lists(st.integers(0, 6), min_size=12, max_size=12))
def test_the_status_without_the_calendar_is_the_derived_one(
    start: date, days: int, moves: list[str], gaps: list[int]
) -> None:
    """Effects ask ``status_of``; it must agree with ``derive`` on every ledger it accepts."""
    entries = [ClockEntry.start(start, days)]
    on = start
    for move, gap in zip(moves, gaps, strict=False):
        on = CALENDAR.add_working_days(on, gap)
        entry = {
            "pause": ClockEntry.pause(on, "x"),
            "resume": ClockEntry.resume(on),
            "restart": ClockEntry.restart(on),
            "extend": ClockEntry.extend(on, 5, "王主任"),
            "set_due": ClockEntry.set_due(on, CALENDAR.add_working_days(on, 10), "x"),
            "stop": ClockEntry.stop(on, "x"),
        }[move]
        try:
            derive([*entries, entry], CALENDAR)
        except LedgerError:
            continue  # not a ledger the engine writes
        entries.append(entry)
        assert status_of(entries) is derive(entries, CALENDAR).status
    assert status_of([]) is None
