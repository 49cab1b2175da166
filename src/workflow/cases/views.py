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

from sqlalchemy import Connection, select

from workflow.cases.receipt import confirmation_warning
from workflow.cases.registry import DefinitionRegistry
from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel
from workflow.deadlines import ClockStatus, Deadline, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.errors import CaseNotFound
from workflow.store.ledgers import load_ledgers
from workflow.store.tables import AGENCIES, APPEALS, APPLICANTS, CASE_EVENTS, CASES

if TYPE_CHECKING:  # `case show` does not load the ORM
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
    reader: Session | Connection,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    number: str,
    as_of: date,
) -> CaseView:
    """A case as of ``as_of``: the view of ``workflow case show``.

    Read with Core statements on the tables, not the ORM's records, on a connection (a
    session's, or ``Database.reading_rows``): a view needs the
    rows only, and a command that shows a case imports no ORM (a third of its start-up)."""
    connection = reader if isinstance(reader, Connection) else reader.connection()
    case = connection.execute(_CASE.where(CASES.c.number == number)).one_or_none()
    if case is None:
        raise CaseNotFound(number)
    definition = registry.for_case(connection, case.definition_id, case.definition_version)
    return CaseView(
        number=case.number,
        agency=case.agency_code,
        agency_name=case.agency_name,
        applicant=case.applicant_name,
        applicant_type=ApplicantType.of(case.applicant_kind),
        contact=case.contact,
        channel=Channel.of(case.channel),
        received_on=case.received_on,
        arrived_on=case.arrived_on,
        warnings=tuple(
            warning
            for warning in (confirmation_warning(calendar, case.arrived_on, case.received_on),)
            if warning is not None
        ),
        request=case.request,
        handler=case.handler,
        state=case.state,
        state_label=definition.states[case.state].label,
        open=not definition.is_closed(case.state),
        outcome=case.outcome,
        outcome_label=outcome_label(definition, case.outcome),
        closed_on=case.closed_on,
        definition=(case.definition_id, case.definition_version),
        version=case.version,
        as_of=as_of,
        deadlines=tuple(
            DeadlineView.of(clock, derive(entries, calendar, clock), calendar, as_of, definition)
            for clock, entries in load_ledgers(connection, case.id).items()
        ),
        allowed_triggers=tuple(definition.triggers_from(case.state)),
        events=_events(connection, case.id, definition),
        appeals=tuple(
            AppealView(
                AppealKind.of(kind),
                filed_on,
                AppealResult.of(result) if result else None,
                decided_on,
            )
            for kind, filed_on, result, decided_on in connection.execute(
                select(APPEALS.c.kind, APPEALS.c.filed_on, APPEALS.c.result, APPEALS.c.decided_on)
                .where(APPEALS.c.case_id == case.id)
                .order_by(APPEALS.c.id)
            )
        ),
        state_labels={name: state.label for name, state in definition.states.items()},
        trigger_labels={name: spec.label for name, spec in definition.triggers.items()},
    )


# The case with its agency and applicant, in one statement.
_CASE = (
    select(
        CASES,
        AGENCIES.c.code.label("agency_code"),
        AGENCIES.c.name.label("agency_name"),
        APPLICANTS.c.name.label("applicant_name"),
        APPLICANTS.c.type.label("applicant_kind"),
        APPLICANTS.c.contact,
    )
    .join_from(CASES, AGENCIES, AGENCIES.c.id == CASES.c.agency_id)
    .join(APPLICANTS, APPLICANTS.c.id == CASES.c.applicant_id)
)


def _events(
    connection: Connection, case_id: int, definition: WorkflowDefinition
) -> tuple[EventView, ...]:
    events = connection.execute(
        select(CASE_EVENTS).where(CASE_EVENTS.c.case_id == case_id).order_by(CASE_EVENTS.c.seq)
    )
    return tuple(
        EventView(
            seq=event.seq,
            trigger=event.trigger,
            trigger_label=trigger_label(definition, event.trigger),
            from_state=event.from_state,
            to_state=event.to_state,
            occurred_on=event.occurred_on,
            recorded_at=event.recorded_at,
            actor=event.actor,
            payload=event.payload,
            imported=event.imported,
        )
        for event in events
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
