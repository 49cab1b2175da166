"""``workflow calendar recompute``: re-derive every case's clocks with the calendars now loaded.

A due date is derived from a clock's ledger and the calendar. When a year is
loaded (its notice imported) or corrected, the ledgers stay as they are and the
derived dates may change: a flagged clock (its count ran into a year that was
not loaded) gets its date, a date moves. Recompute brings the ``clocks``
projection and the timers in line, case by case, each in its own transaction
with the case row held as a step holds it, so a failure leaves nothing half-done
and a concurrent step waits:

* a clock whose derived deadline differs from its ``clocks`` row is written as a
  step writes it (``write_clock_changes``): the row rewritten, its pending timers
  superseded, the new deadline's timers planned;
* a clock that returns to a due date it had before (a correction undone) gets
  that deadline's own timers back, as they were: nothing is sent twice;
* a running clock's timers are checked against its plan: a timer the calendar
  could not date when it was planned (the day after a due date on 31 December, a
  daily overdue reminder sent on 31 December) is added, and a pending one whose
  day moved while the due date did not is re-dated.

Timers are planned with ``changed_on`` = the date of the clock's last ledger
entry, exactly what the step that set the clock's version planned, had the
calendar been known then. A timer that now falls before today is fired by the
next sweep the way it catches up after downtime: a reminder once, marked late; a
single daily overdue reminder; a lapse dated on its legal day.

Every case is checked (a closed case's stopped clocks have rows too, which
``workflow verify`` compares); timers only matter for open cases. Running it
twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workflow.cases.ledger_store import (
    Ledgers,
    load_ledgers_of,
    timer_row,
    write_clock_changes,
)
from workflow.cases.registry import DefinitionRegistry
from workflow.clock import Clock
from workflow.deadlines import Deadline, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.errors import CalendarNotPublished, WorkflowError
from workflow.lifecycle.timers import (
    DAILY_OVERDUE,
    REARM_WAITS_FOR,
    TimerPlan,
    legacy_timer_key,
    plan_timers,
    timer_key,
)
from workflow.store.database import Database
from workflow.store.records import CaseRecord, ClockRecord, TimerRecord

BATCH = 500
PENDING, SUPERSEDED = "pending", "superseded"
_TIMERS = cast(Table, TimerRecord.__table__)
_CLOCKS = cast(Table, ClockRecord.__table__)


@dataclass(frozen=True)
class StoredTimer:
    id: int
    key: str
    clock: str
    name: str
    status: str
    due_on: date
    detail: dict[str, Any] | None


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


@dataclass
class RecomputeReport:
    as_of: date
    cases_checked: int = 0
    cases: list[CaseRecompute] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (case, error)

    def as_json(self) -> dict[str, Any]:
        """The stable JSON form of ``calendar recompute --json`` (documented in the README)."""
        new = [plan for work in self.cases for plan in work.new_timers()]
        return {
            "as_of": self.as_of.isoformat(),
            "cases_checked": self.cases_checked,
            "cases_changed": len(self.cases),
            "clocks_changed": sum(len(work.changes) for work in self.cases),
            "timers_planned": len(new),
            "timers_already_due": sum(plan.due_on <= self.as_of for plan in new),
            "timers_redated": sum(len(work.redated) for work in self.cases),
            "timers_restored": sum(len(work.restored) for work in self.cases),
            "timers_superseded": sum(
                len(work.superseded) + len(work.replaced) for work in self.cases
            ),
            "changes": [
                {
                    "case": change.number,
                    "clock": change.clock,
                    "open": change.open,
                    "before": {
                        "status": change.status_was,
                        "due_on": _iso(change.due_was),
                    },
                    "after": {
                        "status": change.status,
                        "due_on": _iso(change.due_on),
                        "awaiting_calendar_year": change.awaiting_year,
                    },
                }
                for work in self.cases
                for change in work.changes
            ],
            "timers": [
                {
                    "case": work.number,
                    "clock": plan.clock,
                    "name": plan.name,
                    "due_on": plan.due_on.isoformat(),
                    "key": plan.key,
                }
                for work in self.cases
                for plan in work.new_timers()
            ],
            "failures": [{"case": case, "error": error} for case, error in self.failures],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def recompute(
    database: Database,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    clock: Clock,
    as_of: date,
) -> RecomputeReport:
    """Re-derive every case's clocks; write, per case, what differs."""
    report = RecomputeReport(as_of)
    last_id = 0
    while True:
        with database.reading() as session:
            batch = select(CaseRecord).where(CaseRecord.id > last_id).order_by(CaseRecord.id)
            cases = list(session.scalars(batch.limit(BATCH)))
            if not cases:
                return report
            last_id = cases[-1].id
            candidates: list[CaseRecord] = []
            for case, work in zip(
                cases, _plan_cases(session, registry, calendar, cases), strict=True
            ):
                if isinstance(work, WorkflowError):  # e.g. a ledger date whose year is not loaded
                    report.failures.append((case.number, f"{type(work).__name__}: {work}"))
                elif work:
                    candidates.append(case)
        report.cases_checked += len(cases)
        for case in candidates:
            try:
                with database.transaction() as session:
                    done = _recompute_case(session, registry, calendar, clock.now(), case.id)
            except (WorkflowError, SQLAlchemyError) as exc:
                report.failures.append((case.number, f"{type(exc).__name__}: {exc}"))
                continue
            if done:
                report.cases.append(done)


def _recompute_case(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    now: datetime,
    case_id: int,
) -> CaseRecompute:
    """Decide again under the case's lock (a step may have come between) and write."""
    case = session.execute(
        select(CaseRecord).where(CaseRecord.id == case_id).with_for_update(key_share=True)
    ).scalar_one()
    (work,) = _plan_cases(session, registry, calendar, [case])
    if isinstance(work, WorkflowError):
        raise work
    if not work:
        return work
    connection = session.connection()
    for name, deadline in work.restore.items():
        connection.execute(
            update(_CLOCKS)
            .where(_CLOCKS.c.case_id == case.id, _CLOCKS.c.name == name)
            .values(
                status=deadline.status.value,
                due_on=deadline.due_on,
                extended_by=deadline.extended_by,
                version=deadline.version,
            )
        )
    if work.rewrite:
        definition = registry.for_case(session, case.definition_id, case.definition_version)
        ledgers = load_ledgers_of(session, [case.id]).get(case.id, {})
        write_clock_changes(
            session, [], {case.id: (ledgers, work.rewrite, definition)}, calendar, now
        )
    _set_status(session, [timer.id for timer in work.superseded], SUPERSEDED)
    _set_status(session, [timer.id for timer in work.restored], PENDING)
    for timer, day in work.redated:
        connection.execute(update(_TIMERS).where(_TIMERS.c.id == timer.id).values(due_on=day))
    if work.added:
        connection.execute(
            insert(_TIMERS),
            [timer_row(case.id, plan, now, detail) for plan, detail in work.added],
        )
    return work


def _set_status(session: Session, ids: Sequence[int], status: str) -> None:
    if ids:
        session.connection().execute(
            update(_TIMERS).where(_TIMERS.c.id.in_(ids)).values(status=status)
        )


# -- deciding ----------------------------------------------------------------------


def _plan_cases(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    cases: Sequence[CaseRecord],
) -> Iterator[CaseRecompute | WorkflowError]:
    """What each case needs, from its ledgers, clock rows and (open cases) timers; the
    error instead for a case whose ledger cannot be derived."""
    ids = [case.id for case in cases]
    ledgers = load_ledgers_of(session, ids)
    rows: dict[int, dict[str, tuple[str, date | None, int, int]]] = {}
    for case_id, name, status, due_on, extended_by, version in session.execute(
        select(
            ClockRecord.case_id,
            ClockRecord.name,
            ClockRecord.status,
            ClockRecord.due_on,
            ClockRecord.extended_by,
            ClockRecord.version,
        ).where(ClockRecord.case_id.in_(ids))
    ):
        rows.setdefault(case_id, {})[name] = (status, due_on, extended_by, version)
    definitions = {
        case.id: registry.for_case(session, case.definition_id, case.definition_version)
        for case in cases
    }
    open_ids = [case.id for case in cases if not definitions[case.id].is_closed(case.state)]
    timers: dict[int, list[StoredTimer]] = {}
    if open_ids:
        for case_id, *values in session.execute(
            select(
                TimerRecord.case_id,
                TimerRecord.id,
                TimerRecord.key,
                TimerRecord.clock,
                TimerRecord.name,
                TimerRecord.status,
                TimerRecord.due_on,
                TimerRecord.detail,
            ).where(TimerRecord.case_id.in_(open_ids))
        ):
            timers.setdefault(case_id, []).append(StoredTimer(*values))
    for case in cases:
        try:
            yield _plan_case(
                case,
                definitions[case.id],
                calendar,
                ledgers.get(case.id, {}),
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
    rows: dict[str, tuple[str, date | None, int, int]],
    timers: list[StoredTimer] | None,
) -> CaseRecompute:
    work = CaseRecompute(case.id, case.number)
    for name, entries in sorted(ledgers.items()):
        deadline = derive(entries, calendar, name)
        derived = (deadline.status.value, deadline.due_on, deadline.extended_by, deadline.version)
        row = rows.get(name)
        own = [timer for timer in timers or () if timer.clock == name]
        changed_on = entries[-1].on  # what the step that set this version planned with
        current = _deadline_prefix(case.id, name, deadline)
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
            returning = current is not None and any(t.key.startswith(current) for t in own)
            if not returning:
                work.rewrite[name] = changed_on
                if timers is not None:
                    work.planned.extend(
                        plan_timers(case.id, name, deadline, definition, calendar, changed_on)
                    )
                    work.replaced.extend(timer for timer in own if timer.status == PENDING)
                continue
            work.restore[name] = deadline
        if timers is not None:
            plan = plan_timers(case.id, name, deadline, definition, calendar, changed_on)
            # timers planned before keys carried the due date serve the row's deadline
            legacy = None if returning else legacy_timer_key(case.id, name, deadline.version, "")
            _reconcile(work, calendar, plan, own, current, legacy, returning)
    return work


def _deadline_prefix(case_id: int, clock: str, deadline: Deadline) -> str | None:
    """The key prefix of the timers serving ``deadline``; None while it has no due date."""
    if deadline.due_on is None:
        return None
    return timer_key(case_id, clock, deadline.version, deadline.due_on, "")


def _reconcile(
    work: CaseRecompute,
    calendar: WorkingCalendar,
    plan: list[TimerPlan],
    own: list[StoredTimer],
    current: str | None,
    legacy: str | None,
    returning: bool,
) -> None:
    """Make the clock's pending timers those its deadline's plan calls for, keeping what
    has fired: restore, re-date, add, supersede."""
    serving = {
        timer.key: timer
        for timer in own
        if (current is not None and timer.key.startswith(current))
        or (legacy is not None and timer.key.startswith(legacy))
    }
    status = {timer.id: timer.status for timer in own}
    for timer in own:
        if timer.key not in serving and timer.status == PENDING:
            work.superseded.append(timer)  # another deadline's, still pending
            status[timer.id] = SUPERSEDED
        elif timer.key in serving and timer.status == SUPERSEDED and returning:
            work.restored.append(timer)  # the deadline it had, and its timers, are back
            status[timer.id] = PENDING
    planned_keys: set[str] = set()
    for item in plan:
        found = serving.get(item.key)
        if found is None and legacy is not None:
            found = serving.get(legacy + item.name)
        if found is None:
            work.added.append((item, None))  # the calendar could not date it before
        elif status[found.id] == PENDING and found.due_on != item.due_on:
            work.redated.append((found, item.due_on))
        if found is not None:
            planned_keys.add(found.key)
    daily = next((item for item in plan if item.name == DAILY_OVERDUE), None)
    for timer in serving.values():
        chain = daily is not None and timer.name == DAILY_OVERDUE
        if status[timer.id] == PENDING and timer.key not in planned_keys and not chain:
            work.superseded.append(timer)  # its plan no longer has it
            status[timer.id] = SUPERSEDED
    if daily is not None:
        _rearm(work, calendar, daily, list(serving.values()), status)


def _rearm(
    work: CaseRecompute,
    calendar: WorkingCalendar,
    daily: TimerPlan,
    serving: list[StoredTimer],
    status: dict[int, str],
) -> None:
    """Re-arm a daily overdue reminder the sweeper could not (the next working day was
    in a year not loaded yet), for the working day after the day it was sent."""
    chain = [timer for timer in serving if timer.name == DAILY_OVERDUE]
    if not chain or any(status[timer.id] == PENDING for timer in chain):
        return
    waiting = [timer for timer in chain if (timer.detail or {}).get(REARM_WAITS_FOR)]
    if not waiting:
        return
    last = max(waiting, key=lambda timer: str((timer.detail or {}).get("as_of", "")))
    sent_on = date.fromisoformat(str((last.detail or {})["as_of"]))
    try:
        next_day = calendar.next_working_day(sent_on)
    except CalendarNotPublished:
        return  # still not loaded
    key = f"{daily.key}:{next_day.isoformat()}"
    if all(timer.key != key for timer in serving):
        rearm = TimerPlan(key, daily.clock, daily.clock_version, daily.kind, daily.name, next_day)
        work.added.append((rearm, {"rearmed_from": last.key}))
