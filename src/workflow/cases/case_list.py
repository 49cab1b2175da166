"""``workflow case list``: the cases a filter selects, each with its most urgent deadline.

Four steps, each of its own kind: select the candidates (SQL, on the clocks
projection), find each one's nearest running deadline (pure), keep those the filter
wants (pure), and only then apply the limit. A clock whose projection has no due date
(flagged, or a year loaded since and not yet recomputed) is derived from its ledger
before it is compared: the limit never counts a case the filter drops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, exists, func, nulls_last, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from workflow.cases.ledger_store import derive_undated
from workflow.cases.next_step import next_step
from workflow.cases.registry import DefinitionRegistry
from workflow.cases.views import CaseList, CaseRow, DeadlineView, outcome_label
from workflow.codes import Channel
from workflow.deadlines import ClockStatus, WorkingCalendar, derive
from workflow.errors import CalendarNotPublished, InvalidInput
from workflow.store.ledgers import load_ledgers_of
from workflow.store.records import AgencyRecord, ApplicantRecord, CaseRecord, ClockRecord

RECEIVED = "received"  # the orders of a list: oldest application first
URGENCY = "urgency"  # the nearest due date first


@dataclass(frozen=True)
class CaseFilter:
    """What ``list_cases`` keeps; every value is compared in SQL as a bound parameter or
    in Python after it, never spliced into a statement."""

    agency: str | None = None
    state: str | None = None
    open_only: bool = False
    due_within: int | None = None  # working days
    overdue: bool = False
    awaiting_calendar: bool = False  # a clock whose due date waits for a calendar year
    limit: int | None = None
    handler: str | None = None
    agency_ids: frozenset[int] | None = None  # only these agencies (a caller's scope)
    text: str | None = None  # in the applicant's name or the request
    channel: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    unassigned: bool = False  # no handler yet
    order: str = RECEIVED  # or URGENCY: the nearest due date first, cases without one last
    offset: int = 0  # a page: the rows after the first ``offset`` the filter keeps


_ClockRow = tuple[int, str, str, date | None]  # case, clock, status, due date


@dataclass(frozen=True)
class _Due:
    """A running clock's due date, or (flagged) only its working days left."""

    clock: str
    due_on: date | None
    remaining: int | None = None  # known for a flagged clock

    def urgency(self) -> tuple[bool, date, int, str]:
        return (self.due_on is None, self.due_on or date.max, self.remaining or 0, self.clock)


def list_cases(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    criteria: CaseFilter,
    as_of: date,
) -> CaseList:
    """The rows of ``workflow case list`` as of ``as_of``, oldest application first (or
    the most urgent first); ``total`` counts every row the filter keeps, before the page."""
    if not calendar.covers(as_of):
        raise CalendarNotPublished(as_of.year)
    _refuse_unknown(session, registry, criteria)
    definitions = registry.definitions()
    windows = sorted({name for d in definitions for name, c in d.clocks.items() if c.window})
    closed = sorted({name for d in definitions for name, s in d.states.items() if s.closed})
    horizon = _horizon(calendar, as_of, criteria.due_within)
    selecting = _select(criteria, windows, closed, horizon, as_of)
    paged = _page_in_sql(session, criteria, selecting, windows)
    if paged is not None:  # ordered and counted by the store: only the page is read
        kept, total = paged
        clocks = _clocks_of(session, kept, windows)
        nearest = _nearest(session, calendar, as_of, clocks)
    else:
        candidates = list(session.scalars(selecting))
        clocks = _clocks_of(session, selecting, windows)
        nearest = _nearest(session, calendar, as_of, clocks)
        kept = [
            case_id
            for case_id in candidates
            if _wanted(nearest.get(case_id), criteria, horizon, as_of)
        ]
        if criteria.order == URGENCY:
            kept.sort(key=lambda case_id: _urgency(nearest.get(case_id)))  # stable: received next
        total = len(kept)
        end = criteria.offset + criteria.limit if criteria.limit else None
        kept = kept[criteria.offset : end]
    ledgers = load_ledgers_of(
        session.connection(), [case_id for case_id in kept if case_id in nearest]
    )
    # a consultation, a correction: shown as paused
    paused = {case_id for case_id, _, status, _ in clocks if status == ClockStatus.PAUSED}
    steps: dict[tuple[tuple[str, int], str, str | None], str | None] = {}
    rows = []
    for case, agency, applicant in _full_rows(session, kept):
        definition = registry.for_case(session, case.definition_id, case.definition_version)
        due = nearest.get(case.id)
        next_due = None
        if due is not None:
            deadline = derive(ledgers[case.id][due.clock], calendar, due.clock)
            next_due = DeadlineView.of(due.clock, deadline, calendar, as_of, definition)
        step_key = (definition.key, case.state, due.clock if due else None)
        if step_key not in steps:
            steps[step_key] = next_step(definition, case.state, due.clock if due else None)
        rows.append(
            CaseRow(
                number=case.number,
                agency=agency,
                applicant=applicant,
                handler=case.handler,
                received_on=case.received_on,
                state=case.state,
                state_label=definition.states[case.state].label,
                open=case.state not in closed,
                outcome=case.outcome,
                outcome_label=outcome_label(definition, case.outcome),
                next_due=next_due,
                request=case.request,
                channel=case.channel,
                paused=case.id in paused,
                next_step=steps[step_key],
            )
        )
    return CaseList(as_of, tuple(rows), total)


def _page_in_sql(
    session: Session, criteria: CaseFilter, candidates: Select[int], windows: list[str]
) -> tuple[list[int], int] | None:
    """A page and the total, ordered by the store, when the store's due dates decide both:
    a page asked for, no filter on the deadline, and no running clock among the candidates
    whose due date waits to be derived (flagged). None: the caller orders in Python."""
    if criteria.limit is None or criteria.overdue or criteria.awaiting_calendar:
        return None
    if criteria.due_within is not None:
        return None
    unordered = candidates.order_by(None)
    undated = (
        select(ClockRecord.case_id)
        .where(
            ClockRecord.status == ClockStatus.RUNNING,
            ClockRecord.due_on.is_(None),
            ClockRecord.name.not_in(windows),
            # Correlated: the store walks the (few) undated clocks, not the candidates.
            unordered.where(CaseRecord.id == ClockRecord.case_id).exists(),
        )
        .limit(1)
    )
    if session.scalar(undated) is not None:
        return None
    total = session.scalar(select(func.count()).select_from(unordered.subquery()))
    query = candidates
    if criteria.order == URGENCY:
        # Each candidate's earliest running due date, read by its key: no grouping of
        # every candidate's clocks before the page is cut. The running clocks are chosen
        # inside the minimum, so that the case is the only column the store can look the
        # clocks up by (without statistics, SQLite would walk every running clock).
        running = and_(ClockRecord.status == ClockStatus.RUNNING, ClockRecord.name.not_in(windows))
        nearest = (
            select(func.min(sql_case((running, ClockRecord.due_on))))
            .where(ClockRecord.case_id == CaseRecord.id)
            .scalar_subquery()
        )
        # NULLS LAST, not "IS NULL" first: the subquery is then evaluated once a row
        query = unordered.order_by(nulls_last(nearest), CaseRecord.received_on, CaseRecord.number)
    page = session.scalars(query.limit(criteria.limit).offset(criteria.offset))
    return list(page), int(total or 0)


def _urgency(due: _Due | None) -> tuple[bool, bool, date, int]:
    if due is None:
        return (True, True, date.max, 0)
    return (False, due.due_on is None, due.due_on or date.max, due.remaining or 0)


def _refuse_unknown(session: Session, registry: DefinitionRegistry, criteria: CaseFilter) -> None:
    """A filter value that names nothing is a typo, not an empty list. The known values
    listed are those of the caller's scope: no agency learns another's handlers."""
    if criteria.state is not None:
        states = {name: s.label for d in registry.definitions() for name, s in d.states.items()}
        if criteria.state not in states:
            known = ", ".join(f"{name} ({label})" for name, label in states.items())
            raise InvalidInput(f"unknown state {criteria.state!r}; states: {known}")
    if criteria.agency is not None:
        agencies = session.scalars(
            select(AgencyRecord.code)
            .where(
                AgencyRecord.id.in_(sorted(criteria.agency_ids))
                if criteria.agency_ids is not None
                else AgencyRecord.id.is_not(None)
            )
            .order_by(AgencyRecord.code)
        ).all()
        if criteria.agency not in agencies:
            known = ", ".join(agencies) or "none (workflow agency add)"
            raise InvalidInput(f"unknown agency {criteria.agency!r}; agencies: {known}")
    if criteria.channel is not None and criteria.channel not in Channel.codes():
        raise InvalidInput(f"unknown channel {criteria.channel!r}; channels: {Channel.known()}")
    if criteria.handler is not None:
        handlers = known_handlers(session, criteria.agency_ids)
        if criteria.handler not in handlers:
            known = ", ".join(h for h in handlers if h) or "none"
            raise InvalidInput(f"no case has handler {criteria.handler!r}; handlers: {known}")


def known_handlers(session: Session, agency_ids: frozenset[int] | None) -> list[str]:
    """The handlers of the cases in these agencies (None: all), by name.

    A loose scan of the handler index: each name found by one seek past the one before
    (a recursive query), and kept if a case of the scope has it, rather than a walk over
    every case that has a handler."""
    first = select(func.min(CaseRecord.handler)).scalar_subquery()
    names = select(first.label("name")).cte("handler_names", recursive=True)
    following = (
        select(func.min(CaseRecord.handler)).where(CaseRecord.handler > names.c.name)
    ).scalar_subquery()
    names = names.union_all(select(following).where(names.c.name.is_not(None)))
    query = select(names.c.name).where(names.c.name.is_not(None))
    if agency_ids is not None:
        query = query.where(
            exists().where(
                CaseRecord.handler == names.c.name,
                CaseRecord.agency_id.in_(sorted(agency_ids)),
            )
        )
    return [name for name in session.scalars(query.order_by(names.c.name)) if name]


def _horizon(calendar: WorkingCalendar, as_of: date, due_within: int | None) -> date | None:
    """The day N WD reach, when the loaded calendar can tell."""
    if due_within is None:
        return None
    try:
        return calendar.add_working_days(as_of, due_within)
    except CalendarNotPublished:
        return None  # past the loaded calendar: compared by the working days left


def _select(
    criteria: CaseFilter,
    windows: list[str],
    closed: list[str],
    horizon: date | None,
    as_of: date,
) -> Select[int]:
    """The candidates' ids, oldest application first: every case the filter may keep (a
    superset, narrowed below); only the page's rows are loaded whole."""
    query = select(CaseRecord.id)
    if criteria.agency:
        query = query.join(AgencyRecord, AgencyRecord.id == CaseRecord.agency_id)
    if criteria.text:
        query = query.join(ApplicantRecord, ApplicantRecord.id == CaseRecord.applicant_id)
    if criteria.agency:
        query = query.where(AgencyRecord.code == criteria.agency)
    if criteria.agency_ids is not None:
        query = query.where(CaseRecord.agency_id.in_(sorted(criteria.agency_ids)))
    if criteria.text:
        escaped = criteria.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                ApplicantRecord.name.like(pattern, escape="\\"),
                CaseRecord.request.like(pattern, escape="\\"),
            )
        )
    if criteria.state:
        query = query.where(CaseRecord.state == criteria.state)
    if criteria.handler:
        query = query.where(CaseRecord.handler == criteria.handler)
    if criteria.unassigned:
        query = query.where(CaseRecord.handler.is_(None))
    if criteria.channel:
        query = query.where(CaseRecord.channel == criteria.channel)
    if criteria.received_from is not None:
        query = query.where(CaseRecord.received_on >= criteria.received_from)
    if criteria.received_to is not None:
        query = query.where(CaseRecord.received_on <= criteria.received_to)
    if criteria.open_only:
        query = query.where(CaseRecord.state.not_in(closed))
    running = and_(
        ClockRecord.case_id == CaseRecord.id,
        ClockRecord.status == ClockStatus.RUNNING,
        ClockRecord.name.not_in(windows),
    )
    undated = ClockRecord.due_on.is_(None)  # derived below: it may have a date by now
    if criteria.overdue:
        query = query.where(exists().where(running, or_(ClockRecord.due_on < as_of, undated)))
    if criteria.due_within is not None:
        within = or_(ClockRecord.due_on <= horizon, undated) if horizon else None
        query = query.where(exists().where(running, *([within] if within is not None else [])))
    if criteria.awaiting_calendar:
        query = query.where(
            exists().where(
                ClockRecord.case_id == CaseRecord.id,
                ClockRecord.status != ClockStatus.STOPPED,
                ClockRecord.name.not_in(windows),
                undated,
            )
        )
    return query.order_by(CaseRecord.received_on, CaseRecord.number)


def _full_rows(session: Session, case_ids: list[int]) -> list[tuple[CaseRecord, str, str]]:
    """The rows of the cases listed (a page: only these are loaded whole), in that order."""
    found: dict[int, tuple[CaseRecord, str, str]] = {}
    for start in range(0, len(case_ids), 500):
        query = (
            select(CaseRecord, AgencyRecord.code, ApplicantRecord.name)
            .join(AgencyRecord, AgencyRecord.id == CaseRecord.agency_id)
            .join(ApplicantRecord, ApplicantRecord.id == CaseRecord.applicant_id)
            .where(CaseRecord.id.in_(case_ids[start : start + 500]))
        )
        for case, agency, applicant in session.execute(query):
            found[case.id] = (case, agency, applicant)
    return [found[case_id] for case_id in case_ids]


def _nearest(
    session: Session,
    calendar: WorkingCalendar,
    as_of: date,
    clocks: list[_ClockRow],
) -> dict[int, _Due]:
    """Each case's most urgent running clock: the earliest due date; a flagged clock
    (due after every loaded day) only when none has a date, the fewest days left first."""
    running = [(case_id, _Due(name, due_on)) for case_id, name, status, due_on in clocks
               if status == ClockStatus.RUNNING]  # fmt: skip
    derived = derive_undated(
        session.connection(),
        calendar,
        [(case_id, due.clock) for case_id, due in running if due.due_on is None],
    )
    nearest: dict[int, _Due] = {}
    for case_id, due in running:
        if due.due_on is None:
            deadline = derived[(case_id, due.clock)]
            due = _Due(due.clock, deadline.due_on, deadline.remaining_workdays(calendar, as_of))
        found = nearest.get(case_id)
        if found is None or due.urgency() < found.urgency():
            nearest[case_id] = due
    return nearest


def _wanted(due: _Due | None, criteria: CaseFilter, horizon: date | None, as_of: date) -> bool:
    if criteria.overdue and (due is None or due.due_on is None or due.due_on >= as_of):
        return False  # a flagged clock is due after every loaded day: never overdue
    if criteria.due_within is not None:
        if due is None:
            return False
        if due.due_on is None:  # flagged: its working days left are exact
            return (due.remaining or 0) <= criteria.due_within
        return horizon is None or due.due_on <= horizon
    return True


def _clocks_of(
    session: Session, cases: Select[int] | list[int], windows: list[str]
) -> list[_ClockRow]:
    """The clocks of these cases but the windows, by case and name: the candidates (a
    subquery) or the ids of a page. Chosen by case alone, the status compared after: with
    a status to compare and no statistics, SQLite walks every running clock by
    ``ix_clocks_status_due`` rather than look the cases up."""
    columns = (ClockRecord.case_id, ClockRecord.name, ClockRecord.status, ClockRecord.due_on)
    chunks = (
        [ClockRecord.case_id.in_(cases.order_by(None).scalar_subquery())]
        if not isinstance(cases, list)
        else [ClockRecord.case_id.in_(cases[i : i + 500]) for i in range(0, len(cases), 500)]
    )
    found: list[_ClockRow] = []
    for chosen in chunks:
        query = select(*columns).where(chosen, ClockRecord.name.not_in(windows))
        found.extend(
            (case_id, name, status, due_on)
            for case_id, name, status, due_on in session.execute(
                query.order_by(ClockRecord.case_id, ClockRecord.name)
            )
        )
    return found
