"""Reads written as plain SQL, run through SQLAlchemy or, on SQLite, through the standard
library's driver alone.

A command that only reads a case (``case show``) spent most of its start-up importing
SQLAlchemy and its SQLite dialect (60 % of the instructions, measured). Its reads are
written as SQL text with ``:name`` parameters, which SQLAlchemy's ``text()`` and
``sqlite3`` both take, and run on a ``Rows``: ``CoreRows`` wraps a Core connection (any
store, inside any unit of work), ``SqliteRows`` a read-only ``sqlite3`` connection of its
own (``sqlite_rows``), which imports nothing of SQLAlchemy.

Values come back as the driver gives them: psycopg decodes dates, times and JSON, SQLite
returns them as the text SQLAlchemy's types wrote. ``day``, ``moment`` and ``document``
read either form, so a reader's result does not depend on the path it took.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast, overload
from urllib.parse import quote

from workflow.clock import in_china
from workflow.errors import CorruptData, StoreUnavailable
from workflow.store.driver_errors import classify

if TYPE_CHECKING:
    from sqlalchemy import Connection, TextClause
    from sqlalchemy.orm import Session

Row = tuple[Any, ...]
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps


class Rows(Protocol):
    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """The rows of one statement, each a tuple in the statement's column order."""
        ...


class CoreRows:
    """The statements run on a Core connection, in its transaction: as ``text()`` on
    PostgreSQL; on SQLite, once the transaction has begun, straight on the driver's cursor
    (``prepared.on_driver``), whose ``:name`` parameters are the driver's own and whose
    rows are what ``text()`` gives there (no column types to apply), without SQLAlchemy's
    cost of executing a statement."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.on_sqlite = connection.dialect.name == "sqlite"

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        if self.on_sqlite and self.connection.in_transaction():  # else ``execute`` begins it
            from workflow.store.prepared import on_driver

            rows: list[Row] = on_driver(self.connection, sql, dict(params or {})).fetchall()
            return rows
        return [tuple(row) for row in self.connection.execute(_text(sql), dict(params or {}))]


class SqliteRows:
    """The statements run on a ``sqlite3`` connection, in one read transaction."""

    def __init__(self, connection: sqlite3.Connection, lock_wait: float) -> None:
        self.connection = connection
        self.lock_wait = lock_wait

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            return self.connection.execute(sql, dict(params or {})).fetchall()
        except sqlite3.Error as error:
            raise classify(error, self.lock_wait) from error


def rows_of(reader: Rows | Session | Connection) -> Rows:
    """A ``Rows`` on what a caller holds: itself, or a session's or connection's."""
    if isinstance(reader, CoreRows | SqliteRows):
        return reader
    from sqlalchemy import Connection

    if isinstance(reader, Connection):
        return CoreRows(reader)
    return CoreRows(cast("Session", reader).connection())


def one(rows: Rows, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
    """The one row of a statement that finds at most one, or None."""
    found = rows.all(sql, params)
    return found[0] if found else None


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///FILE`` URL; None for any other URL (another
    driver, options, an in-memory store), which goes through SQLAlchemy."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


@contextmanager
def sqlite_rows(path: Path, lock_wait: float) -> Iterator[SqliteRows]:
    """A read-only unit of work on a SQLite store's file, by ``sqlite3`` alone: one
    transaction, so its statements see one state of the store (WAL: beside a writer)."""
    try:
        # mode=rw: a missing file is an error, not a new empty store.
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode=rw", uri=True, timeout=lock_wait,
            isolation_level=None, check_same_thread=False,
        )  # fmt: skip
    except sqlite3.Error as error:
        raise StoreUnavailable(f"the store {path} cannot be opened ({error})") from error
    try:
        rows = SqliteRows(connection, lock_wait)
        try:
            connection.execute("PRAGMA query_only=ON")
            connection.execute("BEGIN")
        except sqlite3.Error as error:
            raise classify(error, lock_wait) from error
        yield rows
    finally:
        connection.close()  # a read transaction: closing ends it


def sqlite_revision(rows: Rows) -> str | None:
    """The schema revision of a SQLite store, None before ``workflow init``."""
    if not rows.all("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name",
                    {"name": VERSION_TABLE}):  # fmt: skip
        return None
    return only_revision([str(r) for (r,) in rows.all(f"SELECT version_num FROM {VERSION_TABLE}")])


def only_revision(revisions: list[str]) -> str | None:
    """The one revision a store names (the migrations are one line: one head)."""
    if len(revisions) > 1:
        raise CorruptData(f"the store's {VERSION_TABLE} names several revisions: "
                          + ", ".join(revisions))  # fmt: skip
    return revisions[0] if revisions else None


@overload
def day(value: date | str) -> date: ...
@overload
def day(value: None) -> None: ...
def day(value: date | str | None) -> date | None:
    """A ``Date`` column's value: psycopg's date, or SQLite's ISO text."""
    if value is None or type(value) is date:
        return value
    return date.fromisoformat(value)  # type: ignore[arg-type]


@overload
def moment(value: datetime | str) -> datetime: ...
@overload
def moment(value: None) -> None: ...
def moment(value: datetime | str | None) -> datetime | None:
    """A ``DateTime`` column's value in China time, as ``Instant`` reads it: psycopg's, or
    SQLite's text (China wall time without its offset)."""
    if value is None:
        return None
    return in_china(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def document(value: Any) -> Any:
    """A ``JSON`` column holding an object or array: psycopg's value, or SQLite's text."""
    return json.loads(value) if isinstance(value, str | bytes) else value


_TEXTS: dict[str, TextClause] = {}


def _text(sql: str) -> TextClause:
    clause = _TEXTS.get(sql)
    if clause is None:
        from sqlalchemy import text

        clause = _TEXTS[sql] = text(sql)
    return clause
