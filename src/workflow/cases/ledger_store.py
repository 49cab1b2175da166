"""Reading and writing a case's clocks: ledger entries, the clocks projection and timers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from workflow.deadlines import ClockEntry, Deadline, EntryKind, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.lifecycle.timers import plan_timers
from workflow.store.records import ClockEntryRecord, ClockRecord, TimerRecord

Ledgers = dict[str, tuple[ClockEntry, ...]]


def load_ledgers(session: Session, case_id: int) -> Ledgers:
    rows = session.scalars(
        select(ClockEntryRecord)
        .where(ClockEntryRecord.case_id == case_id)
        .order_by(ClockEntryRecord.clock, ClockEntryRecord.seq)
    )
    ledgers: dict[str, list[ClockEntry]] = defaultdict(list)
    for row in rows:
        ledgers[row.clock].append(entry_of(row))
    return {clock: tuple(entries) for clock, entries in ledgers.items()}


def entry_of(row: ClockEntryRecord) -> ClockEntry:
    return ClockEntry(
        kind=EntryKind(row.kind),
        on=row.on,
        days=row.days,
        due_on=row.due_on,
        reason=row.reason,
        approver=row.approver,
    )


def append_entries(
    session: Session,
    case_id: int,
    event_id: int,
    ledgers: Mapping[str, tuple[ClockEntry, ...]],
    new: Mapping[str, Sequence[ClockEntry]],
) -> Ledgers:
    """Write the new entries after the existing ones; return the updated ledgers."""
    updated: Ledgers = dict(ledgers)
    for clock, entries in new.items():
        seq = len(ledgers.get(clock, ()))
        for entry in entries:
            seq += 1
            session.add(
                ClockEntryRecord(
                    case_id=case_id,
                    event_id=event_id,
                    clock=clock,
                    seq=seq,
                    kind=entry.kind.value,
                    on=entry.on,
                    days=entry.days,
                    due_on=entry.due_on,
                    reason=entry.reason,
                    approver=entry.approver,
                )
            )
        updated[clock] = (*ledgers.get(clock, ()), *entries)
    return updated


def refresh_clocks(
    session: Session,
    case_id: int,
    clocks: Sequence[str],
    ledgers: Mapping[str, tuple[ClockEntry, ...]],
    definition: WorkflowDefinition,
    calendar: WorkingCalendar,
    changed_on: date,
    now: datetime,
    *,
    existing: Mapping[str, ClockRecord] | None = None,
) -> dict[str, Deadline]:
    """Re-derive the changed clocks: projection rows, superseded and new timers."""
    deadlines: dict[str, Deadline] = {}
    for clock in clocks:
        deadline = derive(ledgers[clock], calendar, clock)
        deadlines[clock] = deadline
        row = (
            existing.get(clock)
            if existing is not None
            else session.get(ClockRecord, (case_id, clock))
        )
        if row is None:
            session.add(
                ClockRecord(
                    case_id=case_id,
                    name=clock,
                    status=deadline.status.value,
                    due_on=deadline.due_on,
                    extended_by=deadline.extended_by,
                    version=deadline.version,
                )
            )
        else:
            row.status = deadline.status.value
            row.due_on = deadline.due_on
            row.extended_by = deadline.extended_by
            row.version = deadline.version
        session.execute(
            update(TimerRecord)
            .where(
                TimerRecord.case_id == case_id,
                TimerRecord.clock == clock,
                TimerRecord.status == "pending",
                TimerRecord.clock_version < deadline.version,
            )
            .values(status="superseded")
        )
        for plan in plan_timers(case_id, clock, deadline, definition, calendar, changed_on):
            session.add(
                TimerRecord(
                    key=plan.key,
                    case_id=case_id,
                    clock=plan.clock,
                    clock_version=plan.clock_version,
                    kind=plan.kind,
                    name=plan.name,
                    trigger=plan.trigger,
                    due_on=plan.due_on,
                    status="pending",
                    created_at=now,
                )
            )
    return deadlines


def drop_clock_rows(session: Session, case_id: int) -> None:
    """Forget a case's clocks projection and pending timers (before a rebuild)."""
    session.execute(delete(ClockRecord).where(ClockRecord.case_id == case_id))
