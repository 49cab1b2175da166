"""Deadlines that run into a year whose calendar is not loaded: flagged, never refused, never
guessed (DOMAIN.md §3), and exact once the year is loaded.

The shipped calendars end with 2026; 2027 comes from a synthetic notice (tests/synthetic_2027.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import synthetic_2027
from workflow.deadlines import ClockEntry, ClockStatus, WorkingCalendar, derive, load_calendar
from workflow.definition import WorkflowDefinition, load_definition
from workflow.errors import TransitionRejected
from workflow.lifecycle import CaseSnapshot, Lifecycle, StepInput, vocabulary
from workflow.lifecycle.timers import plan_timers
from workflow.resources import calendars_dir, definitions_dir, notifications_dir

SHIPPED = load_calendar([calendars_dir()])  # through 2026
LOADED = synthetic_2027.with_2027(SHIPPED)
DEFINITION = load_definition(
    definitions_dir() / "disclosure.yaml", vocabulary([notifications_dir() / "letters"])
)
WAITING = "2027年，该年节假日安排尚未载入，载入后即确定到期日（workflow calendar import-notice）"


def test_a_count_into_an_unloaded_year_is_flagged_with_what_is_known() -> None:
    received = date(2026, 12, 10)
    flagged = derive([ClockEntry.start(received, 20)], SHIPPED, "answer")
    assert (flagged.status, flagged.due_on, flagged.awaiting_year) == (
        ClockStatus.RUNNING,
        None,
        2027,
    )
    # 12-11, 12-14..18, 12-21..25, 12-28..31: 15 WD in 2026
    assert flagged.explanation == [
        f"自2026-12-10起20个工作日：其中15个工作日计至2026-12-31，其余5个计入{WAITING}"
    ]
    assert flagged.remaining_workdays(SHIPPED, date(2026, 12, 15)) == 17  # a count, not a date
    assert flagged.overdue_workdays(SHIPPED, date(2026, 12, 31)) == 0
    # 2027-01-01..03 off in the (synthetic) 2027: the 16th WD is Mon 01-04, the 20th Fri 01-08
    dated = derive([ClockEntry.start(received, 20)], LOADED, "answer")
    assert (dated.due_on, dated.awaiting_year) == (date(2027, 1, 8), None)
    assert dated.explanation == ["自2026-12-10起20个工作日：2027-01-08到期"]
    assert dated.remaining_workdays(LOADED, date(2026, 12, 15)) == 17


def test_pause_resume_extend_and_stop_of_a_flagged_clock_keep_exact_counts() -> None:
    entries = [
        ClockEntry.start(date(2026, 12, 10), 20),
        ClockEntry.pause(date(2026, 12, 14), "third party"),  # used 12-11, 12-14
        ClockEntry.resume(date(2026, 12, 16)),
        ClockEntry.stop(date(2026, 12, 18), "decided"),  # used 12-17, 12-18 more
    ]
    flagged = derive(entries, SHIPPED, "answer")
    assert flagged.explanation[1:] == [
        "2026-12-14至2026-12-16暂停（third party）：已用2个工作日，剩余18个",
        f"2026-12-16恢复计算：剩余18个工作日，其中11个工作日计至2026-12-31，其余7个计入{WAITING}",
        "2026-12-18停止（decided）：比到期日（在2027年，尚未载入）提前16个工作日",
    ]
    dated = derive(entries, LOADED, "answer")
    assert dated.explanation[-1] == "2026-12-18停止（decided）：比到期日2027-01-12提前16个工作日"
    assert flagged.remaining_at_pause == dated.remaining_at_pause == 16

    extended = derive(
        [
            ClockEntry.start(date(2026, 12, 1), 20),
            ClockEntry.extend(date(2026, 12, 14), 20, "王主任"),
        ],
        SHIPPED,
        "answer",
    )
    assert extended.explanation == [
        "自2026-12-01起20个工作日：2026-12-29到期",
        "延长20个工作日，王主任于2026-12-14批准：自2026-12-01起40个工作日，"
        f"其中22个工作日计至2026-12-31，其余18个计入{WAITING}",
    ]
    assert extended.extended_by == 20
    assert extended.remaining_workdays(SHIPPED, date(2026, 12, 14)) == 31  # 40 - 9 used


STEPS = st.lists(
    st.tuples(st.sampled_from(["pause", "resume", "extend", "set_due", "stop"]), st.integers(0, 9)),
    max_size=6,
)


def _ledger(start: date, days: int, steps: list[tuple[str, int]]) -> list[ClockEntry]:
    """A valid ledger from ``steps``, every entry dated in 2026 (a stated date is loaded)."""
    entries, on, paused = [ClockEntry.start(start, days)], start, False
    for kind, gap in steps:
        on += timedelta(days=gap)
        if on.year > 2026:
            break
        if kind == "pause" and not paused:
            entries.append(ClockEntry.pause(on, "fee"))
        elif kind == "resume" and paused:
            entries.append(ClockEntry.resume(on))
        elif kind == "extend":
            entries.append(ClockEntry.extend(on, gap + 1, "王主任"))
        elif kind == "set_due" and on + timedelta(days=gap) <= date(2026, 12, 31):
            entries.append(ClockEntry.set_due(on, on + timedelta(days=gap), "Art. 35"))
        elif kind == "stop":
            entries.append(ClockEntry.stop(on, "decided"))
            break
        else:
            continue
        paused = (paused or kind == "pause") and kind not in ("resume", "set_due")
    return entries


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(date(2026, 10, 1), date(2026, 12, 31)),
    days=st.integers(0, 60),
    steps=STEPS,
    later=st.integers(0, 90),
)
def test_a_flagged_clock_counts_what_the_loaded_year_gives(
    start: date, days: int, steps: list[tuple[str, int]], later: int
) -> None:
    """Flagged or not, status, WD left and overdue are those the loaded year gives; the
    due date too, unless it is flagged, and then it is in 2027."""
    entries = _ledger(start, days, steps)
    as_of = min(start + timedelta(days=later), date(2026, 12, 31))
    flagged, dated = derive(entries, SHIPPED), derive(entries, LOADED)
    if flagged.due_on is None:
        assert dated.due_on is not None
        assert (flagged.awaiting_year, dated.due_on.year) == (2027, 2027)
    else:
        assert (flagged.due_on, flagged.awaiting_year) == (dated.due_on, None)
    assert flagged.status is dated.status
    assert flagged.remaining_at_pause == dated.remaining_at_pause
    assert flagged.remaining_workdays(SHIPPED, as_of) == dated.remaining_workdays(LOADED, as_of)
    assert flagged.overdue_workdays(SHIPPED, as_of) == dated.overdue_workdays(LOADED, as_of)


def _plan(received: date, calendar: WorkingCalendar) -> dict[str, date]:
    deadline = derive([ClockEntry.start(received, 20)], calendar, "answer")
    plans = plan_timers(7, "answer", deadline, DEFINITION, calendar, received)
    return {plan.name: plan.due_on for plan in plans}


def test_timers_are_planned_only_on_days_the_calendar_can_tell() -> None:
    assert _plan(date(2026, 12, 10), SHIPPED) == {}  # flagged: no due date, no timers
    assert _plan(date(2026, 12, 10), LOADED) == {
        "before_5": date(2026, 12, 31),
        "before_1": date(2027, 1, 7),
        "on_due": date(2027, 1, 8),
        "overdue": date(2027, 1, 11),
    }
    # received 12-03: due Thu 12-31; the first working day after it is in 2027
    assert _plan(date(2026, 12, 3), SHIPPED) == {
        "before_5": date(2026, 12, 24),
        "before_1": date(2026, 12, 30),
        "on_due": date(2026, 12, 31),
    }
    assert _plan(date(2026, 12, 3), LOADED)["overdue"] == date(2027, 1, 4)


def test_a_timer_key_names_the_deadline_it_serves() -> None:
    deadline = derive([ClockEntry.start(date(2026, 12, 3), 20)], SHIPPED, "answer")
    plans = plan_timers(7, "answer", deadline, DEFINITION, SHIPPED, date(2026, 12, 3))
    assert [plan.key for plan in plans] == [
        "7:answer:v1@2026-12-31:before_5",
        "7:answer:v1@2026-12-31:before_1",
        "7:answer:v1@2026-12-31:on_due",
    ]


def _decide(definition: WorkflowDefinition, received: date, trigger: str, step: StepInput) -> str:
    lifecycle = Lifecycle(definition)
    opening = lifecycle.opening(StepInput(on=received), SHIPPED)
    ledgers = {clock: tuple(entries) for clock, entries in opening.clock_entries.items()}
    state = "received"
    if trigger == "lapse_correction":  # a correction notice first
        notice = StepInput(on=received, reason="请写明文件名称")
        decided = lifecycle.decide(
            CaseSnapshot.of("c", state, received, ledgers), "request_correction", notice, SHIPPED
        )
        for clock, entries in decided.plan.clock_entries.items():
            ledgers[clock] = (*ledgers.get(clock, ()), *entries)
        state = decided.dest
    snapshot = CaseSnapshot.of("c", state, received, ledgers)
    return lifecycle.decide(snapshot, trigger, step, SHIPPED).dest


def test_guards_near_the_year_end_refuse_only_what_cannot_be_known() -> None:
    # the 7-WD correction-notice window of a 12-28 receipt closes in 2027: 12-31 is within it
    notice = StepInput(on=date(2026, 12, 31), reason="请写明文件名称")
    assert _decide(DEFINITION, date(2026, 12, 28), "request_correction", notice) == (
        "needs_correction"
    )
    # the answer of a 12-10 receipt is due in 2027: an extension on 12-31 is before it
    extension = StepInput(on=date(2026, 12, 31), approver="王主任", days=20)
    assert _decide(DEFINITION, date(2026, 12, 10), "extend", extension) == "extended"
    # a 15-WD correction period from 12-28 ends in 2027: it cannot have lapsed on 12-31
    with pytest.raises(TransitionRejected, match="runs into 2027, whose holiday schedule"):
        _decide(
            DEFINITION, date(2026, 12, 28), "lapse_correction", StepInput(on=date(2026, 12, 31))
        )
