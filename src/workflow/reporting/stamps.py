"""The as-of columns, caught up from the event log before a report.

``cases.recorded_on`` / ``first_closed_recorded_on`` and ``appeals.filed_recorded_on`` /
``decided_recorded_on`` are the China dates on which the store learned of a case, of its
first closure and of an appeal's filing and result. They are a projection of the
events' ``recorded_at``, kept in the rows so the annual GROUP BY reads no events. Writers
need not know of them: imports set them, and before each report ``catch_up`` fills every
one still empty from the events (few rows: those changed since the last report).

- a case: its first event; its first closure: its first event into a closed state
  (a definition reaches a closed state only with an outcome);
- an appeal: the event that filed it (a trigger with ``file_appeal``, dated its filing)
  and the one that decided it (``resolve_appeal``, dated its decision).

A row whose event cannot be found (written outside the engine) takes its case's latest
recorded event: known at least since then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from workflow.clock import china_date
from workflow.definition import WorkflowDefinition
from workflow.reporting.table3 import Definitions
from workflow.store.database import Database
from workflow.store.records import AppealRecord, CaseEventRecord, CaseRecord
from workflow.store.tables import APPEALS, CASES

C, A, E = CaseRecord, AppealRecord, CaseEventRecord
BATCH = 500


def catch_up(database: Database, definitions: Definitions) -> int:
    """Stamp every row still missing a recorded date; returns the number of cases touched."""
    with database.reading() as session:
        case_ids = set(
            session.scalars(
                select(C.id).where(
                    or_(
                        C.recorded_on.is_(None),
                        and_(C.first_closed_recorded_on.is_(None), C.first_closed_on.is_not(None)),
                    )
                )
            )
        )
        case_ids.update(
            session.scalars(
                select(A.case_id).where(
                    or_(
                        A.filed_recorded_on.is_(None),
                        and_(A.decided_recorded_on.is_(None), A.result.is_not(None)),
                    )
                )
            )
        )
    if not case_ids:
        return 0
    ordered = sorted(case_ids)
    with database.transaction() as session:
        for start in range(0, len(ordered), BATCH):
            _stamp(session, definitions, ordered[start : start + BATCH])
    return len(ordered)


def _stamp(session: Session, definitions: Definitions, case_ids: list[int]) -> None:
    events: dict[int, list[Any]] = defaultdict(list)
    for event in session.execute(
        select(E.case_id, E.trigger, E.to_state, E.occurred_on, E.recorded_at)
        .where(E.case_id.in_(case_ids))
        .order_by(E.case_id, E.seq)
    ):
        events[event.case_id].append(event)
    appeals: dict[int, list[AppealRecord]] = defaultdict(list)
    for appeal in session.scalars(
        select(A).where(A.case_id.in_(case_ids)).order_by(A.case_id, A.id)
    ):
        appeals[appeal.case_id].append(appeal)
    case_rows, appeal_rows = [], []
    for case in session.execute(
        select(
            C.id,
            C.definition_id,
            C.definition_version,
            C.first_closed_on,
            C.recorded_on,
            C.first_closed_recorded_on,
        ).where(C.id.in_(case_ids))
    ):
        history = events.get(case.id, [])
        if not history:
            continue  # no event to learn from
        definition = definitions.for_case(session, case.definition_id, case.definition_version)
        latest = china_date(history[-1].recorded_at)
        closed = {name for name, state in definition.states.items() if state.closed}
        closing = next((e for e in history if e.to_state in closed), None)
        case_rows.append(
            {
                "b_id": case.id,
                "recorded": china_date(history[0].recorded_at),
                "closed": (china_date(closing.recorded_at) if closing else latest)
                if case.first_closed_on is not None
                else None,
            }
        )
        appeal_rows.extend(_appeal_stamps(definition, history, appeals.get(case.id, []), latest))
    cases = CASES
    if case_rows:
        session.execute(
            update(cases)
            .where(cases.c.id == bindparam("b_id"))
            .values(
                recorded_on=func.coalesce(cases.c.recorded_on, bindparam("recorded")),
                first_closed_recorded_on=func.coalesce(
                    cases.c.first_closed_recorded_on, bindparam("closed")
                ),
            ),
            case_rows,
        )
    table = APPEALS
    if appeal_rows:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                filed_recorded_on=func.coalesce(table.c.filed_recorded_on, bindparam("filed")),
                decided_recorded_on=func.coalesce(
                    table.c.decided_recorded_on, bindparam("decided")
                ),
            ),
            appeal_rows,
        )


def _triggers_with(definition: WorkflowDefinition, effect: str) -> set[str]:
    return {
        name
        for name, trigger in definition.triggers.items()
        if any(spec.name == effect for spec in trigger.effects)
    }


def _appeal_stamps(
    definition: WorkflowDefinition,
    history: list[Any],
    appeals: Iterable[AppealRecord],
    latest: date,
) -> list[dict[str, Any]]:
    filing, ruling = (
        _triggers_with(definition, name) for name in ("file_appeal", "resolve_appeal")
    )
    filings = [e for e in history if e.trigger in filing]
    rulings = [e for e in history if e.trigger in ruling]
    rows = []
    for appeal in appeals:
        filed = _take(filings, appeal.filed_on) if not appeal.imported else None
        decided = _take(rulings, appeal.decided_on) if appeal.result is not None else None
        rows.append(
            {
                "b_id": appeal.id,
                "filed": filed or latest,
                "decided": (decided or latest) if appeal.result is not None else None,
            }
        )
    return rows


def _take(steps: list[Any], on: date | None) -> date | None:
    """The recorded date of the first unused step dated ``on`` (and use it up)."""
    for index, step in enumerate(steps):
        if step.occurred_on == on:
            del steps[index]
            return china_date(step.recorded_at)
    return None
