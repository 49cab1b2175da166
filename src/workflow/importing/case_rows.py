"""Writing validated past cases: a few executemany statements per chunk of rows.

Primary keys are reserved up front so no statement needs RETURNING (SQLite answers
an ordered RETURNING row by row; on PostgreSQL it makes huge statements), and the ORM
is bypassed (its bulk path inserts row by row here). Each case gets its synthesized
``import`` events: receipt, and closure with its outcome if closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from workflow.cases.verify import IMPORT_TRIGGER
from workflow.clock import Clock
from workflow.definition import WorkflowDefinition
from workflow.definition.model import OUTCOME_FROM_INPUT
from workflow.store.records import AgencyRecord, ApplicantRecord, CaseEventRecord, CaseRecord

CHUNK = 2_000
_APPLICANTS = cast(Table, ApplicantRecord.__table__)
_CASES = cast(Table, CaseRecord.__table__)
_EVENTS = cast(Table, CaseEventRecord.__table__)
Progress = Callable[[int, int], None]  # (rows just written, rows in all)


@dataclass(frozen=True)
class PastCase:
    row: int
    number: str
    agency: str
    applicant_name: str
    applicant_type: str
    channel: str
    received_on: date
    request: str
    closed_on: date | None
    outcome: str | None


def closed_state(definition: WorkflowDefinition) -> str:
    """Where a decision leads: the closed state of the trigger whose outcome is an input
    (its unconditional transition: a decision with no appeal pending)."""
    for trigger in definition.triggers.values():
        if trigger.outcome == OUTCOME_FROM_INPUT:
            for transition in sorted(trigger.transitions, key=lambda t: t.when is not None):
                if transition.dest in definition.states and definition.is_closed(transition.dest):
                    return transition.dest
    return next(name for name, state in definition.states.items() if state.closed)


def write_cases(
    session: Session,
    clock: Clock,
    path: Path,
    cases: list[PastCase],
    agencies: dict[str, AgencyRecord],
    definition: WorkflowDefinition,
    by: str,
    progress: Progress | None,
) -> None:
    now, today = clock.now(), clock.today()
    initial, closed = definition.initial, closed_state(definition)
    connection = session.connection()  # Core executemany: the ORM inserts row by row
    for start in range(0, len(cases), CHUNK):
        chunk = cases[start : start + CHUNK]
        applicant_ids = reserve_ids(connection, _APPLICANTS, len(chunk))
        connection.execute(
            _APPLICANTS.insert(),
            [
                {"id": applicant_id, "name": c.applicant_name, "type": c.applicant_type}
                for c, applicant_id in zip(chunk, applicant_ids, strict=True)
            ],
        )
        case_ids = reserve_ids(connection, _CASES, len(chunk))
        connection.execute(
            _CASES.insert(),
            [
                _case_row(
                    c, case_id, agencies[c.agency].id, applicant_id, definition, today, closed
                )
                for c, case_id, applicant_id in zip(chunk, case_ids, applicant_ids, strict=True)
            ],
        )
        events = []
        for c, case_id in zip(chunk, case_ids, strict=True):
            origin = {"source": path.name, "row": c.row}
            receipt = {"applicant": c.applicant_name, "channel": c.channel, **origin}
            events.append(_event(case_id, 1, None, initial, c.received_on, now, by, receipt))
            if c.closed_on is not None:
                closure = {"outcome": c.outcome, **origin}
                events.append(_event(case_id, 2, initial, closed, c.closed_on, now, by, closure))
        connection.execute(_EVENTS.insert(), events)
        if progress is not None:
            progress(len(chunk), len(cases))


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """Primary keys for rows about to be inserted, so the rows need no RETURNING (which
    SQLite would answer row by row, and which makes huge statements on PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        return list(
            connection.execute(
                select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            ).scalars()
        )
    # SQLite: the write transaction holds the database lock, so max(id) cannot move.
    start = int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    return list(range(start + 1, start + 1 + count))


def _case_row(
    case: PastCase,
    case_id: int,
    agency_id: int,
    applicant_id: int,
    definition: WorkflowDefinition,
    today: date,
    closed_state_name: str,
) -> dict[str, Any]:
    closed = case.closed_on is not None
    return {
        "id": case_id,
        "number": case.number,
        "agency_id": agency_id,
        "applicant_id": applicant_id,
        "applicant_type": case.applicant_type,
        "channel": case.channel,
        "received_on": case.received_on,
        "request": case.request,
        "definition_id": definition.id,
        "definition_version": definition.version,
        "state": closed_state_name if closed else definition.initial,
        "outcome": case.outcome,
        "closed_on": case.closed_on,
        "first_closed_on": case.closed_on,
        "first_outcome": case.outcome,
        "last_event_on": case.closed_on if closed else case.received_on,
        "event_count": 2 if closed else 1,
        "imported": True,
        "version": 1,
        "recorded_on": today,
        "first_closed_recorded_on": today if closed else None,
    }


def _event(
    case_id: int,
    seq: int,
    source: str | None,
    dest: str,
    on: date,
    now: datetime,
    by: str,
    payload: dict[str, Any],
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "seq": seq,
        "trigger": IMPORT_TRIGGER,
        "from_state": source,
        "to_state": dest,
        "occurred_on": on,
        "recorded_at": now,
        "actor": by,
        "payload": payload,
        "imported": True,
    }
