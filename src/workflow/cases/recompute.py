"""``workflow calendar recompute``: re-derive every case's clocks with the calendars now loaded.

A due date is derived from a clock's ledger and the calendar. When a year is
loaded (its notice imported) or corrected, the ledgers stay as they are and the
derived dates may change: a flagged clock (its count ran into a year that was
not loaded) gets its date, a date moves. Recompute brings the ``clocks``
projection and the timers in line, case by case, each in its own transaction
with the case row held as a step holds it, so a failure leaves nothing half-done
and a concurrent step waits. What a case needs is decided in ``recompute_plan``
(from the store, before and again under the lock); this module applies it: the
``clocks`` rows, ``write_clock_changes`` for a rewritten clock, and the timers
restored, re-dated, added or superseded.

A timer that now falls before today is fired by the next sweep the way it catches
up after downtime: a reminder once, marked late; a single daily overdue reminder; a
lapse dated on its legal day. Every case is checked (a closed case's stopped clocks
have rows too, which ``workflow verify`` compares); timers only matter for open
cases. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workflow.cases.ledger_store import timer_row, write_clock_changes
from workflow.cases.recompute_plan import (
    CaseRecompute,
    ClockChange,
    plan_cases,
)
from workflow.cases.registry import DefinitionRegistry
from workflow.clock import Clock
from workflow.codes import TimerStatus
from workflow.deadlines import WorkingCalendar
from workflow.errors import WorkflowError
from workflow.store.database import Database
from workflow.store.ledgers import load_ledgers_of, set_clock
from workflow.store.records import CaseRecord
from workflow.store.timers import insert_timers, redate, set_status

__all__ = ["CaseRecompute", "ClockChange", "RecomputeReport", "recompute"]

BATCH = 500


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
                cases, plan_cases(session, registry, calendar, cases), strict=True
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
    (work,) = plan_cases(session, registry, calendar, [case])
    if isinstance(work, WorkflowError):
        raise work
    if not work:
        return work
    connection = session.connection()
    for name, deadline in work.restore.items():
        set_clock(connection, case.id, name, deadline)
    if work.rewrite:
        definition = registry.for_case(session, case.definition_id, case.definition_version)
        ledgers = load_ledgers_of(connection, [case.id]).get(case.id, {})
        write_clock_changes(
            connection, [], {case.id: (ledgers, work.rewrite, definition)}, calendar, now
        )
    set_status(connection, [timer.id for timer in work.superseded], TimerStatus.SUPERSEDED)
    set_status(connection, [timer.id for timer in work.restored], TimerStatus.PENDING)
    redate(connection, [(timer.id, day) for timer, day in work.redated])
    insert_timers(
        connection, [timer_row(case.id, plan, now, detail) for plan, detail in work.added]
    )
    return work
