"""What a handler sees of a case, as of a date: typed, frozen views with one JSON form each.

The command line renders them as text or JSON, and the web service returns them; the
JSON forms are the README's stable contract. "Overdue" is derived here from the ledger
and the calendar, never stored. A clock whose due date waits for a calendar year
(flagged) has ``due_on`` None and the year in ``awaiting_calendar_year``; its working
days left are exact all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from workflow.cases.receipt import confirmation_warning
from workflow.cases.registry import DefinitionRegistry
from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel
from workflow.deadlines import ClockStatus, Deadline, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.errors import CaseNotFound
from workflow.store.ledger_rows import read_ledgers
from workflow.store.rows import Rows, day, document, moment, one, rows_of

if TYPE_CHECKING:  # `case show` imports no SQLAlchemy
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

# Steps that are not triggers of the definition: how a case came into the store.
ENTRY_LABELS = {"open": "登记", "import": "导入"}


@dataclass(frozen=True)
class DeadlineView:
    """One clock as of a date: the one shape of a deadline, wherever it is shown."""

    clock: str
    label: str | None  # the definition's name of the clock (答复期限); None for a bare ledger
    basis: str | None
    due_on: date | None
    status: ClockStatus
    window: bool  # a period for an optional step: it closes, it is never overdue
    remaining_workdays: int
    overdue_workdays: int
    extended_by: int
    version: int
    explanation: tuple[str, ...]
    awaiting_calendar_year: int | None

    @property
    def running(self) -> bool:
        return self.status is ClockStatus.RUNNING

    @classmethod
    def of(
        cls,
        clock: str,
        deadline: Deadline,
        calendar: WorkingCalendar,
        as_of: date,
        definition: WorkflowDefinition | None = None,
    ) -> DeadlineView:
        spec = definition.clocks.get(clock) if definition is not None else None
        window = spec is not None and spec.window
        return cls(
            clock=clock,
            label=spec.label if spec is not None else None,
            basis=spec.basis if spec is not None else None,
            due_on=deadline.due_on,
            status=deadline.status,
            window=window,
            remaining_workdays=deadline.remaining_workdays(calendar, as_of),
            overdue_workdays=0 if window else deadline.overdue_workdays(calendar, as_of),
            extended_by=deadline.extended_by,
            version=deadline.version,
            explanation=tuple(deadline.explanation),
            awaiting_calendar_year=deadline.awaiting_year,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "clock": self.clock,
            "label": self.label,
            "basis": self.basis,
            "due_on": _iso(self.due_on),
            "status": self.status.value,
            "running": self.running,
            "window": self.window,
            "remaining_workdays": self.remaining_workdays,
            "overdue_workdays": self.overdue_workdays,
            "extended_by": self.extended_by,
            "version": self.version,
            "explanation": list(self.explanation),
            "awaiting_calendar_year": self.awaiting_calendar_year,
        }


@dataclass(frozen=True)
class EventView:
    seq: int
    trigger: str
    trigger_label: str
    from_state: str | None
    to_state: str
    occurred_on: date
    recorded_at: datetime
    actor: str
    payload: dict[str, Any]
    imported: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "trigger": self.trigger,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "occurred_on": self.occurred_on.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "actor": self.actor,
            "payload": self.payload,
            "imported": self.imported,
        }


@dataclass(frozen=True)
class AppealView:
    kind: AppealKind
    filed_on: date
    result: AppealResult | None
    decided_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "filed_on": self.filed_on.isoformat(),
            "result": self.result.value if self.result else None,
            "decided_on": _iso(self.decided_on),
        }


@dataclass(frozen=True)
class CaseView:
    """``workflow case show``: a case with its deadlines and history, as of a date."""

    number: str
    agency: str
    agency_name: str
    applicant: str
    applicant_type: ApplicantType
    contact: str | None
    channel: Channel
    received_on: date
    arrived_on: date | None  # ordinary post, internet channels: before the confirmation
    warnings: tuple[str, ...]  # e.g. a confirmation later than the day after arrival
    request: str
    handler: str | None
    state: str
    state_label: str
    open: bool
    outcome: str | None
    outcome_label: str | None
    closed_on: date | None
    definition: tuple[str, int]
    version: int
    as_of: date
    deadlines: tuple[DeadlineView, ...]
    allowed_triggers: tuple[str, ...]
    events: tuple[EventView, ...]
    appeals: tuple[AppealView, ...]
    state_labels: dict[str, str]  # every state's label, for the history's text
    trigger_labels: dict[str, str]  # every trigger's label

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "applicant": {
                "name": self.applicant,
                "type": self.applicant_type.value,
                "contact": self.contact,
            },
            "channel": self.channel.value,
            "received_on": self.received_on.isoformat(),
            "arrived_on": _iso(self.arrived_on),
            "warnings": list(self.warnings),
            "request": self.request,
            "handler": self.handler,
            "state": self.state,
            "state_label": self.state_label,
            "open": self.open,
            "outcome": self.outcome,
            "closed_on": _iso(self.closed_on),
            "definition": {"id": self.definition[0], "version": self.definition[1]},
            "version": self.version,
            "as_of": self.as_of.isoformat(),
            "deadlines": {deadline.clock: deadline.to_json() for deadline in self.deadlines},
            "allowed_triggers": list(self.allowed_triggers),
            "events": [event.to_json() for event in self.events],
            "appeals": [appeal.to_json() for appeal in self.appeals],
        }


@dataclass(frozen=True)
class CaseRow:
    """One line of ``workflow case list``: a case and its most urgent running deadline."""

    number: str
    agency: str
    applicant: str
    handler: str | None
    received_on: date
    state: str
    state_label: str
    open: bool
    outcome: str | None
    outcome_label: str | None
    next_due: DeadlineView | None
    request: str = ""
    channel: str = ""
    paused: bool = False  # a clock paused (the answer period, by a consultation, a correction)
    next_step: str | None = None  # the trigger a handler fires next (cases.next_step)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "agency": self.agency,
            "applicant": self.applicant,
            "handler": self.handler,
            "received_on": self.received_on.isoformat(),
            "state": self.state,
            "state_label": self.state_label,
            "open": self.open,
            "outcome": self.outcome,
            "next_due": self.next_due.to_json() if self.next_due else None,
        }


@dataclass(frozen=True)
class CaseList:
    as_of: date
    rows: tuple[CaseRow, ...]
    total: int = 0  # the rows the filter keeps, before the limit

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "cases": [row.to_json() for row in self.rows]}


def outcome_label(definition: WorkflowDefinition, code: str | None) -> str | None:
    spec = definition.outcomes.get(code) if code is not None else None
    return spec.label if spec is not None else None


def trigger_label(definition: WorkflowDefinition, trigger: str) -> str:
    spec = definition.triggers.get(trigger)
    return spec.label if spec is not None else ENTRY_LABELS.get(trigger, trigger)


def show_case(
    reader: Rows | Session | Connection,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    number: str,
    as_of: date,
) -> CaseView:
    """A case as of ``as_of``: the view of ``workflow case show``.

    Read as plain SQL (``store.rows``), in a unit of work of any kind: on a SQLite store's
    file by ``sqlite3`` alone, a command that shows a case imports no SQLAlchemy (60 % of
    its start-up)."""
    rows = rows_of(reader)
    case = one(rows, _CASE, {"number": number})
    if case is None:
        raise CaseNotFound(number)
    (case_id, number, agency, agency_name, applicant, applicant_kind, contact, channel,
     received_on, arrived_on, request, handler, state, outcome, closed_on, definition_id,
     definition_version, version) = case  # fmt: skip
    received_on, arrived_on = day(received_on), day(arrived_on)
    definition = registry.for_case(rows, definition_id, definition_version)
    return CaseView(
        number=number,
        agency=agency,
        agency_name=agency_name,
        applicant=applicant,
        applicant_type=ApplicantType.of(applicant_kind),
        contact=contact,
        channel=Channel.of(channel),
        received_on=received_on,
        arrived_on=arrived_on,
        warnings=tuple(
            warning
            for warning in (confirmation_warning(calendar, arrived_on, received_on),)
            if warning is not None
        ),
        request=request,
        handler=handler,
        state=state,
        state_label=definition.states[state].label,
        open=not definition.is_closed(state),
        outcome=outcome,
        outcome_label=outcome_label(definition, outcome),
        closed_on=day(closed_on),
        definition=(definition_id, definition_version),
        version=version,
        as_of=as_of,
        deadlines=tuple(
            DeadlineView.of(clock, derive(entries, calendar, clock), calendar, as_of, definition)
            for clock, entries in read_ledgers(rows, case_id).items()
        ),
        allowed_triggers=tuple(definition.triggers_from(state)),
        events=_events(rows, case_id, definition),
        appeals=tuple(
            AppealView(
                AppealKind.of(kind),
                day(filed_on),
                AppealResult.of(result) if result else None,
                day(decided_on),
            )
            for kind, filed_on, result, decided_on in rows.all(_APPEALS, {"case_id": case_id})
        ),
        state_labels={name: state.label for name, state in definition.states.items()},
        trigger_labels={name: spec.label for name, spec in definition.triggers.items()},
    )


# The case with its agency and applicant, in one statement.
_CASE = (
    "SELECT c.id, c.number, a.code, a.name, p.name, p.type, p.contact, c.channel,"
    " c.received_on, c.arrived_on, c.request, c.handler, c.state, c.outcome, c.closed_on,"
    " c.definition_id, c.definition_version, c.version"
    " FROM cases AS c JOIN agencies AS a ON a.id = c.agency_id"
    " JOIN applicants AS p ON p.id = c.applicant_id WHERE c.number = :number"
)
_EVENTS = (
    'SELECT seq, "trigger", from_state, to_state, occurred_on, recorded_at, actor, payload,'
    " imported FROM case_events WHERE case_id = :case_id ORDER BY seq"
)
_APPEALS = (
    "SELECT kind, filed_on, result, decided_on FROM appeals WHERE case_id = :case_id ORDER BY id"
)


def _events(rows: Rows, case_id: int, definition: WorkflowDefinition) -> tuple[EventView, ...]:
    events = []
    for row in rows.all(_EVENTS, {"case_id": case_id}):
        seq, trigger, from_state, to_state, occurred_on, recorded_at, actor, payload, imported = row
        events.append(
            EventView(
                seq=seq,
                trigger=trigger,
                trigger_label=trigger_label(definition, trigger),
                from_state=from_state,
                to_state=to_state,
                occurred_on=day(occurred_on),
                recorded_at=moment(recorded_at),
                actor=actor,
                payload=document(payload),
                imported=bool(imported),
            )
        )
    return tuple(events)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
