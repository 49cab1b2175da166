"""The use cases: register an application and fire its triggers, one transaction each.

Every command writes the state change, its event, clock entries, the clocks
projection, timers, appeals and letters together or not at all. A concurrent
change to the same case is detected by the case row's version column and
reported as ``StaleCase``; nothing is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflow.cases.attempts import LetterIssuer, run_in_attempts
from workflow.cases.ledger_store import write_clock_changes
from workflow.cases.lookup import agency_code_of_case, agency_row, find_agency, find_case
from workflow.cases.receipt import check_arrival
from workflow.cases.registry import DEFAULT_DEFINITION, DefinitionRegistry
from workflow.cases.stepping import Fired, Stepper
from workflow.clock import Clock
from workflow.codes import ApplicantType, Channel, ProvisionForm, ProvisionWay
from workflow.deadlines import WorkingCalendar
from workflow.definition import WorkflowDefinition
from workflow.definition.number_patterns import format_number
from workflow.errors import (
    CaseNotFound,
    ConstraintViolation,
    InvalidInput,
    LetterError,
    MissingInputs,
    StaleCase,
    case_context,
)
from workflow.identity_numbers import IdentityKind, require_identity_number
from workflow.lifecycle import StepInput
from workflow.lifecycle.machine import letters_refusal
from workflow.lifecycle.projection import UNOPENED, CaseProjection, event_row, project
from workflow.store.case_rows import insert_case, insert_events, lock_case_row, number_taken
from workflow.store.counters import next_number
from workflow.store.database import Database, connection_of
from workflow.store.records import (
    EVENT_SEQUENCE,
    AgencyRecord,
    CaseEventRecord,
    CaseRecord,
)

# find_case and find_agency live in ``lookup`` (a read needs no write path); named here too.
__all__ = ["CaseService", "Fired", "LetterIssuer", "NewCase", "find_agency", "find_case"]


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
    arrived_on: date | None = None  # ordinary post, internet channels: before confirmation
    unassigned: bool = False  # no handler until one takes it (领取下一件), not the registrar
    # The rest of Art. 29's contents, kept in the opening event's payload.
    identity_kind: str | None = None  # workflow.identity_numbers.IdentityKind
    identity_number: str | None = None
    provision_form: str | None = None  # codes.ProvisionForm
    provision_way: str | None = None  # codes.ProvisionWay

    def application_details(self) -> dict[str, object]:
        """What the opening event records of the application besides the case row."""
        details: dict[str, object] = {"applicant": self.applicant, "channel": self.channel}
        for name in ("identity_kind", "identity_number", "provision_form", "provision_way"):
            value = getattr(self, name)
            if value:
                details[name] = value
        return details


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

    def open(
        self,
        new: NewCase,
        *,
        admit: Callable[[int], None] | None = None,
        also: Callable[[Session, CaseRecord], None] | None = None,
    ) -> CaseRecord:
        """Register an application in its own transaction (its letters rendered ahead).
        ``admit`` is asked with the id of the application's agency before anything is
        written (a caller's scope: it raises to refuse); ``also`` writes or reads what the
        caller needs of the new case in the same transaction (an audit entry, the answer's
        view: one transaction, where each of its own cost another)."""

        def attempt(session: Session, letters: LetterIssuer | None) -> CaseRecord:
            case = self._open(session, new, letters, admit)
            if also is not None:
                also(session, case)
            return case

        return run_in_attempts(self.database, self.letters, attempt, lambda: new.agency)

    def open_in(self, session: Session, new: NewCase) -> CaseRecord:
        """Register within a caller's transaction (batch paths, imports)."""
        return self._open(session, new, self.letters)

    def _open(
        self,
        session: Session,
        new: NewCase,
        letters: LetterIssuer | None,
        admit: Callable[[int], None] | None = None,
    ) -> CaseRecord:
        if new.applicant_type not in ApplicantType.codes():
            raise InvalidInput(
                f"unknown applicant type {new.applicant_type!r}; types: {ApplicantType.known()}"
            )
        if new.channel not in Channel.codes():
            raise InvalidInput(f"unknown channel {new.channel!r}; channels: {Channel.known()}")
        if not new.applicant.strip() or not new.request.strip():
            raise InvalidInput("an application needs the applicant's name and the request text")
        _check_details(new)
        definition = self.registry.for_receipt(new.received_on, new.definition)
        self.check_date(new.received_on, None, definition, "the receipt date")
        check_arrival(new.channel, new.arrived_on, new.received_on)
        if new.arrived_on is not None:
            self.calendar.is_working_day(new.arrived_on)  # refuses an unpublished year
        agency = agency_row(connection_of(session), new.agency)
        if admit is not None:
            admit(agency.id)
        self.registry.register(session, definition, self.clock)
        step = StepInput(on=new.received_on, by=new.by)
        lifecycle = self.registry.lifecycle(definition)
        plan = lifecycle.opening(step, self.calendar)
        facts = lifecycle.opening_facts(step, plan, self.calendar, new.application_details())
        projection = project(UNOPENED, facts, definition, self.clock.today())
        case = self._new_case(session, agency, new, definition, projection)
        values = event_row(case.id, projection, facts, self.clock.now())
        connection = connection_of(session)
        (event_id,) = insert_events(connection, [values])
        ledgers = {clock: tuple(entries) for clock, entries in plan.clock_entries.items()}
        write_clock_changes(
            connection,
            [(case.id, event_id, plan.clock_entries)],
            {case.id: (ledgers, dict.fromkeys(ledgers, new.received_on), definition)},
            self.calendar,
            self.clock.now(),
        )
        if letters is not None and definition.opening.letters:
            event = CaseEventRecord(id=event_id, **values)
            letters.issue(session, case, event, definition.opening.letters, definition)
        return case

    def _new_case(
        self,
        session: Session,
        agency: AgencyRecord,
        new: NewCase,
        definition: WorkflowDefinition,
        projection: CaseProjection,
    ) -> CaseRecord:
        year = new.received_on.year
        pattern = agency.case_number_pattern or definition.settings.case_number_pattern
        connection = connection_of(session)
        while True:  # past any number an import (or an older, overlapping pattern) took
            seq = next_number(session, f"case:{agency.code}:{year}")
            number = format_number(pattern, agency.code, year, seq)
            if not number_taken(connection, number):
                break
        applicant = {"name": new.applicant, "type": new.applicant_type, "contact": new.contact}
        return insert_case(
            connection,
            applicant,
            {
                "number": number,
                "agency_id": agency.id,
                "applicant_type": new.applicant_type,
                "channel": new.channel,
                "received_on": new.received_on,
                "arrived_on": new.arrived_on,
                "request": new.request,
                "handler": None
                if new.unassigned
                else new.handler or (new.by if new.by != "system" else None),
                "definition_id": definition.id,
                "definition_version": definition.version,
                "imported": False,
                **projection.columns(),  # after the opening event, written next
            },
        )

    # -- firing -------------------------------------------------------------------

    def fire(
        self,
        number: str,
        trigger: str,
        step: StepInput,
        *,
        expected_version: int | None = None,
        admit: Callable[[CaseRecord, WorkflowDefinition], StepInput] | None = None,
    ) -> Fired:
        """Fire a trigger on a case in its own transaction (its letters rendered ahead).

        ``admit`` is asked first of the locked case (a caller's scope, the roles its step
        needs: a case it may not see is not found, as one that does not exist) and gives
        the step to take, ``step`` or one amended: checked in the step's own transaction,
        where a read of its own cost a request another."""

        def attempt(session: Session, letters: LetterIssuer | None) -> Fired:
            case = lock_case(session, number)
            given = step
            if admit is not None:
                definition = self.registry.for_case(
                    session, case.definition_id, case.definition_version
                )
                given = admit(case, definition)
            if expected_version is not None and case.version != expected_version:
                raise StaleCase(number)
            return self._fire_many(session, [(case, trigger, given)], letters)[0]

        try:
            agency = partial(self._agency_of, number)  # asked only if its letters need it
            return run_in_attempts(self.database, self.letters, attempt, agency)
        except StaleDataError as exc:
            raise StaleCase(number) from exc
        except ConstraintViolation as exc:
            if exc.constraint != EVENT_SEQUENCE:  # another step took this event's number
                raise
            raise StaleCase(number) from exc

    def fire_in(self, session: Session, case: CaseRecord, trigger: str, step: StepInput) -> Fired:
        """Fire within a caller's transaction (the sweeper's path is the same as a handler's)."""
        return self.fire_many(session, [(case, trigger, step)])[0]

    def fire_many(
        self, session: Session, steps: Sequence[tuple[CaseRecord, str, StepInput]]
    ) -> list[Fired]:
        """Apply many steps, in order, within a caller's transaction (imports, replays).

        Decided one by one in memory, written together: one statement per table.
        """
        return self._fire_many(session, steps, self.letters)

    def _fire_many(
        self,
        session: Session,
        steps: Sequence[tuple[CaseRecord, str, StepInput]],
        letters: LetterIssuer | None,
    ) -> list[Fired]:
        stepper = Stepper(self.registry, self.calendar, self.clock, self.check_date)
        stepper.load(session, [case for case, _, _ in steps])
        fired = []
        for case, trigger, step in steps:
            with case_context(case.number):
                try:
                    fired.append(stepper.apply(case, trigger, step))
                except MissingInputs as refused:
                    raise self._and_letters_needs(session, stepper, case, step, refused) from None
        for work, event in stepper.write(session, self.clock.now()):
            if letters is not None and event.letters:
                with case_context(work.record.number):
                    try:
                        letters.issue(
                            session, work.record, event.as_record(), event.letters, work.definition
                        )
                    except LetterError as error:
                        if not error.missing:
                            raise
                        values = event.values
                        raise letters_refusal(
                            work.definition, work.record.number, values["trigger"],
                            values["from_state"], error.missing,
                        ) from None  # fmt: skip
        return fired

    def _and_letters_needs(
        self,
        session: Session,
        stepper: Stepper,
        case: CaseRecord,
        step: StepInput,
        refused: MissingInputs,
    ) -> MissingInputs:
        """The refusal, naming besides what the step's letters would need: asked of the
        step as if its guards held (the inputs they miss given), recording nothing."""
        given = step.supposing(needed.options[0] for needed in refused.missing)
        supposed = stepper.supposing(case, refused.trigger, given)
        if self.letters is None or supposed is None or not supposed[0].letters:
            return refused
        decision, event = supposed
        definition = stepper.work[case.id].definition
        pending = decision.plan.clock_entries
        needs = self.letters.needs(session, case, event, decision.letters, definition, pending)
        return refused.adding(needs)

    def _agency_of(self, number: str) -> str | None:
        """The code of the agency of case ``number``, for its turn; None when the case is
        not found (the command then says so)."""
        with self.database.reading_rows() as connection:
            return agency_code_of_case(connection, number)

    # -- checks ---------------------------------------------------------------------

    def check_date(
        self,
        on: date,
        last_event_on: date | None,
        definition: WorkflowDefinition,
        what: str = "the step's date (--on)",
    ) -> None:
        today = self.clock.today()
        if on > today:
            raise InvalidInput(f"{what} {on} is in the future (today is {today})")
        window = definition.settings.backdating_window_days
        if on < today - timedelta(days=window):
            raise InvalidInput(
                f"{what} {on} is more than {window} days back; import old cases instead"
            )
        if last_event_on is not None and on < last_event_on:
            raise InvalidInput(f"{what} {on} is before the case's last step ({last_event_on})")
        self.calendar.is_working_day(on)  # refuses a year with no published calendar


def _check_details(new: NewCase) -> None:
    """Art. 29's other contents, when given: a valid identity number, known codes."""
    if new.identity_number:
        kinds = {kind.value: kind for kind in IdentityKind}
        if new.identity_kind not in kinds:
            raise InvalidInput(
                f"unknown identity kind {new.identity_kind!r}; kinds: {', '.join(kinds)}"
            )
        require_identity_number(kinds[new.identity_kind], new.identity_number)
    if new.provision_form and new.provision_form not in ProvisionForm.codes():
        raise InvalidInput(
            f"unknown provision form {new.provision_form!r}; {ProvisionForm.known()}"
        )
    if new.provision_way and new.provision_way not in ProvisionWay.codes():
        raise InvalidInput(f"unknown provision way {new.provision_way!r}; {ProvisionWay.known()}")


def lock_case(session: Session, number: str) -> CaseRecord:
    """The case numbered ``number``, its row held for the rest of the transaction.

    A step locks the row it read (PostgreSQL: ``FOR NO KEY UPDATE``, as the sweeper's
    claim does), so that everything it reads afterwards belongs to the same version of
    the case; SQLite's write lock, taken at BEGIN IMMEDIATE, already gives that. Read
    with one Core statement into a record outside the unit of work: a step needs the
    row's values, and an ORM load would cost a handler's step more than all of its SQL.
    The step writes the row with its own statements.
    """
    case = lock_case_row(connection_of(session), number)
    if case is None:
        raise CaseNotFound(number)
    return case
