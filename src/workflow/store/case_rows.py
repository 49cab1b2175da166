"""A case's row and its event log, as a step reads and writes them.

A step locks the case row, reads the steps so far when a guard needs them, writes the
projection columns it changed (guarded by the version it read) and appends its events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from workflow.store.prepared import Prepared, inserted_ids
from workflow.store.records import CaseRecord, as_loaded
from workflow.store.tables import APPLICANTS, CASE_EVENTS, CASES

PastRow = tuple[str, date, dict[str, Any]]  # trigger, legal date, payload

_EVENT_KEYS = (
    *("case_id", "seq", "trigger", "from_state", "to_state", "occurred_on"),
    *("recorded_at", "actor", "payload", "imported"),
)
_LOCK = Prepared(
    select(CASES).where(CASES.c.number == bindparam("b_number")).with_for_update(key_share=True)
)
_CASE_COLUMNS = tuple(column.key for column in CASES.columns)
_INSERT_EVENT = Prepared(CASE_EVENTS.insert().returning(CASE_EVENTS.c.id), _EVENT_KEYS)
_INSERT_EVENTS = CASE_EVENTS.insert().returning(CASE_EVENTS.c.id, sort_by_parameter_order=True)
_HISTORY = Prepared(
    select(CASE_EVENTS.c.trigger, CASE_EVENTS.c.occurred_on, CASE_EVENTS.c.payload)
    .where(CASE_EVENTS.c.case_id == bindparam("b_case_id"))
    .order_by(CASE_EVENTS.c.seq)
)
_UPDATES: dict[frozenset[str], Prepared] = {}
_INSERT_APPLICANT = Prepared(
    APPLICANTS.insert().returning(APPLICANTS.c.id), ("name", "type", "contact")
)
_NEW_CASE_COLUMNS = tuple(key for key in _CASE_COLUMNS if key != "id")
_INSERT_CASE = Prepared(CASES.insert().returning(CASES.c.id), _NEW_CASE_COLUMNS)
_NUMBER_TAKEN = Prepared(select(CASES.c.id).where(CASES.c.number == bindparam("b_number")))


def lock_case_row(connection: Connection, number: str) -> CaseRecord | None:
    """The case numbered ``number``, its row held for the rest of the transaction
    (PostgreSQL: ``FOR NO KEY UPDATE``; SQLite's write lock, taken at BEGIN IMMEDIATE,
    already holds it), as a record outside the unit of work."""
    rows = _LOCK.rows(connection, {"b_number": number})
    if not rows:
        return None
    return as_loaded(CaseRecord, _CASE_COLUMNS, rows[0])


def number_taken(connection: Connection, number: str) -> bool:
    return bool(_NUMBER_TAKEN.rows(connection, {"b_number": number}))


def insert_case(
    connection: Connection, applicant: dict[str, Any], case: dict[str, Any]
) -> CaseRecord:
    """A new case and its applicant (``case`` without ``applicant_id``, at version 1), as
    a record outside the unit of work: two statements, where the ORM's two flushes cost
    a registration more than its clock entries and event together."""
    ((applicant_id,),) = _INSERT_APPLICANT.rows(connection, applicant)
    values = {**case, "applicant_id": applicant_id, "version": 1}
    ((case_id,),) = _INSERT_CASE.rows(connection, values)
    return as_loaded(
        CaseRecord, _CASE_COLUMNS, [case_id, *(values.get(key) for key in _NEW_CASE_COLUMNS)]
    )


def history(connection: Connection, case_id: int) -> list[PastRow]:
    """The case's steps so far, oldest first."""
    return [
        (trigger, on, payload or {})
        for trigger, on, payload in _HISTORY.rows(connection, {"b_case_id": case_id})
    ]


def insert_events(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Append events (``lifecycle.projection.event_row``); their ids, in order."""
    return inserted_ids(connection, _INSERT_EVENT, _INSERT_EVENTS, rows)


def update_projections(
    connection: Connection, changed: frozenset[str], rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Write the changed projection columns of case rows, each guarded by the version it
    was read at (``b_id``, ``b_version``, ``version`` and the columns). Returns the
    positions of rows whose UPDATE matched nothing (a concurrent change came first); all
    of them when one ``executemany`` cannot say which."""
    statement = _UPDATES.get(changed)
    if statement is None:
        # Only the changed columns: SQLite rewrites every index on an assigned column,
        # even when its value is the same, and a step changes two or three of them.
        statement = _UPDATES[changed] = Prepared(
            update(CASES)
            .where(CASES.c.id == bindparam("b_id"), CASES.c.version == bindparam("b_version"))
            .values({name: bindparam(name) for name in (*sorted(changed), "version")})
        )
    one_by_one = connection.dialect.name == "sqlite" or (
        not connection.dialect.supports_sane_multi_rowcount
    )
    if len(rows) == 1 or one_by_one:
        return [index for index, row in enumerate(rows) if statement.run(connection, row) != 1]
    if statement.run(connection, rows) != len(rows):
        return list(range(len(rows)))
    return []
