"""``workflow verify``: replay every case's events and compare with its stored rows.

The event log is the truth; the case row, its clock entries and the clocks
projection must be exactly what replaying the events through the case's
definition gives. Any difference is reported, field by field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.ledger_store import Ledgers, load_ledgers
from workflow.cases.registry import DefinitionRegistry
from workflow.cases.service import OPEN_TRIGGER
from workflow.cases.stepping import PROJECTION, apply_appeal, closure_changes
from workflow.clock import china_date
from workflow.deadlines import WorkingCalendar, derive
from workflow.errors import WorkflowError
from workflow.lifecycle import CaseSnapshot, PastStep, StepInput
from workflow.store.records import AppealRecord, CaseEventRecord, CaseRecord, ClockRecord

IMPORT_TRIGGER = "import"


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
    """Replay one case through the same rules a step applies (the lifecycle, closure_changes,
    apply_appeal) and compare every projected field, clock and appeal with the store."""
    definition = registry.for_case(session, case.definition_id, case.definition_version)
    lifecycle = registry.lifecycle(definition)
    events = session.scalars(
        select(CaseEventRecord)
        .where(CaseEventRecord.case_id == case.id)
        .order_by(CaseEventRecord.seq)
    )
    replay: dict[str, Any] = dict.fromkeys((*PROJECTION, "recorded_on"))
    replay["event_count"] = 0
    appeals: list[AppealRecord] = []
    ledgers: Ledgers = {}
    history: list[PastStep] = []
    for event in events:
        step = StepInput.from_payload(event.occurred_on, event.actor, event.payload)
        recorded_on = china_date(event.recorded_at)
        replay["recorded_on"] = replay["recorded_on"] or recorded_on
        replay["event_count"] += 1
        replay["last_event_on"] = event.occurred_on
        if event.trigger == OPEN_TRIGGER:
            replay["state"] = definition.initial
            plan = lifecycle.opening(step, calendar)
        elif event.trigger == IMPORT_TRIGGER:
            replay["state"] = event.to_state
            if event.payload.get("outcome"):
                _imported_closure(replay, str(event.payload["outcome"]), event, recorded_on)
            history.append(PastStep(event.trigger, event.occurred_on, event.payload or {}))
            continue
        else:
            pending = tuple(a.kind for a in appeals if a.result is None)
            snapshot = CaseSnapshot.of(
                case.number,
                replay["state"],
                case.received_on,
                ledgers,
                pending,
                tuple(a.kind for a in appeals),
                tuple(history),
            )
            try:
                decision = lifecycle.decide(snapshot, event.trigger, step, calendar)
            except WorkflowError as exc:
                where = f"event {event.seq} ({event.trigger})"
                yield Difference(case.number, where, "applied", f"refused: {exc}")
                return
            replay.update(
                state=decision.dest,
                **closure_changes(replay, decision, definition, event.occurred_on, recorded_on),
            )
            plan = decision.plan
            if plan.appeal is not None:  # (an imported pending appeal is not replayed)
                apply_appeal(appeals, case.id, plan.appeal, event.occurred_on, recorded_on)
        history.append(PastStep(event.trigger, event.occurred_on, event.payload or {}))
        for clock, entries in plan.clock_entries.items():
            ledgers = {**ledgers, clock: (*ledgers.get(clock, ()), *entries)}
    for field, replayed in replay.items():
        if getattr(case, field) != replayed:
            yield Difference(case.number, field, getattr(case, field), replayed)
    yield from _compare_clocks(session, case, ledgers, calendar)
    stored_appeals = [
        _appeal_row(a)
        for a in session.scalars(
            select(AppealRecord).where(AppealRecord.case_id == case.id).order_by(AppealRecord.id)
        )
        if not a.imported
    ]
    replayed_appeals = [_appeal_row(a) for a in appeals]
    if stored_appeals != replayed_appeals:
        yield Difference(case.number, "appeals", stored_appeals, replayed_appeals)


def _imported_closure(
    replay: dict[str, Any], outcome: str, event: CaseEventRecord, recorded_on: date
) -> None:
    """An imported closed case: closed by its import event, with the outcome it carries."""
    replay.update(outcome=outcome, closed_on=event.occurred_on)
    if replay["first_closed_on"] is None:
        replay.update(
            first_closed_on=event.occurred_on,
            first_outcome=outcome,
            first_closed_recorded_on=recorded_on,
        )


def _compare_clocks(
    session: Session, case: CaseRecord, ledgers: Ledgers, calendar: WorkingCalendar
) -> Iterator[Difference]:
    stored_ledgers = load_ledgers(session, case.id)
    if stored_ledgers != ledgers:
        yield Difference(case.number, "clock entries", _brief(stored_ledgers), _brief(ledgers))
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


def _appeal_row(appeal: AppealRecord) -> list[Any]:
    return [appeal.kind, appeal.filed_on, appeal.result, appeal.decided_on]


def _brief(ledgers: Ledgers) -> dict[str, list[str]]:
    return {
        clock: [f"{e.kind.value} {e.on}" for e in entries]
        for clock, entries in sorted(ledgers.items())
    }
