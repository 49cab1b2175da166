"""The whole store as JSON Lines (``workflow export`` / ``workflow import store``).

The first line names the format and the schema revision; then every table's rows, tables
in dependency order (a row's foreign keys point at rows already written), rows by primary
key: ``{"table": "cases", "row": {...}}``. Dates and instants are ISO 8601 (instants in
China time with their offset: SQLite hands back naive China wall time), bytes are base64.
The same file imports into SQLite or PostgreSQL, so an office can move its store.

An import goes into a new store of the same revision (nothing in it but what ``init``
writes, which the import replaces), in one transaction: a line that does not fit is
reported with its line number and nothing is written. On PostgreSQL the id
sequences are moved past the imported ids, so the next ``case open`` does not collide.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import (
    Column,
    Date,
    LargeBinary,
    Table,
    delete,
    func,
    insert,
    select,
    text,
)

from workflow.clock import CHINA, in_china
from workflow.errors import InvalidInput
from workflow.store import schema
from workflow.store.column_types import Instant
from workflow.store.database import Database
from workflow.store.records import every_table

FORMAT = "workflow-store"
# What `workflow init` writes into a new store (the release's calendar years and their
# audit): an import replaces it with the source store's own.
WRITTEN_BY_INIT = ("calendar_changes", "calendar_years")
BATCH = 500


def tables() -> list[Table]:
    """Every table, referenced before referencing (the staff-access tables included)."""
    return list(every_table().sorted_tables)


def export_lines(database: Database) -> Iterator[str]:
    """The store's lines, header first; each line is one JSON object, no newline."""
    yield _dumps({"format": FORMAT, "revision": schema.current_revision(database)})
    with database.reading() as session:
        for table in tables():
            key = list(table.primary_key.columns)
            for row in session.execute(select(table).order_by(*key)).mappings():
                encoded = {column.name: _encode(column, row[column.name]) for column in table.c}
                yield _dumps({"table": table.name, "row": encoded})


def import_lines(database: Database, lines: Iterable[str]) -> dict[str, int]:
    """Load an export into this empty store; the number of rows per table."""
    numbered = enumerate(lines, 1)
    _check_header(database, next(numbered, (1, "")))
    by_name = {table.name: table for table in tables()}
    counts = dict.fromkeys(by_name, 0)
    with database.transaction() as session:
        for table in by_name.values():
            if table.name in WRITTEN_BY_INIT:
                session.execute(delete(table))
            elif session.scalar(select(func.count()).select_from(table)):
                raise InvalidInput(
                    f"the store is not empty (table {table.name} has rows); "
                    "import into a new store (`workflow --db URL init`)"
                )
        pending: dict[str, list[dict[str, Any]]] = {}
        for number, line in numbered:
            if not line.strip():
                continue
            name, row = _parse(number, line, by_name)
            pending.setdefault(name, []).append(row)
            counts[name] += 1
            if len(pending[name]) >= BATCH:
                session.execute(insert(by_name[name]), pending.pop(name))
        for name, rows in pending.items():
            session.execute(insert(by_name[name]), rows)
        if database.is_postgres:
            _move_sequences(session, by_name.values())
    return counts


def _check_header(database: Database, first: tuple[int, str]) -> None:
    try:
        header = json.loads(first[1])
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput(f"line 1: not a {FORMAT} export (its first line names the format)")
    revision, ours = header.get("revision"), schema.current_revision(database)
    if revision != ours:
        raise InvalidInput(
            f"line 1: the export is of schema revision {revision}, this store is at {ours}; "
            "upgrade the older one with `workflow init` first"
        )


def _parse(number: int, line: str, by_name: dict[str, Table]) -> tuple[str, dict[str, Any]]:
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise InvalidInput(f"line {number}: not JSON ({exc})") from None
    name = item.get("table") if isinstance(item, dict) else None
    row = item.get("row") if isinstance(item, dict) else None
    table = by_name.get(name) if isinstance(name, str) else None
    if table is None or not isinstance(row, dict):
        raise InvalidInput(f'line {number}: expected {{"table": NAME, "row": {{...}}}}')
    unknown = sorted(set(row) - set(table.c.keys()))
    if unknown:
        raise InvalidInput(f"line {number}: {name} has no column {unknown[0]}")
    try:
        return table.name, {key: _decode(table.c[key], value) for key, value in row.items()}
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"line {number}: {name}: {exc}") from None


def _move_sequences(session: Any, imported: Iterable[Table]) -> None:
    for table in imported:
        if "id" not in table.c or not table.c.id.autoincrement:
            continue
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": table.name},
        )


def _encode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, Instant):
        return in_china(value).isoformat()
    if isinstance(column.type, Date):
        return value.isoformat()
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, Instant):
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None:
            raise ValueError(f"{column.name}: {value!r} has no UTC offset")
        return instant.astimezone(CHINA)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value, validate=True)
    return value


def _dumps(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_export(database: Database, out: IO[str]) -> int:
    """Write the export to ``out``; the number of rows written."""
    rows = -1
    for line in export_lines(database):
        out.write(line + "\n")
        rows += 1
    return rows
