"""The case row as a fold of its events: one pure ``project`` and one ``event_row``.

Every path that writes an event (a handler's step, the sweeper's lapse, the
opening, both importers) computes the case's new projection with ``project`` and
the event's row with ``event_row``; ``workflow verify`` folds ``project`` over the
stored events and compares the result with the stored row. So "replaying the
events reproduces the row" holds by construction, and verify checks what was
written, not a second copy of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any, ClassVar

from workflow.definition.model import WorkflowDefinition
from workflow.lifecycle.facts import StepFacts

# The pseudo-triggers of events no trigger of the definition fired.
OPEN_TRIGGER = "open"  # registering an application
IMPORT_TRIGGER = "import"  # a past case or appeal brought in by an importer


@dataclass(frozen=True, slots=True)
class CaseProjection:
    """The columns of a case row that its events determine."""

    state: str
    event_count: int
    last_event_on: date | None
    recorded_on: date | None = None  # when the store learned of the case
    outcome: str | None = None
    closed_on: date | None = None
    # The first closure, which the annual report counts; kept when a case is reopened.
    first_closed_on: date | None = None
    first_outcome: str | None = None
    first_closed_recorded_on: date | None = None  # reports "as of" a date read this

    COLUMNS: ClassVar[tuple[str, ...]]

    @classmethod
    def of(cls, row: Any) -> CaseProjection:
        """The projection a case row (or record) holds."""
        return cls(**{name: getattr(row, name) for name in cls.COLUMNS})

    def columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.COLUMNS}

    def changed_from(self, other: CaseProjection) -> frozenset[str]:
        """The columns whose value differs from ``other``'s."""
        return frozenset(
            name for name in self.COLUMNS if getattr(self, name) != getattr(other, name)
        )


CaseProjection.COLUMNS = tuple(f.name for f in fields(CaseProjection))

# The projection before the opening event: the fold starts here.
UNOPENED = CaseProjection(state="", event_count=0, last_event_on=None)


def project(
    projection: CaseProjection,
    facts: StepFacts,
    definition: WorkflowDefinition,
    recorded_on: date,
) -> CaseProjection:
    """The projection after one more step, recorded on ``recorded_on`` (China date).

    A step into a closed state with an outcome closes the case (the first closure
    also fills the ``first_*`` columns); a step out of a closed state reopens it.
    """
    changes: dict[str, Any] = {
        "state": facts.dest,
        "event_count": projection.event_count + 1,
        "last_event_on": facts.on,
    }
    if projection.recorded_on is None:
        changes["recorded_on"] = recorded_on
    was_closed = facts.source is not None and definition.is_closed(facts.source)
    now_closed = definition.is_closed(facts.dest)
    if facts.outcome is not None and now_closed:
        changes.update(outcome=facts.outcome, closed_on=facts.on)
        if projection.first_closed_on is None:
            changes.update(
                first_closed_on=facts.on,
                first_outcome=facts.outcome,
                first_closed_recorded_on=recorded_on,
            )
    elif was_closed and not now_closed:
        changes.update(outcome=None, closed_on=None)
    return replace(projection, **changes)


def event_row(
    case_id: int, projection: CaseProjection, facts: StepFacts, recorded_at: datetime
) -> dict[str, Any]:
    """The ``case_events`` row of the step that gave ``projection`` (its ``seq``)."""
    return {
        "case_id": case_id,
        "seq": projection.event_count,
        "trigger": facts.trigger,
        "from_state": facts.source,
        "to_state": facts.dest,
        "occurred_on": facts.on,
        "recorded_at": recorded_at,
        "actor": facts.by,
        "payload": facts.stored_payload(),
        "imported": facts.imported,
    }
