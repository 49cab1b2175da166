"""Applying triggers to cases: decide in memory, then write every row in a few statements.

A handler's command is one step on one case; an import or replay is thousands of
steps in one transaction. Both go through ``Stepper``: ``load`` the cases with their
ledgers and pending appeals, ``apply`` each step in order (the lifecycle decides;
the working copy follows), then ``write`` everything with one ``executemany`` per
table. The case rows are written first, each UPDATE guarded by the version it was
loaded at, so a concurrent change is detected before anything else is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, overload

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from workflow.cases.appeal_store import Appeal, apply_appeal, load_appeals, write_appeals
from workflow.cases.ledger_store import write_clock_changes
from workflow.cases.registry import DefinitionRegistry
from workflow.clock import Clock
from workflow.deadlines import ClockEntry, WorkingCalendar
from workflow.definition import WorkflowDefinition
from workflow.errors import StaleCase, TransitionRejected
from workflow.lifecycle import CaseSnapshot, Decision, PastStep, StepInput
from workflow.lifecycle.facts import StepFacts
from workflow.lifecycle.projection import CaseProjection, event_row, project
from workflow.store import case_rows
from workflow.store.database import connection_of
from workflow.store.ledger_rows import Ledgers
from workflow.store.ledgers import load_ledgers_of
from workflow.store.records import CaseEventRecord, CaseRecord
from workflow.store.tables import CASE_EVENTS


@dataclass(frozen=True, slots=True)
class Fired:
    """What a trigger did: for the CLI's answer and the sweeper's counts."""

    number: str
    trigger: str
    source: str
    dest: str
    outcome: str | None
    event_seq: int
    version: int
    warnings: tuple[str, ...]


@dataclass(slots=True)
class _PendingEvent:
    values: dict[str, Any]
    entries: dict[str, list[ClockEntry]]
    letters: tuple[str, ...]
    id: int | None = None

    def as_record(self) -> CaseEventRecord:
        """A detached record of the written row (for the letters)."""
        return CaseEventRecord(id=self.id, **self.values)


@dataclass(slots=True)
class CaseWork:
    """A case's working copy while steps are applied to it in memory."""

    record: CaseRecord
    definition: WorkflowDefinition
    ledgers: Ledgers
    appeals: list[Appeal]
    projection: CaseProjection
    loaded_version: int
    written: CaseProjection  # the projection as the store has it
    history: StepsSoFar
    changed_clocks: dict[str, date] = field(default_factory=dict)
    events: list[_PendingEvent] = field(default_factory=list)

    def pending_appeals(self) -> list[Appeal]:
        return [appeal for appeal in self.appeals if appeal.result is None]


class StepsSoFar(Sequence[PastStep]):
    """A case's steps so far, read from its events the first time a guard looks at them
    (two guards do, for a few triggers); the steps applied since are added in memory, as
    their facts (a handler's step is applied once, and nothing looks at it after)."""

    def __init__(
        self, read: Callable[[], list[PastStep]] | None, steps: Iterable[PastStep] = ()
    ) -> None:
        self._read = read  # None: read already (a batch reads every case's at once)
        self._steps: list[PastStep] = list(steps)
        self._applied: list[StepFacts] = []

    def add(self, facts: StepFacts) -> None:
        self._applied.append(facts)

    def written(self) -> None:
        """The steps added are in the store now: a later read finds them there."""
        if self._read is not None:
            self._applied = []

    def _all(self) -> list[PastStep]:
        if self._read is not None:
            self._steps = [*self._read(), *self._steps]
            self._read = None
        if self._applied:
            self._steps.extend(
                PastStep(facts.trigger, facts.on, facts.stored_payload()) for facts in self._applied
            )
            self._applied = []
        return self._steps

    @overload
    def __getitem__(self, index: int) -> PastStep: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PastStep]: ...
    def __getitem__(self, index: int | slice) -> PastStep | Sequence[PastStep]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[PastStep]:
        return iter(self._all())


class Stepper:
    def __init__(
        self,
        registry: DefinitionRegistry,
        calendar: WorkingCalendar,
        clock: Clock,
        check_date: Callable[[date, date | None, WorkflowDefinition], None],
    ) -> None:
        self.registry = registry
        self.calendar = calendar
        self.clock = clock
        self._check_date = check_date
        self.work: dict[int, CaseWork] = {}
        self._connection: Connection | None = None  # the transaction's, asked for once

    # -- loading ----------------------------------------------------------------

    def load(self, session: Session, cases: Iterable[CaseRecord]) -> None:
        new = [case for case in cases if case.id not in self.work]
        if not new:
            return
        connection = self._connection = connection_of(session)
        ids = [case.id for case in new]
        ledgers = load_ledgers_of(connection, ids)
        # Appeals of open cases too: an applicant may appeal a failure to answer.
        appeals = load_appeals(connection, ids)
        # A batch reads every case's steps so far at once; a handler's step, on demand.
        history = load_history(connection, ids) if len(ids) > 1 else None
        for case in new:
            stored = CaseProjection.of(case)
            self.work[case.id] = CaseWork(
                record=case,
                definition=self._definition(session, case),
                ledgers=ledgers.get(case.id, {}),
                appeals=appeals.get(case.id, []),
                projection=stored,
                loaded_version=case.version,
                written=stored,
                history=_steps_so_far(connection, case.id, history),
            )

    def _definition(self, session: Session, case: CaseRecord) -> WorkflowDefinition:
        return self.registry.for_case(session, case.definition_id, case.definition_version)

    # -- applying ---------------------------------------------------------------

    def _snapshot(self, case: CaseRecord, work: CaseWork) -> CaseSnapshot:
        return CaseSnapshot.of(
            case.number,
            work.projection.state,
            case.received_on,
            work.ledgers,
            tuple(a.kind for a in work.pending_appeals()),
            tuple(a.kind for a in work.appeals),
            work.history,
        )

    def apply(self, case: CaseRecord, trigger: str, step: StepInput) -> Fired:
        work = self.work[case.id]
        self._check_date(step.on, work.projection.last_event_on, work.definition)
        decision = self.registry.lifecycle(work.definition).decide(
            self._snapshot(case, work), trigger, step, self.calendar
        )
        facts = decision.facts
        work.projection = project(work.projection, facts, work.definition, self.clock.today())
        for clock, entries in decision.plan.clock_entries.items():
            work.ledgers = {**work.ledgers, clock: (*work.ledgers.get(clock, ()), *entries)}
            work.changed_clocks[clock] = step.on
        appeal = facts.appeal
        if appeal and not apply_appeal(work.appeals, case.id, appeal, step.on, self.clock.today()):
            reason = "no pending appeal to resolve"
            raise TransitionRejected(case.number, trigger, decision.source, (), (reason,))
        work.history.add(facts)
        work.events.append(
            _PendingEvent(
                values=event_row(case.id, work.projection, facts, self.clock.now()),
                entries=decision.plan.clock_entries,
                letters=decision.letters,
            )
        )
        return Fired(
            number=case.number,
            trigger=trigger,
            source=decision.source,
            dest=decision.dest,
            outcome=decision.outcome,
            event_seq=work.projection.event_count,
            version=work.loaded_version + 1,
            warnings=decision.warnings,
        )

    def supposing(
        self, case: CaseRecord, trigger: str, step: StepInput
    ) -> tuple[Decision, CaseEventRecord] | None:
        """The step as if its guards held, applied to nothing: its decision and the event
        it would write (no id). A refusal asks it what the step's letters would need."""
        work = self.work[case.id]
        lifecycle = self.registry.lifecycle(work.definition)
        decision = lifecycle.supposing(self._snapshot(case, work), trigger, step, self.calendar)
        if decision is None:
            return None
        projection = project(work.projection, decision.facts, work.definition, self.clock.today())
        values = event_row(case.id, projection, decision.facts, self.clock.now())
        return decision, CaseEventRecord(**values)

    # -- writing ------------------------------------------------------------------

    def write(self, session: Session, now: datetime) -> list[tuple[CaseWork, _PendingEvent]]:
        """Write every change; return the written events, for the letters."""
        works = [work for work in self.work.values() if work.events]
        if not works:
            return []
        connection = self._connection or connection_of(session)
        groups: dict[frozenset[str], list[CaseWork]] = {}
        for work in works:
            groups.setdefault(work.projection.changed_from(work.written), []).append(work)
        for changed, group in groups.items():
            _update_cases(connection, changed, group)
            for work in group:  # the record as now stored: the letters read it
                stored = {key: getattr(work.projection, key) for key in changed}
                stored["version"] = work.loaded_version + 1
                _set_stored(work.record, stored)
                work.written = work.projection
        events = [(work, event) for work in works for event in work.events]
        ids = case_rows.insert_events(connection, [event.values for _, event in events])
        for (_, event), event_id in zip(events, ids, strict=True):
            event.id = event_id
        write_clock_changes(
            connection,
            [
                (work.record.id, event.id, event.entries)
                for work, event in events
                if event.id is not None and event.entries
            ],
            {
                work.record.id: (work.ledgers, work.changed_clocks, work.definition)
                for work in works
            },
            self.calendar,
            now,
        )
        write_appeals(connection, [appeal for work in works for appeal in work.appeals])
        written = events
        for work in works:
            work.events = []
            work.history.written()
            work.changed_clocks = {}
            work.loaded_version += 1
        return written


def _set_stored(record: CaseRecord, values: dict[str, Any]) -> None:
    """Set ``values`` on ``record`` as loaded values, unchanged since its load. A record
    outside any session with nothing changed or expired (``lock_case_row``'s) takes them
    as its loading set them, into its ``__dict__``; ``set_committed_value`` does the same
    through the attributes' events, a step's cost worth saving."""
    state = instance_state(record)
    if (
        state.session_id is None
        and not state.committed_state
        and not state.expired
        and not state.expired_attributes
        and not state.callables
    ):
        record.__dict__.update(values)
        return
    for key, value in values.items():
        set_committed_value(record, key, value)


def load_history(connection: Connection, case_ids: list[int]) -> dict[int, list[PastStep]]:
    """The steps so far of each case, oldest first (one statement for the batch)."""
    history: dict[int, list[PastStep]] = {}
    rows = connection.execute(
        select(
            CASE_EVENTS.c.case_id,
            CASE_EVENTS.c.trigger,
            CASE_EVENTS.c.occurred_on,
            CASE_EVENTS.c.payload,
        )
        .where(CASE_EVENTS.c.case_id.in_(case_ids))
        .order_by(CASE_EVENTS.c.case_id, CASE_EVENTS.c.seq)
    )
    for case_id, trigger, on, payload in rows:
        history.setdefault(case_id, []).append(PastStep(trigger, on, payload or {}))
    return history


def _steps_so_far(
    connection: Connection, case_id: int, loaded: dict[int, list[PastStep]] | None
) -> StepsSoFar:
    if loaded is not None:
        return StepsSoFar(None, loaded.get(case_id, []))
    return StepsSoFar(lambda: [PastStep(*row) for row in case_rows.history(connection, case_id)])


def _update_cases(connection: Connection, changed: frozenset[str], works: list[CaseWork]) -> None:
    """Write the cases' changed projection columns, each row guarded by its loaded version."""
    rows = [
        {
            "b_id": work.record.id,
            "b_version": work.loaded_version,
            "version": work.loaded_version + 1,
            **{name: getattr(work.projection, name) for name in changed},
        }
        for work in works
    ]
    stale = case_rows.update_projections(connection, changed, rows)
    if stale:
        raise StaleCase(", ".join(works[index].record.number for index in stale))
