"""The context of the letters one step issues, built from the store's records.

Everything comes from rows written in the step's own transaction: the agency's
letterhead, the applicant, the case, the event's inputs and the facts the step stored
with them (``StepFacts``), the outcome as the case's definition describes it, and every
clock's deadline after the step. The facts a letter states are read as the step stored
them, never inferred from the clock entries:

* ``step.days`` / ``step.until``: the period the step set (``StepFacts.period``: for an
  extension the days added, for an automatic lapse the period that lapsed);
* the outcome: the one the step decided (``StepFacts.outcome``), else the case's;
* ``case.corrected_on`` / ``case.correction_notice_on``: the date of the latest step
  that received a corrected application and of the correction notice
  (``StepFacts.corrected_application``, ``correction_requested``; Art. 30);
* ``step.amount`` of a lapse: the fee of the step that started the lapsed clock;
* ``step.appeal_*``: a decision re-made after a reconsideration or a court corrected the
  previous one.

* ``step.payment`` of a fee notice: at the agency's office, at its address (the engine
  takes no payment instructions yet; an agency paid otherwise overrides ``fee_notice.j2``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workflow.deadlines import ClockEntry, Deadline, EntryKind, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.errors import CorruptCase, LetterError
from workflow.letters.context import (
    ApplicantData,
    CaseData,
    DeadlineData,
    LetterContext,
    LetterData,
    LetterheadData,
    OutcomeData,
    StepData,
)
from workflow.letters.record_data import (
    applicant_of,
    case_data,
    given,
    letterhead_of,
    require_remedy_bodies,
)
from workflow.letters.templates import template_name
from workflow.lifecycle import StepInput
from workflow.lifecycle.facts import FACTS_KEY, StepFacts
from workflow.store.database import connection_of
from workflow.store.prepared import Prepared
from workflow.store.records import (
    AgencyRecord,
    AppealRecord,
    ApplicantRecord,
    CaseEventRecord,
    CaseRecord,
    as_loaded,
)
from workflow.store.tables import AGENCIES, APPLICANTS, CASE_EVENTS, CASES, CLOCK_ENTRIES

DECISION = "decision"
# Every letter of a step reads these (each attempt of a handler's command: ``ahead``), so
# they are compiled once and read into records outside the unit of work, as a step's case
# row is (``store.case_rows``): an ORM load cost more than the statements.
_ENTRIES = Prepared(
    select(
        *(CLOCK_ENTRIES.c[name] for name in ("event_id", "clock", "kind", "on", "days")),
        *(CLOCK_ENTRIES.c[name] for name in ("due_on", "reason", "approver")),
    )
    .where(CLOCK_ENTRIES.c.case_id == bindparam("b_case_id"))
    .order_by(CLOCK_ENTRIES.c.clock, CLOCK_ENTRIES.c.seq)
)
_AGENCY_COLUMNS = tuple(column.key for column in AGENCIES.columns)
_APPLICANT_COLUMNS = tuple(column.key for column in APPLICANTS.columns)
_AGENCY_AND_APPLICANT = Prepared(
    select(*AGENCIES.columns, *APPLICANTS.columns)
    .select_from(CASES)
    .join(AGENCIES, AGENCIES.c.id == CASES.c.agency_id)
    .join(APPLICANTS, APPLICANTS.c.id == CASES.c.applicant_id)
    .where(CASES.c.id == bindparam("b_case_id"))
)
_CORRECTIONS = Prepared(
    select(CASE_EVENTS.c.occurred_on, CASE_EVENTS.c.payload)
    .where(CASE_EVENTS.c.case_id == bindparam("b_case_id"), CASE_EVENTS.c.seq <= bindparam("b_seq"))
    .order_by(CASE_EVENTS.c.seq)
)


@dataclass(frozen=True)
class _Entry:
    """One clock entry of the case, with the event that wrote it."""

    event_id: int
    clock: str
    entry: ClockEntry

    @property
    def kind(self) -> EntryKind:
        return self.entry.kind


def letter_kind(definition: WorkflowDefinition, name: str, outcome: str | None) -> str:
    """The template kind of the definition's letter ``name`` (``decision`` for per-outcome ones).

    A definition names a letter's template; the renderer finds a template by kind (and
    outcome), so the two must agree: ``x`` -> ``x.j2``, ``decision/{outcome}``.
    """
    spec = definition.letters.get(name)
    if spec is None:
        raise LetterError(f"the definition has no letter {name!r}")
    per_outcome = "{outcome}" in spec.template
    kind = DECISION if per_outcome else spec.template
    try:
        wanted = spec.template_for(outcome if per_outcome else None) + ".j2"
    except ValueError as error:
        raise LetterError(str(error)) from None
    if template_name(kind, outcome if per_outcome else None) != wanted:
        raise LetterError(
            f"letter {name}: template {spec.template!r} must be a letter kind "
            "(e.g. correction_notice) or decision/{outcome}"
        )
    return kind


class StepLetters:
    """What the store knows of one step, loaded once for every letter the step issues."""

    def __init__(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        definition: WorkflowDefinition,
        calendar: WorkingCalendar,
        pending: Mapping[str, Sequence[ClockEntry]] | None = None,
    ) -> None:
        """``event`` is the step's written event; or, with ``pending`` (the clock entries
        the step would write), one not written (no id): the step as it would be recorded."""
        self.session, self.case, self.event = session, case, event
        self.definition, self.calendar = definition, calendar
        connection = connection_of(session)
        found = _AGENCY_AND_APPLICANT.rows(connection, {"b_case_id": case.id})
        if not found:  # foreign keys make this impossible
            raise CorruptCase(case.number, "its agency or applicant record is missing")
        split = len(_AGENCY_COLUMNS)
        self.agency = as_loaded(AgencyRecord, _AGENCY_COLUMNS, found[0][:split])
        self.applicant = as_loaded(ApplicantRecord, _APPLICANT_COLUMNS, found[0][split:])
        self.facts = StepFacts.of_event(event)
        self.step = StepInput.from_payload(event.occurred_on, event.actor, self.facts.payload)
        # Entries up to this step's: a batch writes several steps before their letters.
        self.clock_rows = tuple(
            _Entry(event_id, clock, ClockEntry(EntryKind(kind), on, days, due_on, reason, approver))
            for event_id, clock, kind, on, days, due_on, reason, approver in _ENTRIES.rows(
                connection, {"b_case_id": case.id}
            )
            if event.id is None or event_id <= event.id
        )
        ledgers: dict[str, list[ClockEntry]] = {}
        for row in self.clock_rows:
            ledgers.setdefault(row.clock, []).append(row.entry)
        for clock, entries in (pending or {}).items():
            ledgers.setdefault(clock, []).extend(entries)
        self.deadlines: dict[str, Deadline] = {
            clock: derive(entries, calendar, clock) for clock, entries in ledgers.items()
        }

    @property
    def issued_on(self) -> date:
        """A letter is dated on the step's legal date."""
        return self.event.occurred_on

    def context(self, name: str, number: str) -> LetterContext:
        """The context of the definition's letter ``name``, numbered ``number``."""
        spec = self.definition.letters[name]
        outcome_code = self._outcome_code()
        kind = letter_kind(self.definition, name, outcome_code)
        if kind == DECISION:
            require_remedy_bodies(self.agency, self.case.number)
        outcome = self._outcome(outcome_code) if kind == DECISION else None
        return LetterContext(
            agency=self._letterhead,
            applicant=self._applicant,
            case=self._case,
            letter=LetterData(kind=kind, title=spec.title, issued_on=self.issued_on, number=number),
            step=self._step_data(with_appeal=kind == DECISION),
            outcome=outcome,
            deadlines=self._deadlines,
        )

    # -- what every letter of the step states alike, built once --------------------------

    @cached_property
    def _letterhead(self) -> LetterheadData:
        return letterhead_of(self.agency)

    @cached_property
    def _applicant(self) -> ApplicantData:
        return applicant_of(self.applicant)

    @cached_property
    def _case(self) -> CaseData:
        return case_data(self.case, *correction_dates(self.session, self.case.id, self.event.seq))

    @cached_property
    def _deadlines(self) -> dict[str, DeadlineData]:
        return {
            clock: DeadlineData(
                deadline.due_on, deadline.length, deadline.extended_by, deadline.awaiting_year
            )
            for clock, deadline in self.deadlines.items()
        }

    # -- derived facts ----------------------------------------------------------------

    def _outcome_code(self) -> str | None:
        """The outcome this step decided, as it stored it; else the case's."""
        return self.facts.outcome if self.facts.outcome is not None else self.case.outcome

    def _outcome(self, code: str | None) -> OutcomeData:
        spec = self.definition.outcomes.get(code or "")
        if spec is None:
            raise LetterError("a decision letter needs the case's outcome", case=self.case.number)
        ground = self.definition.outcomes.get(self.step.ground or "")
        return OutcomeData(
            code=spec.code,
            label=spec.label,
            refusal=spec.refusal,
            basis=spec.basis,
            access=given(self.step.access),
            ground_label=ground.label if ground is not None else None,
            ground_basis=ground.basis if ground is not None else None,
        )

    def _step_data(self, *, with_appeal: bool) -> StepData:
        step = self.step
        period = self.facts.period
        days, until, awaits = (
            (None, None, None)
            if period is None
            else (
                period.days,
                period.last_day,
                period.awaits_year,
            )
        )
        amount = step.amount if step.amount is not None else self._lapsed_fee()
        appeal_kind, appeal_result = self._corrected_appeal() if with_appeal else (None, None)
        return StepData(
            trigger=self.event.trigger,
            occurred_on=self.event.occurred_on,
            reason=given(step.reason),
            days=days if days is not None else step.days,
            until=until if until is not None else step.until,
            until_awaits_year=awaits,
            amount=amount,
            payment=self._payment() if amount is not None else None,
            party=given(step.party),
            contact=given(step.contact),
            note=given(step.note),
            appeal_kind=appeal_kind,
            appeal_result=appeal_result,
        )

    def _lapsed_clock(self) -> str | None:
        trigger = self.definition.triggers.get(self.event.trigger)
        if trigger is None or not trigger.automatic or trigger.clock not in self.deadlines:
            return None
        return trigger.clock

    def _lapsed_fee(self) -> str | None:
        lapsed = self._lapsed_clock()
        starts = [
            row.event_id
            for row in self.clock_rows
            if row.clock == lapsed and row.kind in (EntryKind.START, EntryKind.RESTART)
        ]
        if not starts:
            return None
        # The latest step that stated an amount: the fee notice, not the record of its
        # receipt (which restarts the same clock).
        payloads = self.session.execute(
            select(CaseEventRecord.payload)
            .where(CaseEventRecord.id.in_(starts))
            .order_by(CaseEventRecord.id.desc())
        ).scalars()
        for payload in payloads:
            amount = (payload or {}).get("amount")
            if isinstance(amount, str):
                return amount
        return None

    def _payment(self) -> str:
        address = given(self.agency.address)
        where = f"本机关（{address}）" if address else "本机关"
        return f"持本通知书到{where}办理缴费手续"

    def _corrected_appeal(self) -> tuple[str | None, str | None]:
        """(kind, "corrected") when this decision re-makes one an appeal corrected."""
        appeal = self.session.scalars(
            select(AppealRecord)
            .where(AppealRecord.case_id == self.case.id, AppealRecord.decided_on.is_not(None))
            .order_by(AppealRecord.decided_on.desc(), AppealRecord.id.desc())
            .limit(1)
        ).first()
        if appeal is None or appeal.result != "corrected" or appeal.decided_on is None:
            return None, None
        closed = {name for name, state in self.definition.states.items() if state.closed}
        earlier = self.session.execute(
            select(CaseEventRecord.occurred_on, CaseEventRecord.from_state)
            .where(
                CaseEventRecord.case_id == self.case.id,
                CaseEventRecord.seq < self.event.seq,
                CaseEventRecord.to_state.in_(closed),
            )
            .order_by(CaseEventRecord.seq.desc())
        ).all()
        previous = next((on for on, source in earlier if source not in closed), None)
        if previous is None or previous > appeal.decided_on:
            return None, None  # a decision was already re-made since the appeal
        return appeal.kind, appeal.result


def correction_dates(
    session: Session, case_id: int, up_to_seq: int
) -> tuple[date | None, date | None]:
    """(when the latest corrected application was received, when the correction notice
    was sent) up to event ``up_to_seq``, as the case's steps stored them (Art. 30)."""
    corrected: list[date] = []
    notices: list[date] = []
    rows = _CORRECTIONS.rows(connection_of(session), {"b_case_id": case_id, "b_seq": up_to_seq})
    for occurred_on, payload in rows:
        facts = (payload or {}).get(FACTS_KEY) or {}  # as ``StepFacts.of_event`` reads them
        if facts.get("corrected_application", False):
            corrected.append(occurred_on)
        if facts.get("correction_requested", False):
            notices.append(occurred_on)
    return (max(corrected) if corrected else None, notices[0] if notices else None)
