"""What ``workflow calendar recompute`` would change in a case, decided from the store.

For each clock, its ledger is derived again with the calendars now loaded and compared
with its ``clocks`` row and its timers:

* a deadline that differs from its row is rewritten as a step writes it, with a new
  plan of timers; one that returns to a due date it had before (a correction undone)
  gets that deadline's own timers back, as they were;
* a running clock's timers are reconciled with its plan: a timer the calendar could
  not date when it was planned is added, a pending one whose day moved is re-dated, a
  daily overdue reminder waiting for a year's calendar is re-armed.

Timers are planned with ``changed_on`` = the date of the clock's last ledger entry,
what the step that set the clock's version planned with. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from workflow.cases.registry import DefinitionRegistry
from workflow.codes import TimerStatus
from workflow.deadlines import Deadline, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.errors import CalendarNotPublished, WorkflowError
from workflow.lifecycle.timers import (
    DAILY_OVERDUE,
    REARM_WAITS_FOR,
    TimerPlan,
    plan_timers,
    rearm,
)
from workflow.store.ledger_rows import Ledgers
from workflow.store.ledgers import ClockRow, clock_rows_of, load_ledgers_of
from workflow.store.records import CaseRecord
from workflow.store.timers import StoredTimer, timers_of


@dataclass(frozen=True)
class ClockChange:
    """A clock whose derived deadline differs from its ``clocks`` row."""

    number: str
    clock: str
    status_was: str | None
    due_was: date | None
    status: str
    due_on: date | None
    awaiting_year: int | None
    open: bool


@dataclass
class CaseRecompute:
    """What recompute does to one case; empty when the store already agrees."""

    case_id: int
    number: str
    changes: list[ClockChange] = field(default_factory=list)
    rewrite: dict[str, date] = field(default_factory=dict)  # clock -> its last change
    restore: dict[str, Deadline] = field(default_factory=dict)  # back to an earlier deadline
    planned: list[TimerPlan] = field(default_factory=list)  # what rewrite plans (counted)
    added: list[tuple[TimerPlan, dict[str, Any] | None]] = field(default_factory=list)
    redated: list[tuple[StoredTimer, date]] = field(default_factory=list)
    restored: list[StoredTimer] = field(default_factory=list)
    superseded: list[StoredTimer] = field(default_factory=list)
    replaced: list[StoredTimer] = field(default_factory=list)  # what rewrite supersedes

    def __bool__(self) -> bool:
        return bool(self.changes or self.added or self.redated or self.restored or self.superseded)

    def new_timers(self) -> list[TimerPlan]:
        return [*self.planned, *(plan for plan, _ in self.added)]

    def clocks(self) -> list[str]:
        """The clocks touched, changed ones first."""
        touched = [change.clock for change in self.changes]
        touched += [plan.clock for plan in self.new_timers()]
        touched += [timer.clock for timer, _ in self.redated]
        touched += [timer.clock for timer in (*self.restored, *self.superseded, *self.replaced)]
        return list(dict.fromkeys(touched))


def plan_cases(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    cases: Sequence[CaseRecord],
) -> Iterator[CaseRecompute | WorkflowError]:
    """What each case needs, from its ledgers, clock rows and (open cases) timers; the
    error instead for a case whose ledger cannot be derived."""
    connection = session.connection()
    ids = [case.id for case in cases]
    ledgers = load_ledgers_of(connection, ids)
    rows = clock_rows_of(connection, ids)
    definitions = {
        case.id: registry.for_case(session, case.definition_id, case.definition_version)
        for case in cases
    }
    derived: dict[int, dict[str, Deadline] | WorkflowError] = {}
    for case in cases:
        try:
            derived[case.id] = {
                name: derive(entries, calendar, name)
                for name, entries in sorted(ledgers.get(case.id, {}).items())
            }
        except WorkflowError as exc:  # e.g. a ledger date whose year is not loaded
            derived[case.id] = exc
    open_ids = [case.id for case in cases if not definitions[case.id].is_closed(case.state)]
    # Whether each timer serves the deadline its clock derives now is matched in SQL.
    dated = [
        (case_id, name, deadline.version, deadline.due_on)
        for case_id in open_ids
        if isinstance(deadlines := derived[case_id], dict)
        for name, deadline in deadlines.items()
        if deadline.due_on is not None
    ]
    timers = timers_of(connection, open_ids, dated)
    for case in cases:
        deadlines = derived[case.id]
        if isinstance(deadlines, WorkflowError):
            yield deadlines
            continue
        try:
            yield _plan_case(
                case,
                definitions[case.id],
                calendar,
                ledgers.get(case.id, {}),
                deadlines,
                rows.get(case.id, {}),
                timers.get(case.id, []) if case.id in open_ids else None,
            )
        except WorkflowError as exc:
            yield exc


def _plan_case(
    case: CaseRecord,
    definition: WorkflowDefinition,
    calendar: WorkingCalendar,
    ledgers: Ledgers,
    deadlines: dict[str, Deadline],
    rows: dict[str, ClockRow],
    timers: list[StoredTimer] | None,
) -> CaseRecompute:
    work = CaseRecompute(case.id, case.number)
    for name, deadline in deadlines.items():
        entries = ledgers[name]
        derived = (deadline.status.value, deadline.due_on, deadline.extended_by, deadline.version)
        row = rows.get(name)
        own = [timer for timer in timers or () if timer.clock == name]
        changed_on = entries[-1].on  # what the step that set this version planned with
        returning = False
        if row != derived:
            work.changes.append(
                ClockChange(
                    case.number,
                    name,
                    row[0] if row else None,
                    row[1] if row else None,
                    deadline.status.value,
                    deadline.due_on,
                    deadline.awaiting_year,
                    timers is not None,
                )
            )
            returning = any(timer.serving for timer in own)
            if not returning:
                work.rewrite[name] = changed_on
                if timers is not None:
                    work.planned.extend(
                        plan_timers(case.id, name, deadline, definition, calendar, changed_on)
                    )
                    work.replaced.extend(
                        timer for timer in own if timer.status == TimerStatus.PENDING
                    )
                continue
            work.restore[name] = deadline
        if timers is not None:
            plan = plan_timers(case.id, name, deadline, definition, calendar, changed_on)
            _reconcile(work, calendar, case.id, deadline, plan, own, returning)
    return work


def _reconcile(
    work: CaseRecompute,
    calendar: WorkingCalendar,
    case_id: int,
    deadline: Deadline,
    plan: list[TimerPlan],
    own: list[StoredTimer],
    returning: bool,
) -> None:
    """Make the clock's pending timers those its deadline's plan calls for, keeping what
    has fired: restore, re-date, add, supersede."""
    serving = {timer.key: timer for timer in own if timer.serving}
    status = {timer.id: timer.status for timer in own}
    for timer in own:
        if timer.key not in serving and timer.status == TimerStatus.PENDING:
            work.superseded.append(timer)  # another deadline's, still pending
            status[timer.id] = TimerStatus.SUPERSEDED
        elif timer.key in serving and timer.status == TimerStatus.SUPERSEDED and returning:
            work.restored.append(timer)  # the deadline it had, and its timers, are back
            status[timer.id] = TimerStatus.PENDING
    planned_keys: set[str] = set()
    for item in plan:
        found = serving.get(item.key)
        if found is None:
            work.added.append((item, None))  # the calendar could not date it before
        elif status[found.id] == TimerStatus.PENDING and found.due_on != item.due_on:
            work.redated.append((found, item.due_on))
        if found is not None:
            planned_keys.add(found.key)
    daily = next((item for item in plan if item.name == DAILY_OVERDUE), None)
    for timer in serving.values():
        chain = daily is not None and timer.name == DAILY_OVERDUE
        if status[timer.id] == TimerStatus.PENDING and timer.key not in planned_keys and not chain:
            work.superseded.append(timer)  # its plan no longer has it
            status[timer.id] = TimerStatus.SUPERSEDED
    if daily is not None and deadline.due_on is not None:
        _rearm(work, calendar, case_id, deadline.due_on, daily, list(serving.values()), status)


def _rearm(
    work: CaseRecompute,
    calendar: WorkingCalendar,
    case_id: int,
    deadline_due_on: date,
    daily: TimerPlan,
    serving: list[StoredTimer],
    status: dict[int, str],
) -> None:
    """Re-arm a daily overdue reminder the sweeper could not (the next working day was
    in a year not loaded yet), for the working day after the day it was sent."""
    chain = [timer for timer in serving if timer.name == DAILY_OVERDUE]
    if not chain or any(status[timer.id] == TimerStatus.PENDING for timer in chain):
        return
    waiting = [
        timer
        for timer in chain
        if (timer.detail or {}).get(REARM_WAITS_FOR) and timer.fired_on is not None
    ]
    if not waiting:
        return
    last = max(waiting, key=lambda timer: (timer.fired_on or date.min, timer.id))
    assert last.fired_on is not None
    try:
        plan = rearm(
            case_id, daily.clock, daily.clock_version, deadline_due_on, last.fired_on, calendar
        )
    except CalendarNotPublished:
        return  # still not loaded
    if all(timer.key != plan.key for timer in serving):
        work.added.append((plan, {"rearmed_from": last.key}))
