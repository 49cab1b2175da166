"""The deadlines board a head of office reads: the open cases of their agencies sorted
into overdue, due today, due this week, paused and awaiting next year's calendar, the
same counts per handler, and the cases whose answer period may still be extended.

The definition has no "awaiting approval" state: an extension is a trigger that takes
an ``approver`` input (the head's name), fired by the head. So "extensions awaiting
approval" are the open cases where such a trigger is allowed in the case's state, its
clock has not been extended yet, is not overdue and runs out within ``approval_within``
working days.
The guards still decide when the head fires it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.case_list import CaseFilter, list_cases
from workflow.cases.registry import DefinitionRegistry
from workflow.cases.views import CaseRow
from workflow.deadlines import ClockStatus, WorkingCalendar
from workflow.definition import WorkflowDefinition
from workflow.store.records import CaseRecord, ClockRecord

APPROVAL_WITHIN = 5  # working days left on the answer clock that put a case on the list
UNASSIGNED = "（未分配）"


@dataclass(frozen=True)
class Approval:
    """A case whose clock a head may still extend, and the trigger that does it."""

    row: CaseRow
    trigger: str
    trigger_label: str
    max_days: int | None


@dataclass
class HandlerLoad:
    handler: str
    open: int = 0
    overdue: int = 0
    due_today: int = 0
    this_week: int = 0
    paused: int = 0
    awaiting_calendar: int = 0


@dataclass(frozen=True)
class Board:
    as_of: date
    week_end: date
    overdue: tuple[CaseRow, ...]
    due_today: tuple[CaseRow, ...]
    this_week: tuple[CaseRow, ...]
    paused: tuple[CaseRow, ...]
    awaiting_calendar: tuple[CaseRow, ...]
    approvals: tuple[Approval, ...]
    handlers: tuple[HandlerLoad, ...] = field(default=())


def deadline_board(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    agency_ids: frozenset[int],
    as_of: date,
    approval_within: int = APPROVAL_WITHIN,
) -> Board:
    """The board of the open cases of ``agency_ids`` as of ``as_of``."""
    rows = list_cases(
        session, registry, calendar, CaseFilter(open_only=True, agency_ids=agency_ids), as_of
    ).rows
    week_end = as_of + timedelta(days=6 - as_of.weekday())  # this week's Sunday
    paused_numbers = _paused(session, registry, [row.number for row in rows])
    buckets: dict[str, list[CaseRow]] = {
        name: [] for name in ("overdue", "due_today", "this_week", "paused", "awaiting_calendar")
    }
    loads: dict[str, HandlerLoad] = {}
    for row in rows:
        load = loads.setdefault(row.handler or UNASSIGNED, HandlerLoad(row.handler or UNASSIGNED))
        load.open += 1
        for bucket in _buckets_of(row, row.number in paused_numbers, as_of, week_end):
            buckets[bucket].append(row)
            setattr(load, bucket, getattr(load, bucket) + 1)
    by_urgency = sorted(buckets["overdue"], key=_due_key)
    return Board(
        as_of=as_of,
        week_end=week_end,
        overdue=tuple(by_urgency),
        due_today=tuple(buckets["due_today"]),
        this_week=tuple(sorted(buckets["this_week"], key=_due_key)),
        paused=tuple(buckets["paused"]),
        awaiting_calendar=tuple(buckets["awaiting_calendar"]),
        approvals=tuple(_approvals(session, registry, rows, approval_within)),
        handlers=tuple(sorted(loads.values(), key=lambda load: (-load.overdue, load.handler))),
    )


def _buckets_of(row: CaseRow, paused: bool, as_of: date, week_end: date) -> Iterable[str]:
    due = row.next_due
    if paused:
        yield "paused"
    if due is None:
        return
    if due.awaiting_calendar_year is not None:
        yield "awaiting_calendar"
    elif due.due_on is not None:
        if due.due_on < as_of:
            yield "overdue"
        elif due.due_on == as_of:
            yield "due_today"
        elif due.due_on <= week_end:
            yield "this_week"


def _due_key(row: CaseRow) -> tuple[date, str]:
    return (row.next_due.due_on if row.next_due and row.next_due.due_on else date.max, row.number)


def _definitions(
    session: Session, registry: DefinitionRegistry, numbers: Sequence[str]
) -> dict[str, tuple[int, WorkflowDefinition]]:
    """Each case's id and definition, by number."""
    found: dict[str, tuple[int, WorkflowDefinition]] = {}
    for start in range(0, len(numbers), 500):
        query = select(
            CaseRecord.number,
            CaseRecord.id,
            CaseRecord.definition_id,
            CaseRecord.definition_version,
        ).where(CaseRecord.number.in_(numbers[start : start + 500]))
        for number, case_id, definition_id, version in session.execute(query):
            found[number] = (case_id, registry.for_case(session, definition_id, version))
    return found


def _paused(session: Session, registry: DefinitionRegistry, numbers: Sequence[str]) -> set[str]:
    """The cases with a paused statutory clock (not a window for an optional step)."""
    definitions = _definitions(session, registry, numbers)
    number_of = {case_id: number for number, (case_id, _) in definitions.items()}
    ids = sorted(number_of)
    paused = set()
    for start in range(0, len(ids), 500):
        query = select(ClockRecord.case_id, ClockRecord.name).where(
            ClockRecord.case_id.in_(ids[start : start + 500]),
            ClockRecord.status == ClockStatus.PAUSED,
        )
        for case_id, clock in session.execute(query):
            spec = definitions[number_of[case_id]][1].clocks.get(clock)
            if spec is None or not spec.window:
                paused.add(number_of[case_id])
    return paused


def _approvals(
    session: Session, registry: DefinitionRegistry, rows: Sequence[CaseRow], within: int
) -> Iterable[Approval]:
    candidates = [
        row
        for row in rows
        if row.next_due is not None
        and row.next_due.extended_by == 0
        and row.next_due.overdue_workdays == 0  # Art. 33: extended before the answer is due
        and row.next_due.remaining_workdays <= within
    ]
    definitions = _definitions(session, registry, [row.number for row in candidates])
    for row in sorted(candidates, key=lambda row: (row.next_due.remaining_workdays, row.number)):  # type: ignore[union-attr]
        definition = definitions[row.number][1]
        assert row.next_due is not None
        for trigger in definition.triggers.values():
            extends = {e.clock for e in trigger.effects if e.name == "extend_clock"}
            allowed_here = any(row.state in t.sources for t in trigger.transitions)
            if "approver" in trigger.inputs and row.next_due.clock in extends and allowed_here:
                spec = definition.clocks[row.next_due.clock]
                yield Approval(row, trigger.name, trigger.label, spec.max_extension)
                break
