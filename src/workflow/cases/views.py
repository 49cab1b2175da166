"""What a handler sees of a case, as of a date: state, deadlines with explanations, history.

"Overdue" is derived here from the ledger and the calendar, never stored. A clock
whose due date waits for a calendar year (flagged) shows ``due_on`` null and the
year in ``awaiting_calendar_year``; its working days left are exact all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from workflow.cases.ledger_store import derive_undated, load_ledgers
from workflow.cases.registry import DefinitionRegistry
from workflow.cases.service import find_case
from workflow.deadlines import ClockStatus, Deadline, WorkingCalendar, derive
from workflow.definition import WorkflowDefinition
from workflow.errors import CalendarNotPublished
from workflow.store.records import (
    AgencyRecord,
    AppealRecord,
    ApplicantRecord,
    CaseEventRecord,
    CaseRecord,
    ClockRecord,
)


def deadline_view(
    definition: WorkflowDefinition,
    clock: str,
    deadline: Deadline,
    calendar: WorkingCalendar,
    as_of: date,
) -> dict[str, Any]:
    spec = definition.clocks[clock]
    window = spec.window
    overdue = 0 if window else deadline.overdue_workdays(calendar, as_of)
    return {
        "label": spec.label,
        "basis": spec.basis,
        "due_on": deadline.due_on.isoformat() if deadline.due_on else None,
        "status": deadline.status.value,
        "running": deadline.running,
        "window": window,
        "remaining_workdays": deadline.remaining_workdays(calendar, as_of),
        "overdue_workdays": overdue,
        "extended_by": deadline.extended_by,
        "version": deadline.version,
        "explanation": deadline.explanation,
        "awaiting_calendar_year": deadline.awaiting_year,
    }


def show_case(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    number: str,
    as_of: date,
) -> dict[str, Any]:
    """The JSON form of ``workflow case show`` (documented in the README)."""
    case = find_case(session, number)
    definition = registry.for_case(session, case.definition_id, case.definition_version)
    agency = session.get(AgencyRecord, case.agency_id)
    applicant = session.get(ApplicantRecord, case.applicant_id)
    assert agency is not None
    assert applicant is not None
    ledgers = load_ledgers(session, case.id)
    deadlines = {
        clock: deadline_view(definition, clock, derive(entries, calendar, clock), calendar, as_of)
        for clock, entries in ledgers.items()
    }
    events = session.scalars(
        select(CaseEventRecord)
        .where(CaseEventRecord.case_id == case.id)
        .order_by(CaseEventRecord.seq)
    )
    appeals = session.scalars(
        select(AppealRecord).where(AppealRecord.case_id == case.id).order_by(AppealRecord.id)
    )
    lifecycle = registry.lifecycle(definition)
    return {
        "number": case.number,
        "agency": agency.code,
        "agency_name": agency.name,
        "applicant": {"name": applicant.name, "type": applicant.type, "contact": applicant.contact},
        "channel": case.channel,
        "received_on": case.received_on.isoformat(),
        "request": case.request,
        "handler": case.handler,
        "state": case.state,
        "state_label": definition.states[case.state].label,
        "open": not definition.is_closed(case.state),
        "outcome": case.outcome,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "definition": {"id": case.definition_id, "version": case.definition_version},
        "version": case.version,
        "as_of": as_of.isoformat(),
        "deadlines": deadlines,
        "allowed_triggers": lifecycle.allowed_triggers(case.state),
        "events": [
            {
                "seq": event.seq,
                "trigger": event.trigger,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "occurred_on": event.occurred_on.isoformat(),
                "recorded_at": event.recorded_at.isoformat(),
                "actor": event.actor,
                "payload": event.payload,
                "imported": event.imported,
            }
            for event in events
        ],
        "appeals": [
            {
                "kind": appeal.kind,
                "filed_on": appeal.filed_on.isoformat(),
                "result": appeal.result,
                "decided_on": appeal.decided_on.isoformat() if appeal.decided_on else None,
            }
            for appeal in appeals
        ],
    }


@dataclass(frozen=True)
class CaseFilter:
    agency: str | None = None
    state: str | None = None
    open_only: bool = False
    due_within: int | None = None  # working days
    overdue: bool = False
    awaiting_calendar: bool = False  # a clock whose due date waits for a calendar year
    limit: int | None = None
    agency_ids: frozenset[int] | None = None  # only these agencies (a caller's scope)
    text: str | None = None  # in the applicant's name or the request


def list_cases(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    criteria: CaseFilter,
    as_of: date,
) -> list[dict[str, Any]]:
    """Rows of ``workflow case list``: each case with its most urgent running clock."""
    closed_states = sorted(
        {name for d in registry.definitions() for name, s in d.states.items() if s.closed}
    )
    windows = sorted(
        {name for d in registry.definitions() for name, c in d.clocks.items() if c.window}
    )
    query = (
        select(CaseRecord, AgencyRecord.code, ApplicantRecord.name)
        .join(AgencyRecord, AgencyRecord.id == CaseRecord.agency_id)
        .join(ApplicantRecord, ApplicantRecord.id == CaseRecord.applicant_id)
    )
    if criteria.agency:
        query = query.where(AgencyRecord.code == criteria.agency)
    if criteria.agency_ids is not None:
        query = query.where(CaseRecord.agency_id.in_(sorted(criteria.agency_ids)))
    if criteria.text:
        pattern = (
            "%" + criteria.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(
            or_(
                ApplicantRecord.name.like(pattern, escape="\\"),
                CaseRecord.request.like(pattern, escape="\\"),
            )
        )
    if criteria.state:
        query = query.where(CaseRecord.state == criteria.state)
    if criteria.open_only:
        query = query.where(CaseRecord.state.not_in(closed_states))
    running = and_(
        ClockRecord.case_id == CaseRecord.id,
        ClockRecord.status == ClockStatus.RUNNING,
        ClockRecord.name.not_in(windows),
    )
    if not calendar.covers(as_of):
        raise CalendarNotPublished(as_of.year)
    if criteria.overdue:  # a flagged clock is due after every loaded day: never overdue
        query = query.where(exists().where(running, ClockRecord.due_on < as_of))
    horizon: date | None = None  # the day N WD reach, when the loaded calendar can tell
    if criteria.due_within is not None:
        try:
            horizon = calendar.add_working_days(as_of, criteria.due_within)
            # a clock the projection has no date for is derived below, like a flagged one
            query = query.where(
                exists().where(
                    running, or_(ClockRecord.due_on <= horizon, ClockRecord.due_on.is_(None))
                )
            )
        except CalendarNotPublished:
            # N WD run past the loaded calendar: every known due date is within them, and
            # a flagged one is when its working days left (exact) are N or fewer (below)
            query = query.where(exists().where(running))
    if criteria.awaiting_calendar:
        query = query.where(
            exists().where(
                ClockRecord.case_id == CaseRecord.id,
                ClockRecord.status != ClockStatus.STOPPED,
                ClockRecord.name.not_in(windows),
                ClockRecord.due_on.is_(None),
            )
        )
    query = query.order_by(CaseRecord.received_on, CaseRecord.number)
    if criteria.limit:
        query = query.limit(criteria.limit)
    rows = session.execute(query).all()
    clocks = _running_clocks(session, [case.id for case, _, _ in rows], windows)
    flagged = derive_undated(
        session, calendar, [(case_id, n) for case_id, (n, due) in clocks.items() if due is None]
    )
    result: list[dict[str, Any]] = []
    for case, agency_code, applicant in rows:
        nearest = clocks.get(case.id)
        entry: dict[str, Any] = {
            "number": case.number,
            "agency": agency_code,
            "applicant": applicant,
            "received_on": case.received_on.isoformat(),
            "state": case.state,
            "open": case.state not in closed_states,
            "outcome": case.outcome,
            "next_due": None,
        }
        clock, due = nearest if nearest is not None else ("", None)
        if due is not None and horizon is not None and due > horizon:
            continue  # listed for a clock the projection has no date for, which is not due
        if due is not None:
            left = calendar.working_days_between(as_of, due)
            entry["next_due"] = {
                "clock": clock,
                "due_on": due.isoformat(),
                "remaining_workdays": max(0, left),
                "overdue_workdays": max(0, -left),
                "awaiting_calendar_year": None,
            }
        elif nearest is not None:
            # No date in the projection: derived now, it may have one (a year loaded since,
            # not yet recomputed); if not, only the working days left are known.
            deadline = flagged[(case.id, clock)]
            left = deadline.remaining_workdays(calendar, as_of)
            if criteria.due_within is not None and not (
                left <= criteria.due_within
                if deadline.due_on is None
                else horizon is None or deadline.due_on <= horizon
            ):
                continue
            entry["next_due"] = {
                "clock": clock,
                "due_on": deadline.due_on.isoformat() if deadline.due_on else None,
                "remaining_workdays": left,
                "overdue_workdays": deadline.overdue_workdays(calendar, as_of),
                "awaiting_calendar_year": deadline.awaiting_year,
            }
        result.append(entry)
    return result


def _running_clocks(
    session: Session, case_ids: list[int], windows: list[str]
) -> dict[int, tuple[str, date | None]]:
    """Each case's most urgent running clock: the earliest due date, else a flagged one
    (its due date lies after every loaded day)."""
    nearest: dict[int, tuple[str, date | None]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        rows = session.execute(
            select(ClockRecord.case_id, ClockRecord.name, ClockRecord.due_on)
            .where(
                ClockRecord.case_id.in_(chunk),
                ClockRecord.status == ClockStatus.RUNNING,
                ClockRecord.name.not_in(windows),
            )
            .order_by(ClockRecord.case_id, ClockRecord.name)
        )
        for case_id, name, due in rows:
            found = nearest.get(case_id)
            if found is None or (due is not None and (found[1] is None or due < found[1])):
                nearest[case_id] = (name, due)
    return nearest
