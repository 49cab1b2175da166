"""Finding and claiming due timers, so that any number of sweepers fire each one once.

Finding reads ``timers`` through the pending timers' due-date index only: the cost
follows the number of due timers, not the number of open cases.

Claiming is per case, in the case's transaction, and takes the case row first:

* PostgreSQL: ``SELECT ... FROM cases ... FOR NO KEY UPDATE SKIP LOCKED``. A case
  another sweeper (or a handler's step) holds is skipped, not waited for; its timers
  stay pending for whoever holds it, or for the next sweep. Then the case's due
  timers are read ``FOR UPDATE`` under READ COMMITTED, so timers another sweeper
  has just marked done are no longer pending. Case first, timers second is also
  the order a handler's step locks them in, so the two never deadlock.
* SQLite: no row locks; every write transaction begins with ``BEGIN IMMEDIATE``
  (``store/database.py``), so sweepers take turns per case and each one reads the
  timers after the previous one committed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from workflow.store.records import PENDING_TIMER, CaseRecord, TimerRecord


def due_timers_query(as_of: date) -> Select[int, date]:
    """Every pending timer due by ``as_of``, earliest first (the pending timers' index)."""
    return (
        select(TimerRecord.case_id, TimerRecord.due_on)
        .where(PENDING_TIMER, TimerRecord.due_on <= as_of)
        .order_by(TimerRecord.due_on, TimerRecord.id)
    )


def due_case_ids(session: Session, as_of: date) -> list[int]:
    """Cases with a due timer, in the order of their earliest due timer."""
    seen: dict[int, None] = {}
    for case_id, _due in session.execute(due_timers_query(as_of)):
        seen.setdefault(case_id, None)
    return list(seen)


def claim_case(session: Session, case_id: int) -> CaseRecord | None:
    """The case, locked for this transaction; None when someone else holds it."""
    return session.scalars(
        select(CaseRecord)
        .where(CaseRecord.id == case_id)
        .with_for_update(skip_locked=True, key_share=True)
    ).one_or_none()


def claim_due_timers(session: Session, case_id: int, as_of: date) -> list[TimerRecord]:
    """The claimed case's pending timers due by ``as_of``, in due order."""
    return list(
        session.scalars(
            select(TimerRecord)
            .where(
                TimerRecord.case_id == case_id,
                PENDING_TIMER,
                TimerRecord.due_on <= as_of,
            )
            .order_by(TimerRecord.due_on, TimerRecord.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
