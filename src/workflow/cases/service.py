"""The use cases: register an application and fire its triggers, one transaction each.

Every command writes the state change, its event, clock entries, the clocks
projection, timers, appeals and letters together or not at all. A concurrent
change to the same case is detected by the case row's version column and
reported as ``StaleCase``; nothing is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflow.cases.codes import APPLICANT_TYPES, CHANNELS
from workflow.cases.ledger_store import Ledgers, append_entries, load_ledgers, refresh_clocks
from workflow.cases.numbering import next_number
from workflow.cases.registry import DEFAULT_DEFINITION, DefinitionRegistry
from workflow.clock import Clock
from workflow.deadlines import EntryKind, WorkingCalendar
from workflow.definition import WorkflowDefinition
from workflow.errors import CaseNotFound, InvalidInput, StaleCase
from workflow.lifecycle import CaseSnapshot, Decision, StepInput
from workflow.lifecycle.effects import AppealAction, EffectPlan
from workflow.store.database import Database
from workflow.store.records import (
    AgencyRecord,
    AppealRecord,
    ApplicantRecord,
    CaseEventRecord,
    CaseRecord,
)

OPEN_TRIGGER = "open"


@dataclass(frozen=True)
class NewCase:
    agency: str
    applicant: str
    applicant_type: str
    channel: str
    received_on: date
    request: str
    contact: str | None = None
    handler: str | None = None
    by: str = "system"
    definition: str = DEFAULT_DEFINITION


class LetterIssuer(Protocol):
    """Issues the letters a step produces, inside the step's transaction."""

    def issue(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
    ) -> None: ...


@dataclass(frozen=True)
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


class CaseService:
    def __init__(
        self,
        database: Database,
        registry: DefinitionRegistry,
        calendar: WorkingCalendar,
        clock: Clock,
        letters: LetterIssuer | None = None,
    ) -> None:
        self.database = database
        self.registry = registry
        self.calendar = calendar
        self.clock = clock
        self.letters = letters

    # -- registering --------------------------------------------------------------

    def open(self, new: NewCase) -> CaseRecord:
        if new.applicant_type not in APPLICANT_TYPES:
            raise InvalidInput(
                f"unknown applicant type {new.applicant_type!r}; "
                f"types: {', '.join(APPLICANT_TYPES)}"
            )
        if new.channel not in CHANNELS:
            raise InvalidInput(f"unknown channel {new.channel!r}; channels: {', '.join(CHANNELS)}")
        if not new.applicant.strip() or not new.request.strip():
            raise InvalidInput("an application needs the applicant's name and the request text")
        definition = self.registry.latest(new.definition)
        self._check_date(new.received_on, None, definition, "the receipt date")
        with self.database.transaction() as session:
            agency = find_agency(session, new.agency)
            self.registry.register(session, definition, self.clock)
            case = self._new_case(session, agency, new, definition)
            step = StepInput(on=new.received_on, by=new.by)
            plan = self.registry.lifecycle(definition).opening(step, self.calendar)
            payload: dict[str, object] = {"applicant": new.applicant, "channel": new.channel}
            event = self._record_event(session, case, OPEN_TRIGGER, None, payload, step)
            self._apply_plan(session, case, event, plan, {}, definition, new.received_on)
            if self.letters is not None and definition.opening.letters:
                self.letters.issue(session, case, event, definition.opening.letters, definition)
            return case

    def _new_case(
        self, session: Session, agency: AgencyRecord, new: NewCase, definition: WorkflowDefinition
    ) -> CaseRecord:
        year = new.received_on.year
        seq = next_number(session, f"case:{agency.code}:{year}")
        pattern = agency.case_number_pattern or definition.settings.case_number_pattern
        number = pattern.format(agency=agency.code, year=year, seq=seq)
        applicant = ApplicantRecord(
            name=new.applicant, type=new.applicant_type, contact=new.contact
        )
        session.add(applicant)
        session.flush()
        case = CaseRecord(
            number=number,
            agency_id=agency.id,
            applicant_id=applicant.id,
            applicant_type=new.applicant_type,
            channel=new.channel,
            received_on=new.received_on,
            request=new.request,
            handler=new.handler or (new.by if new.by != "system" else None),
            definition_id=definition.id,
            definition_version=definition.version,
            state=definition.initial,
            last_event_on=new.received_on,
            event_count=1,  # the opening event, written next
            imported=False,
        )
        session.add(case)
        session.flush()
        return case

    # -- firing -------------------------------------------------------------------

    def fire(
        self,
        number: str,
        trigger: str,
        step: StepInput,
        *,
        expected_version: int | None = None,
    ) -> Fired:
        """Fire a trigger on a case in its own transaction."""
        try:
            with self.database.transaction() as session:
                case = find_case(session, number)
                if expected_version is not None and case.version != expected_version:
                    raise StaleCase(number)
                return self.fire_in(session, case, trigger, step)
        except (StaleDataError, IntegrityError) as exc:
            if isinstance(exc, IntegrityError) and "case_events" not in str(exc):
                raise
            raise StaleCase(number) from exc

    def fire_in(self, session: Session, case: CaseRecord, trigger: str, step: StepInput) -> Fired:
        """Fire within a caller's transaction (the sweeper's path is the same as a handler's)."""
        definition = self.registry.for_case(session, case.definition_id, case.definition_version)
        self._check_date(step.on, case, definition, "the step's date (--on)")
        ledgers = load_ledgers(session, case.id)
        snapshot = CaseSnapshot(
            number=case.number,
            state=case.state,
            received_on=case.received_on,
            ledgers=ledgers,
            corrections_requested=int("correction" in ledgers),
            extensions=sum(entry.kind is EntryKind.EXTEND for entry in ledgers.get("answer", ())),
            pending_appeals=pending_appeal_kinds(session, case.id)
            if definition.is_closed(case.state)
            else (),
        )
        decision = self.registry.lifecycle(definition).decide(
            snapshot, trigger, step, self.calendar
        )
        payload = step.to_payload()
        if decision.warnings:
            payload["warnings"] = list(decision.warnings)
        event = self._record_event(session, case, trigger, case.state, payload, step, decision)
        self._apply_plan(session, case, event, decision.plan, ledgers, definition, step.on)
        self._close_or_reopen(case, decision, definition, step.on)
        session.flush()  # the version check happens here
        if self.letters is not None and decision.letters:
            self.letters.issue(session, case, event, decision.letters, definition)
        return Fired(
            number=case.number,
            trigger=trigger,
            source=decision.source,
            dest=decision.dest,
            outcome=decision.outcome,
            event_seq=event.seq,
            version=case.version,
            warnings=decision.warnings,
        )

    # -- writing --------------------------------------------------------------------

    def _record_event(
        self,
        session: Session,
        case: CaseRecord,
        trigger: str,
        from_state: str | None,
        payload: dict[str, object],
        step: StepInput,
        decision: Decision | None = None,
    ) -> CaseEventRecord:
        to_state = decision.dest if decision is not None else case.state
        if decision is not None:  # the opening event's fields were set with the new row
            case.state = to_state
            case.event_count += 1
            case.last_event_on = step.on
            number = case.number
            try:
                # The case row first: its version check must trip before anything else
                # of a concurrent step is written.
                session.flush()
            except StaleDataError as exc:
                raise StaleCase(number) from exc
        event = CaseEventRecord(
            case_id=case.id,
            seq=case.event_count,
            trigger=trigger,
            from_state=from_state,
            to_state=to_state,
            occurred_on=step.on,
            recorded_at=self.clock.now(),
            actor=step.by,
            payload=payload,
            imported=False,
        )
        session.add(event)
        session.flush()
        return event

    def _apply_plan(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        plan: EffectPlan,
        ledgers: Ledgers,
        definition: WorkflowDefinition,
        on: date,
    ) -> None:
        updated = append_entries(session, case.id, event.id, ledgers, plan.clock_entries)
        refresh_clocks(
            session,
            case.id,
            list(plan.clock_entries),
            updated,
            definition,
            self.calendar,
            on,
            self.clock.now(),
        )
        if plan.appeal is not None:
            apply_appeal(session, case, plan.appeal, on)

    @staticmethod
    def _close_or_reopen(
        case: CaseRecord, decision: Decision, definition: WorkflowDefinition, on: date
    ) -> None:
        was_closed = definition.is_closed(decision.source)
        now_closed = definition.is_closed(decision.dest)
        if decision.outcome is not None and now_closed:
            case.outcome = decision.outcome
            case.closed_on = on
            if case.first_closed_on is None:
                case.first_closed_on = on
                case.first_outcome = decision.outcome
        elif was_closed and not now_closed:
            case.outcome = None
            case.closed_on = None

    # -- checks ---------------------------------------------------------------------

    def _check_date(
        self, on: date, case: CaseRecord | None, definition: WorkflowDefinition, what: str
    ) -> None:
        today = self.clock.today()
        if on > today:
            raise InvalidInput(f"{what} {on} is in the future (today is {today})")
        window = definition.settings.backdating_window_days
        if on < today - timedelta(days=window):
            raise InvalidInput(
                f"{what} {on} is more than {window} days back; import old cases instead"
            )
        if case is not None and on < case.last_event_on:
            raise InvalidInput(f"{what} {on} is before the case's last step ({case.last_event_on})")
        self.calendar.is_working_day(on)  # refuses a year with no published calendar


def apply_appeal(session: Session, case: CaseRecord, action: AppealAction, on: date) -> None:
    if action.action == "file":
        session.add(AppealRecord(case_id=case.id, kind=action.kind or "", filed_on=on))
        return
    pending = session.scalars(
        select(AppealRecord)
        .where(AppealRecord.case_id == case.id, AppealRecord.result.is_(None))
        .order_by(AppealRecord.filed_on.desc(), AppealRecord.id.desc())
    ).first()
    if pending is None:
        raise InvalidInput(f"{case.number}: no pending appeal to resolve")
    pending.result = action.result
    pending.decided_on = on


def pending_appeal_kinds(session: Session, case_id: int) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(AppealRecord.kind)
            .where(AppealRecord.case_id == case_id, AppealRecord.result.is_(None))
            .order_by(AppealRecord.filed_on, AppealRecord.id)
        )
    )


def find_case(session: Session, number: str) -> CaseRecord:
    case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one_or_none()
    if case is None:
        raise CaseNotFound(number)
    return case


def find_agency(session: Session, code: str) -> AgencyRecord:
    agency = session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one_or_none()
    if agency is None:
        raise InvalidInput(f"unknown agency {code!r}; add it with `workflow agency add {code}`")
    return agency
