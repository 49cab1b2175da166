"""The ``timers`` rows as a step and ``calendar recompute`` write them.

A step supersedes the pending timers of each clock it changed and inserts the new
plan's; recompute reads a case's timers with, from the database, whether each serves
the deadline its clock now derives (clock, version and due date), then restores,
re-dates, adds or supersedes. The sweeper claims and fires them (``scheduling/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, false, select, tuple_, update
from sqlalchemy.engine import Connection

from workflow.codes import TimerStatus
from workflow.store.prepared import Prepared
from workflow.store.records import PENDING_TIMER
from workflow.store.tables import TIMERS

_TIMER_KEYS = (
    *("key", "case_id", "clock", "clock_version", "kind", "name", "trigger", "due_on"),
    *("deadline_due_on", "status", "created_at", "fired_at", "fired_on", "detail"),
)
_INSERT = Prepared(TIMERS.insert(), _TIMER_KEYS)
_SUPERSEDE_CLOCK = Prepared(
    update(TIMERS)
    .where(
        TIMERS.c.case_id == bindparam("b_case_id"),
        TIMERS.c.clock == bindparam("b_clock"),
        PENDING_TIMER,
    )
    .values(status=TimerStatus.SUPERSEDED)
)
_SET_STATUS = update(TIMERS).where(TIMERS.c.id.in_(bindparam("b_ids", expanding=True)))
_REDATE = update(TIMERS).where(TIMERS.c.id == bindparam("b_id")).values(due_on=bindparam("day"))


@dataclass(frozen=True)
class StoredTimer:
    """A timer as recompute reads it."""

    id: int
    key: str
    clock: str
    clock_version: int
    deadline_due_on: date | None  # with the clock and its version: the deadline it serves
    name: str
    status: str
    due_on: date
    fired_on: date | None
    detail: dict[str, Any] | None
    serving: bool  # it serves the deadline its clock derives now (matched in SQL)


Served = tuple[int, str, int, date]  # case id, clock, version, due date: a dated deadline


def insert_timers(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert pending timers (``cases.ledger_store.timer_row``)."""
    if rows:
        _INSERT.run(connection, rows)


def supersede_pending(connection: Connection, clocks: Sequence[tuple[int, str]]) -> None:
    """Supersede the pending timers of these (case id, clock)s."""
    if clocks:
        _SUPERSEDE_CLOCK.run(
            connection, [{"b_case_id": case_id, "b_clock": clock} for case_id, clock in clocks]
        )


def set_status(connection: Connection, ids: Sequence[int], status: TimerStatus) -> None:
    if ids:
        connection.execute(_SET_STATUS.values(status=status), {"b_ids": list(ids)})


def redate(connection: Connection, days: Sequence[tuple[int, date]]) -> None:
    """Move pending timers (id, new day) to the day their plan now gives."""
    if days:
        connection.execute(_REDATE, [{"b_id": timer_id, "day": day} for timer_id, day in days])


def timers_of(
    connection: Connection, case_ids: Sequence[int], deadlines: Iterable[Served]
) -> dict[int, list[StoredTimer]]:
    """Every timer of the cases, each marked with whether it serves one of ``deadlines``
    (its case's clock at that version and due date), oldest first."""
    served = list(dict.fromkeys(deadlines))
    matched = (TIMERS.c.case_id, TIMERS.c.clock, TIMERS.c.clock_version, TIMERS.c.deadline_due_on)
    serving = tuple_(*matched).in_(served) if served else false()
    found: dict[int, list[StoredTimer]] = {}
    if not case_ids:
        return found
    statement = (
        select(
            TIMERS.c.case_id,
            TIMERS.c.id,
            TIMERS.c.key,
            TIMERS.c.clock,
            TIMERS.c.clock_version,
            TIMERS.c.deadline_due_on,
            TIMERS.c.name,
            TIMERS.c.status,
            TIMERS.c.due_on,
            TIMERS.c.fired_on,
            TIMERS.c.detail,
            serving.label("serving"),
        )
        .where(TIMERS.c.case_id.in_(list(case_ids)))
        .order_by(TIMERS.c.case_id, TIMERS.c.id)
    )
    for row in connection.execute(statement):
        found.setdefault(row.case_id, []).append(
            StoredTimer(
                id=row.id,
                key=row.key,
                clock=row.clock,
                clock_version=row.clock_version,
                deadline_due_on=row.deadline_due_on,
                name=row.name,
                status=row.status,
                due_on=row.due_on,
                fired_on=row.fired_on,
                detail=row.detail,
                serving=bool(row.serving),
            )
        )
    return found
