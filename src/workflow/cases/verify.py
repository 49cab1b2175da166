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
from workflow.clock import china_date
from workflow.deadlines import EntryKind, WorkingCalendar, derive
from workflow.errors import WorkflowError
from workflow.lifecycle import CaseSnapshot, StepInput
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


@dataclass
class _Replayed:
    state: str | None = None
    outcome: str | None = None
    closed_on: date | None = None
    first_closed_on: date | None = None
    first_closed_recorded_on: date | None = None
    recorded_on: date | None = None
    first_outcome: str | None = None
    last_event_on: date | None = None
    event_count: int = 0
    appeals: list[list[Any]] | None = None  # [kind, filed_on, result, decided_on]


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
    definition = registry.for_case(session, case.definition_id, case.definition_version)
    lifecycle = registry.lifecycle(definition)
    events = session.scalars(
        select(CaseEventRecord)
        .where(CaseEventRecord.case_id == case.id)
        .order_by(CaseEventRecord.seq)
    )
    replay = _Replayed(appeals=[])
    ledgers: dict[str, list[Any]] = {}
    for event in events:
        step = StepInput.from_payload(event.occurred_on, event.actor, event.payload)
        replay.event_count += 1
        recorded_on = china_date(event.recorded_at)
        if replay.recorded_on is None:
            replay.recorded_on = recorded_on
        replay.last_event_on = event.occurred_on
        if event.trigger == OPEN_TRIGGER:
            plan = lifecycle.opening(step, calendar)
            replay.state = definition.initial
        elif event.trigger == IMPORT_TRIGGER:
            replay.state = event.to_state
            outcome = event.payload.get("outcome")
            if outcome:
                _close(replay, str(outcome), event.occurred_on, recorded_on)
            continue
        else:
            assert replay.state is not None
            frozen: Ledgers = {clock: tuple(entries) for clock, entries in ledgers.items()}
            snapshot = CaseSnapshot(
                number=case.number,
                state=replay.state,
                received_on=case.received_on,
                ledgers=frozen,
                corrections_requested=int("correction" in frozen),
                extensions=sum(e.kind is EntryKind.EXTEND for e in frozen.get("answer", ())),
                pending_appeals=tuple(a[0] for a in replay.appeals or [] if a[2] is None),
            )
            try:
                decision = lifecycle.decide(snapshot, event.trigger, step, calendar)
            except WorkflowError as exc:
                yield Difference(
                    case.number,
                    f"event {event.seq} ({event.trigger})",
                    "applied",
                    f"refused: {exc}",
                )
                return
            was_closed = definition.is_closed(decision.source)
            if decision.outcome is not None and definition.is_closed(decision.dest):
                _close(replay, decision.outcome, event.occurred_on, recorded_on)
            elif was_closed and not definition.is_closed(decision.dest):
                replay.outcome = replay.closed_on = None
            replay.state = decision.dest
            plan = decision.plan
            _replay_appeal(replay, plan.appeal, event.occurred_on)
        for clock, entries in plan.clock_entries.items():
            ledgers.setdefault(clock, []).extend(entries)
    yield from _compare_case(case, replay)
    stored_ledgers = load_ledgers(session, case.id)
    replayed_ledgers: Ledgers = {clock: tuple(entries) for clock, entries in ledgers.items()}
    if stored_ledgers != replayed_ledgers:
        yield Difference(
            case.number, "clock entries", _brief(stored_ledgers), _brief(replayed_ledgers)
        )
    stored_clocks = {
        row.name: (row.status, row.due_on, row.extended_by, row.version)
        for row in session.scalars(select(ClockRecord).where(ClockRecord.case_id == case.id))
    }
    replayed_clocks = {}
    for clock, replayed_entries in replayed_ledgers.items():
        deadline = derive(replayed_entries, calendar, clock)
        replayed_clocks[clock] = (
            deadline.status.value,
            deadline.due_on,
            deadline.extended_by,
            deadline.version,
        )
    for clock in sorted(set(stored_clocks) | set(replayed_clocks)):
        if stored_clocks.get(clock) != replayed_clocks.get(clock):
            yield Difference(
                case.number, f"clock {clock}", stored_clocks.get(clock), replayed_clocks.get(clock)
            )
    stored_appeals = [
        [a.kind, a.filed_on, a.result, a.decided_on]
        for a in session.scalars(
            select(AppealRecord).where(AppealRecord.case_id == case.id).order_by(AppealRecord.id)
        )
        if not a.imported
    ]
    if stored_appeals != replay.appeals:
        yield Difference(case.number, "appeals", stored_appeals, replay.appeals)


def _close(replay: _Replayed, outcome: str, on: date, recorded_on: date) -> None:
    replay.outcome = outcome
    replay.closed_on = on
    if replay.first_closed_on is None:
        replay.first_closed_on = on
        replay.first_closed_recorded_on = recorded_on
        replay.first_outcome = outcome


def _replay_appeal(replay: _Replayed, action: Any, on: date) -> None:
    if action is None or replay.appeals is None:
        return
    if action.action == "file":
        replay.appeals.append([action.kind, on, None, None])
        return
    pending = [a for a in replay.appeals if a[2] is None]
    if pending:
        latest = max(pending, key=lambda a: (a[1], replay.appeals.index(a)))  # type: ignore[union-attr]
        latest[2], latest[3] = action.result, on


def _compare_case(case: CaseRecord, replay: _Replayed) -> Iterator[Difference]:
    for field in (
        "state",
        "outcome",
        "closed_on",
        "first_closed_on",
        "first_closed_recorded_on",
        "recorded_on",
        "first_outcome",
        "last_event_on",
        "event_count",
    ):
        stored, replayed = getattr(case, field), getattr(replay, field)
        if stored != replayed:
            yield Difference(case.number, field, stored, replayed)


def _brief(ledgers: Ledgers) -> dict[str, list[str]]:
    return {
        clock: [f"{e.kind.value} {e.on}" for e in entries]
        for clock, entries in sorted(ledgers.items())
    }
