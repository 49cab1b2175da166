"""A step's clock changes: its ledger entries, the clocks they derive and their timers.

The rows are written by ``store/ledgers.py`` and ``store/timers.py``, one statement per
table per step (Core, not ORM objects: a step touches several rows of each and the unit
of work's per-object cost would dominate a handler's command).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from workflow.codes import TimerStatus
from workflow.deadlines import ClockEntry, Deadline, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.lifecycle.timers import TimerPlan, plan_timers
from workflow.store.ledger_rows import Ledgers
from workflow.store.ledgers import (
    clock_row,
    entry_row,
    insert_entries,
    load_ledgers_of,
    write_clocks,
)
from workflow.store.timers import insert_timers, supersede_pending


def write_clock_changes(
    connection: Connection,
    new_entries: Sequence[tuple[int, int, Mapping[str, Sequence[ClockEntry]]]],
    cases: Mapping[int, tuple[Ledgers, Mapping[str, date], WorkflowDefinition]],
    calendar: WorkingCalendar,
    now: datetime,
) -> None:
    """Write the steps' new ledger entries, then re-derive every changed clock.

    ``new_entries``: (case id, event id, entries per clock) in the order applied;
    ``cases``: per case, its ledgers after the steps, the clocks they changed (with
    the date of the last change) and its definition.
    """
    added: dict[tuple[int, str], int] = {}
    for case_id, _, entries in new_entries:
        for clock, items in entries.items():
            added[(case_id, clock)] = added.get((case_id, clock), 0) + len(items)
    seq = {key: len(cases[key[0]][0].get(key[1], ())) - count for key, count in added.items()}
    rows: list[dict[str, Any]] = []
    for case_id, event_id, entries in new_entries:
        for clock, items in entries.items():
            for entry in items:
                seq[(case_id, clock)] += 1
                rows.append(entry_row(case_id, event_id, clock, seq[(case_id, clock)], entry))
    insert_entries(connection, rows)
    clock_rows: list[dict[str, Any]] = []
    superseded: list[tuple[int, str]] = []
    timers: list[dict[str, Any]] = []
    for case_id, (ledgers, changed, definition) in cases.items():
        for clock, changed_on in changed.items():
            deadline = derive(ledgers[clock], calendar, clock)
            clock_rows.append(clock_row(case_id, clock, deadline))
            superseded.append((case_id, clock))
            timers.extend(
                timer_row(case_id, plan, now)
                for plan in plan_timers(case_id, clock, deadline, definition, calendar, changed_on)
            )
    write_clocks(connection, clock_rows)
    supersede_pending(connection, superseded)
    insert_timers(connection, timers)


def derive_undated(
    connection: Connection, calendar: WorkingCalendar, clocks: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], Deadline]:
    """The deadlines of clocks whose ``clocks`` row has no due date (flagged), derived
    from their ledgers: the row has no date to count from, the ledger has the count, and
    a year loaded since the row was written may give the date."""
    wanted = list(dict.fromkeys(clocks))
    if not wanted:
        return {}
    ledgers = load_ledgers_of(connection, list(dict.fromkeys(case_id for case_id, _ in wanted)))
    return {
        (case_id, clock): derive(ledgers[case_id][clock], calendar, clock)
        for case_id, clock in wanted
    }


def timer_row(
    case_id: int, plan: TimerPlan, now: datetime, detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A pending timer's row, as planned."""
    return {
        "key": plan.key,
        "case_id": case_id,
        "clock": plan.clock,
        "clock_version": plan.clock_version,
        "kind": plan.kind,
        "name": plan.name,
        "trigger": plan.trigger,
        "due_on": plan.due_on,
        "deadline_due_on": plan.deadline_due_on,
        "status": TimerStatus.PENDING,
        "created_at": now,
        "fired_at": None,
        "fired_on": None,
        "detail": detail,
    }
