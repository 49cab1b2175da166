"""The clock ledgers' rows: ``clock_entries`` (the truth) and ``clocks`` (their projection).

One case's ledgers (a handler's step, ``case show``, ``verify``), many cases' (a batch,
recompute, the list), the new entries of the steps and the clocks rows they derive.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Insert, bindparam, select, update
from sqlalchemy.engine import Connection

from workflow.deadlines import ClockEntry, Deadline
from workflow.store.ledger_rows import Ledgers, clock_entry
from workflow.store.prepared import Prepared
from workflow.store.tables import CLOCK_ENTRIES, CLOCKS, upsert

ClockRow = tuple[str, date | None, int, int]  # status, due date, days extended, version

_ENTRY_COLUMNS = (
    CLOCK_ENTRIES.c.clock,
    CLOCK_ENTRIES.c.kind,
    CLOCK_ENTRIES.c.on,
    CLOCK_ENTRIES.c.days,
    CLOCK_ENTRIES.c.due_on,
    CLOCK_ENTRIES.c.reason,
    CLOCK_ENTRIES.c.approver,
)
_ENTRY_KEYS = (
    *("case_id", "event_id", "clock", "seq", "kind"),
    *("on", "days", "due_on", "reason", "approver"),
)
_CLOCK_KEYS = ("case_id", "name", "status", "due_on", "extended_by", "version")

_LOAD = Prepared(
    select(*_ENTRY_COLUMNS)
    .where(CLOCK_ENTRIES.c.case_id == bindparam("b_case_id"))
    .order_by(CLOCK_ENTRIES.c.clock, CLOCK_ENTRIES.c.seq)
)
_LOAD_MANY = (
    select(CLOCK_ENTRIES.c.case_id, *_ENTRY_COLUMNS)
    .where(CLOCK_ENTRIES.c.case_id.in_(bindparam("b_case_ids", expanding=True)))
    .order_by(CLOCK_ENTRIES.c.case_id, CLOCK_ENTRIES.c.clock, CLOCK_ENTRIES.c.seq)
)
_INSERT_ENTRIES = Prepared(CLOCK_ENTRIES.insert(), _ENTRY_KEYS)
_CLOCK_ROWS = select(
    CLOCKS.c.case_id,
    CLOCKS.c.name,
    CLOCKS.c.status,
    CLOCKS.c.due_on,
    CLOCKS.c.extended_by,
    CLOCKS.c.version,
).where(CLOCKS.c.case_id.in_(bindparam("b_case_ids", expanding=True)))
_SET_CLOCK = update(CLOCKS).where(
    CLOCKS.c.case_id == bindparam("b_case_id"), CLOCKS.c.name == bindparam("b_name")
)
_UPSERTS: dict[str, Prepared] = {}  # per dialect


def load_ledgers(connection: Connection, case_id: int) -> Ledgers:
    """One case's ledgers, each clock's entries in order."""
    ledgers: dict[str, list[ClockEntry]] = {}
    for clock, kind, on, days, due_on, reason, approver in _LOAD.rows(
        connection, {"b_case_id": case_id}
    ):
        ledgers.setdefault(clock, []).append(clock_entry(kind, on, days, due_on, reason, approver))
    return {clock: tuple(entries) for clock, entries in ledgers.items()}


def load_ledgers_of(connection: Connection, case_ids: Sequence[int]) -> dict[int, Ledgers]:
    """The ledgers of many cases, in a query per 500 cases."""
    if len(case_ids) == 1:  # a handler's step: the prepared statement
        return {case_ids[0]: load_ledgers(connection, case_ids[0])}
    found: dict[int, dict[str, list[ClockEntry]]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = list(case_ids[start : start + 500])
        for case_id, clock, kind, on, days, due_on, reason, approver in connection.execute(
            _LOAD_MANY, {"b_case_ids": chunk}
        ):
            found.setdefault(case_id, {}).setdefault(clock, []).append(
                clock_entry(kind, on, days, due_on, reason, approver)
            )
    return {
        case_id: {clock: tuple(entries) for clock, entries in ledgers.items()}
        for case_id, ledgers in found.items()
    }


def entry_row(
    case_id: int, event_id: int, clock: str, seq: int, entry: ClockEntry
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "event_id": event_id,
        "clock": clock,
        "seq": seq,
        "kind": entry.kind.value,
        "on": entry.on,
        "days": entry.days,
        "due_on": entry.due_on,
        "reason": entry.reason,
        "approver": entry.approver,
    }


def insert_entries(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        _INSERT_ENTRIES.run(connection, rows)


def clock_row(case_id: int, clock: str, deadline: Deadline) -> dict[str, Any]:
    """The ``clocks`` row of a derived deadline."""
    return {
        "case_id": case_id,
        "name": clock,
        "status": deadline.status.value,
        "due_on": deadline.due_on,
        "extended_by": deadline.extended_by,
        "version": deadline.version,
    }


def write_clocks(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace the ``clocks`` rows (``clock_row``)."""
    if rows:
        _upsert(connection.dialect.name).run(connection, rows)


def clock_rows_of(
    connection: Connection, case_ids: Sequence[int]
) -> dict[int, dict[str, ClockRow]]:
    """Each case's ``clocks`` rows by clock name."""
    rows: dict[int, dict[str, ClockRow]] = {}
    if not case_ids:
        return rows
    for case_id, name, status, due_on, extended_by, version in connection.execute(
        _CLOCK_ROWS, {"b_case_ids": list(case_ids)}
    ):
        rows.setdefault(case_id, {})[name] = (status, due_on, extended_by, version)
    return rows


def set_clock(connection: Connection, case_id: int, name: str, deadline: Deadline) -> None:
    """Set one ``clocks`` row to a derived deadline (the row exists)."""
    values = clock_row(case_id, name, deadline)
    del values["case_id"], values["name"]
    connection.execute(_SET_CLOCK.values(values), {"b_case_id": case_id, "b_name": name})


def _upsert(dialect: str) -> Prepared:
    """INSERT ... ON CONFLICT (case_id, name) DO UPDATE, built once per dialect."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        kept = ("status", "due_on", "extended_by", "version")
        insert: Insert = upsert(
            dialect,
            CLOCKS,
            ("case_id", "name"),
            lambda excluded: {name: excluded[name] for name in kept},
        )
        statement = _UPSERTS[dialect] = Prepared(insert, _CLOCK_KEYS)
    return statement
