"""Reading and writing a case's clocks: ledger entries, the clocks projection and timers.

Written with Core statements (one ``executemany`` per table per step), not ORM
objects: a step touches several rows of each and the unit of work's per-object
cost would dominate a handler's command.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, select, update
from sqlalchemy.orm import Session

from workflow.codes import TimerStatus
from workflow.deadlines import ClockEntry, Deadline, EntryKind, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.lifecycle.timers import TimerPlan, plan_timers
from workflow.store.database import dialect_insert
from workflow.store.records import PENDING_TIMER, ClockEntryRecord, ClockRecord, TimerRecord

Ledgers = dict[str, tuple[ClockEntry, ...]]

_ENTRY_COLUMNS = (
    ClockEntryRecord.clock,
    ClockEntryRecord.kind,
    ClockEntryRecord.on,
    ClockEntryRecord.days,
    ClockEntryRecord.due_on,
    ClockEntryRecord.reason,
    ClockEntryRecord.approver,
)


# Built once: the statements below run several times per step.
_LOAD = (
    select(*_ENTRY_COLUMNS)
    .where(ClockEntryRecord.case_id == bindparam("b_case_id"))
    .order_by(ClockEntryRecord.clock, ClockEntryRecord.seq)
)
_TIMERS = cast(Table, TimerRecord.__table__)
_INSERT_ENTRIES = cast(Table, ClockEntryRecord.__table__).insert()
_INSERT_TIMERS = _TIMERS.insert()
_UPSERTS: dict[str, Insert] = {}


_LOAD_MANY = (
    select(ClockEntryRecord.case_id, *_ENTRY_COLUMNS)
    .where(ClockEntryRecord.case_id.in_(bindparam("b_case_ids", expanding=True)))
    .order_by(ClockEntryRecord.case_id, ClockEntryRecord.clock, ClockEntryRecord.seq)
)
_SUPERSEDE_CLOCK = (
    update(_TIMERS)
    .where(
        _TIMERS.c.case_id == bindparam("b_case_id"),
        _TIMERS.c.clock == bindparam("b_clock"),
        PENDING_TIMER,
    )
    .values(status=TimerStatus.SUPERSEDED)
)


def load_ledgers_of(session: Session, case_ids: Sequence[int]) -> dict[int, Ledgers]:
    """The ledgers of many cases, in a query per 500 cases."""
    if len(case_ids) == 1:  # a handler's step: the plain statement compiles once, for good
        return {case_ids[0]: load_ledgers(session, case_ids[0])}
    found: dict[int, dict[str, list[ClockEntry]]] = {}
    connection = session.connection()
    for start in range(0, len(case_ids), 500):
        chunk = list(case_ids[start : start + 500])
        for case_id, clock, kind, on, days, due_on, reason, approver in connection.execute(
            _LOAD_MANY, {"b_case_ids": chunk}
        ):
            found.setdefault(case_id, {}).setdefault(clock, []).append(
                ClockEntry(EntryKind(kind), on, days, due_on, reason, approver)
            )
    return {
        case_id: {clock: tuple(entries) for clock, entries in ledgers.items()}
        for case_id, ledgers in found.items()
    }


def write_clock_changes(
    session: Session,
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
    connection = session.connection()
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
                rows.append(_entry_row(case_id, event_id, clock, seq[(case_id, clock)], entry))
    if rows:
        connection.execute(_INSERT_ENTRIES, _one_or_many(rows))
    clock_rows: list[dict[str, Any]] = []
    superseded: list[dict[str, Any]] = []
    timers: list[dict[str, Any]] = []
    for case_id, (ledgers, changed, definition) in cases.items():
        for clock, changed_on in changed.items():
            deadline = derive(ledgers[clock], calendar, clock)
            clock_rows.append(_clock_row(case_id, clock, deadline))
            superseded.append({"b_case_id": case_id, "b_clock": clock})
            timers.extend(
                timer_row(case_id, plan, now)
                for plan in plan_timers(case_id, clock, deadline, definition, calendar, changed_on)
            )
    if clock_rows:
        connection.execute(_upsert_statement(connection.dialect.name), _one_or_many(clock_rows))
        connection.execute(_SUPERSEDE_CLOCK, _one_or_many(superseded))
    if timers:
        connection.execute(_INSERT_TIMERS, _one_or_many(timers))


def _one_or_many(rows: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """One row as plain parameters: cheaper than an executemany of one."""
    return rows[0] if len(rows) == 1 else rows


def derive_undated(
    session: Session, calendar: WorkingCalendar, clocks: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], Deadline]:
    """The deadlines of clocks whose ``clocks`` row has no due date (flagged), derived
    from their ledgers: the row has no date to count from, the ledger has the count, and
    a year loaded since the row was written may give the date."""
    wanted = list(dict.fromkeys(clocks))
    if not wanted:
        return {}
    ledgers = load_ledgers_of(session, list(dict.fromkeys(case_id for case_id, _ in wanted)))
    return {
        (case_id, clock): derive(ledgers[case_id][clock], calendar, clock)
        for case_id, clock in wanted
    }


def load_ledgers(session: Session, case_id: int) -> Ledgers:
    rows = session.connection().execute(_LOAD, {"b_case_id": case_id})
    ledgers: dict[str, list[ClockEntry]] = {}
    for clock, kind, on, days, due_on, reason, approver in rows:
        ledgers.setdefault(clock, []).append(
            ClockEntry(EntryKind(kind), on, days, due_on, reason, approver)
        )
    return {clock: tuple(entries) for clock, entries in ledgers.items()}


def _entry_row(
    case_id: int, event_id: int, clock: str, seq: int, entry: ClockEntry
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "event_id": event_id,
        "clock": clock,
        "seq": seq,
        "kind": entry.kind.value,
        "on": entry.on,
        "days": entry.days,
        "due_on": entry.due_on,
        "reason": entry.reason,
        "approver": entry.approver,
    }


def _clock_row(case_id: int, clock: str, deadline: Deadline) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "name": clock,
        "status": deadline.status.value,
        "due_on": deadline.due_on,
        "extended_by": deadline.extended_by,
        "version": deadline.version,
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


def _upsert_statement(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (case_id, name) DO UPDATE for the clocks projection."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        upsert = dialect_insert(dialect)
        table = cast(Table, ClockRecord.__table__)
        base = upsert(table)
        statement = _UPSERTS[dialect] = base.on_conflict_do_update(
            index_elements=[table.c.case_id, table.c.name],
            set_={
                "status": base.excluded.status,
                "due_on": base.excluded.due_on,
                "extended_by": base.excluded.extended_by,
                "version": base.excluded.version,
            },
        )
    return statement
