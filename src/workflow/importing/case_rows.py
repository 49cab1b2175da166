"""Writing validated past cases: a few executemany statements per chunk of rows.

Primary keys are reserved up front so no statement needs RETURNING (SQLite answers
an ordered RETURNING row by row; on PostgreSQL it makes huge statements), and the ORM
is bypassed (its bulk path inserts row by row here). Each case gets its synthesized
``import`` events: receipt, and closure with its outcome if closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from workflow.clock import Clock
from workflow.definition import WorkflowDefinition
from workflow.errors import ImportRejected
from workflow.lifecycle.facts import StepFacts
from workflow.lifecycle.projection import IMPORT_TRIGGER, UNOPENED, event_row, project
from workflow.store.records import AgencyRecord
from workflow.store.tables import APPLICANTS, CASE_EVENTS, CASES

CHUNK = 2_000
_APPLICANTS = APPLICANTS
_CASES = CASES
_EVENTS = CASE_EVENTS
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
    """Where a past closed case is put, as the definition names it (``imports.closed``)."""
    if definition.imports.closed is None:
        raise ImportRejected(
            definition.path, [(1, "closed_on", "the definition names no `imports: closed` state")]
        )
    return definition.imports.closed


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
        rows, events = [], []
        for c, case_id, applicant_id in zip(chunk, case_ids, applicant_ids, strict=True):
            projection = UNOPENED
            for facts in _facts(c, path, by, initial, closed):
                projection = project(projection, facts, definition, today)
                events.append(event_row(case_id, projection, facts, now))
            rows.append(
                {
                    **_case_row(c, case_id, agencies[c.agency].id, applicant_id, definition),
                    **projection.columns(),
                }
            )
        connection.execute(_CASES.insert(), rows)
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


def _facts(case: PastCase, path: Path, by: str, initial: str, closed: str) -> list[StepFacts]:
    """A past case's synthesized steps: its receipt, and its closure if it is closed."""
    origin = {"source": path.name, "row": case.row}
    steps = [
        StepFacts(
            trigger=IMPORT_TRIGGER,
            on=case.received_on,
            by=by,
            source=None,
            dest=initial,
            payload={"applicant": case.applicant_name, "channel": case.channel, **origin},
            imported=True,
        )
    ]
    if case.closed_on is not None:
        steps.append(
            StepFacts(
                trigger=IMPORT_TRIGGER,
                on=case.closed_on,
                by=by,
                source=initial,
                dest=closed,
                outcome=case.outcome,
                payload=origin,
                imported=True,
            )
        )
    return steps


def _case_row(
    case: PastCase,
    case_id: int,
    agency_id: int,
    applicant_id: int,
    definition: WorkflowDefinition,
) -> dict[str, Any]:
    """The columns of a past case's row that its events do not determine."""
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
        "imported": True,
        "version": 1,
    }
