"""The statements of a handler's step, compiled once and sent straight to SQLite's driver.

Profiled (README, "where the time went"), SQLAlchemy's execution of a statement (the
compiled-cache lookup, the execution context, parameter and result processing, the
result object) cost a step more than the statements' own I/O. A ``Prepared`` statement
is a Core statement compiled once per dialect. On SQLite it runs on the driver's cursor,
its parameters and results passed through the column types' own bind and result
processors, so every value is written and read exactly as ``Connection.execute`` would
write and read it; ``before_cursor_execute`` listeners still see each statement, and a
driver error is raised as SQLAlchemy's ``DBAPIError``, which ``Database.translated``
turns into the error tree. On PostgreSQL a step is bound by its round trips, and the
statement goes through ``Connection.execute``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None
Params = Mapping[str, Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # name, default value, bind processor, whether it leaves None as it is
    binds: tuple[tuple[str, Any, Processor, bool], ...]
    results: tuple[Processor, ...]  # per result column

    def parameters(self, params: Params) -> tuple[Any, ...]:
        values = []
        for name, default, process, keeps_none in self.binds:
            value = params.get(name, default)
            if process is None or (value is None and keeps_none):
                values.append(value)
            else:
                values.append(process(value))
        return tuple(values)

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None or value is None else process(value)
            for value, process in zip(raw, self.results, strict=True)
        )


class Prepared:
    """A Core statement, compiled for SQLite's driver the first time it runs there."""

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self._column_keys = list(column_keys) if column_keys is not None else None
        self._sqlite: _Compiled | None = None

    def rows(self, connection: Connection, params: Params) -> list[tuple[Any, ...]]:
        """Run once; the rows it returns (a SELECT, or a DML statement's RETURNING)."""
        compiled = self._compiled(connection)
        if compiled is None:
            return [tuple(row) for row in connection.execute(self.statement, dict(params))]
        cursor = _run(connection, compiled.sql, compiled.parameters(params), many=False)
        return [compiled.row(raw) for raw in cursor.fetchall()]

    def run(self, connection: Connection, params: Params | Sequence[Params]) -> int:
        """Run once per parameter set (one ``executemany``); the rows it changed."""
        compiled = self._compiled(connection)
        if compiled is None:
            if isinstance(params, Mapping):
                return int(connection.execute(self.statement, dict(params)).rowcount)
            return int(connection.execute(self.statement, [dict(p) for p in params]).rowcount)
        if isinstance(params, Mapping):
            values: Any = compiled.parameters(params)
            many = False
        else:
            values = [compiled.parameters(p) for p in params]
            many = len(values) != 1
            if not many:
                values = values[0]  # one row as plain parameters: cheaper than executemany
        return int(_run(connection, compiled.sql, values, many=many).rowcount)

    def _compiled(self, connection: Connection) -> _Compiled | None:
        dialect = connection.dialect
        if dialect.name != "sqlite":
            return None
        if self._sqlite is None:
            self._sqlite = _compile(self.statement, dialect, self._column_keys)
        return self._sqlite


def inserted_ids(
    connection: Connection, one: Prepared, many: Executable, rows: Sequence[Params]
) -> list[int]:
    """Insert ``rows``; their ids, in order. ``one`` inserts a row and returns its id;
    ``many`` is the same INSERT with ``RETURNING`` sorted by parameter order, for one
    ``executemany`` where the driver is not SQLite's (there a row is a few µs)."""
    if len(rows) == 1 or connection.dialect.name == "sqlite":
        return [int(one.rows(connection, row)[0][0]) for row in rows]
    return [int(i) for i in connection.execute(many, [dict(row) for row in rows]).scalars()]


def _compile(statement: Executable, dialect: Dialect, column_keys: list[str] | None) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=column_keys)  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler)
    assert compiled.positiontup is not None
    binds = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        # A processor that keeps None is skipped for None (JSON's None is the value null).
        keeps_none = process is None or process(None) is None
        binds.append((bind.key, None if bind.callable else bind.value, process, keeps_none))
    columns = getattr(statement, "exported_columns", ())
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    return _Compiled(compiled.string, tuple(binds), results)


def _run(connection: Connection, sql: str, params: Any, *, many: bool) -> Any:
    for listener in connection.dispatch.before_cursor_execute:
        sql, params = listener(connection, None, sql, params, None, many)
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        return driver.executemany(sql, params) if many else driver.execute(sql, params)
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            sql, params, error, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from error
