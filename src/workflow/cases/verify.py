"""``workflow verify``: fold every case's events and compare with its stored rows.

The event log is the truth. Each event stores what its step established
(``StepFacts``); the case row must be exactly the fold of ``project`` over them, the
appeals what their appeal actions give, and the clocks projection what the stored
clock entries derive to over today's calendar. Any difference is reported, field by
field. The fold is the function every write path calls, so verify checks what was
written (and the data since), not a second copy of the rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.appeal_store import Appeal, apply_appeal
from workflow.cases.registry import DefinitionRegistry
from workflow.clock import china_date
from workflow.deadlines import WorkingCalendar, derive
from workflow.lifecycle.facts import StepFacts
from workflow.lifecycle.projection import UNOPENED, CaseProjection, project
from workflow.store.ledger_rows import Ledgers
from workflow.store.ledgers import load_ledgers
from workflow.store.records import AppealRecord, CaseEventRecord, CaseRecord, ClockRecord


@dataclass(frozen=True)
class Difference:
    number: str
    field: str
    stored: Any
    replayed: Any

    def __str__(self) -> str:
        return (
            f"{self.number}: {self.field}: stored {self.stored!r}, replay gives {self.replayed!r}"
        )


def verify_cases(
    session: Session, registry: DefinitionRegistry, calendar: WorkingCalendar, batch: int = 500
) -> Iterator[Difference]:
    last_id = 0
    while True:
        cases = list(
            session.scalars(
                select(CaseRecord)
                .where(CaseRecord.id > last_id)
                .order_by(CaseRecord.id)
                .limit(batch)
            )
        )
        if not cases:
            return
        for case in cases:
            yield from verify_case(session, registry, calendar, case)
        last_id = cases[-1].id
        session.expunge_all()  # keep memory flat over a large store


def verify_case(
    session: Session, registry: DefinitionRegistry, calendar: WorkingCalendar, case: CaseRecord
) -> Iterator[Difference]:
    """Fold one case's stored events and compare every projected field, clock and appeal
    with the store."""
    definition = registry.for_case(session, case.definition_id, case.definition_version)
    events = session.scalars(
        select(CaseEventRecord)
        .where(CaseEventRecord.case_id == case.id)
        .order_by(CaseEventRecord.seq)
    )
    replay = UNOPENED
    appeals: list[Appeal] = []
    for event in events:
        facts = StepFacts.of_event(event)
        recorded_on = china_date(event.recorded_at)
        replay = project(replay, facts, definition, recorded_on)
        if facts.appeal is not None:  # (an imported appeal is written as such, not replayed)
            apply_appeal(appeals, case.id, facts.appeal, facts.on, recorded_on)
    stored = CaseProjection.of(case)
    for field in sorted(replay.changed_from(stored), key=CaseProjection.COLUMNS.index):
        yield Difference(case.number, field, getattr(stored, field), getattr(replay, field))
    yield from _compare_clocks(session, case, load_ledgers(session.connection(), case.id), calendar)
    stored_appeals = [
        (a.kind, a.filed_on, a.result, a.decided_on)
        for a in session.scalars(
            select(AppealRecord).where(AppealRecord.case_id == case.id).order_by(AppealRecord.id)
        )
        if not a.imported
    ]
    replayed_appeals = [appeal.row() for appeal in appeals]
    if stored_appeals != replayed_appeals:
        yield Difference(case.number, "appeals", stored_appeals, replayed_appeals)


def _compare_clocks(
    session: Session, case: CaseRecord, ledgers: Ledgers, calendar: WorkingCalendar
) -> Iterator[Difference]:
    """The clocks projection against what the stored entries derive to."""
    stored = {
        row.name: (row.status, row.due_on, row.extended_by, row.version)
        for row in session.scalars(select(ClockRecord).where(ClockRecord.case_id == case.id))
    }
    replayed = {}
    for clock, entries in ledgers.items():
        deadline = derive(entries, calendar, clock)
        replayed[clock] = (
            deadline.status.value,
            deadline.due_on,
            deadline.extended_by,
            deadline.version,
        )
    for clock in sorted(set(stored) | set(replayed)):
        if stored.get(clock) != replayed.get(clock):
            yield Difference(case.number, f"clock {clock}", stored.get(clock), replayed.get(clock))
