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
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

from workflow.store.column_types import Bounded

Params = Mapping[str, Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    keys: tuple[str, ...]  # each positional parameter's name
    take: Callable[[Params], Sequence[Any]]  # their values in order (``itemgetter``: in C)
    defaults: dict[str, Any]  # the values of parameters the statement gives (``values(x=…)``)
    # A bind processor by position, and what it writes for None.
    processed: tuple[tuple[int, Callable[[Any], Any], Any], ...]
    # A ``Bounded`` value by position: its length, and the processor that refuses it.
    bounded: tuple[tuple[int, int, Callable[[Any], Any]], ...]
    # A date by position, and its processor: one that writes a date as its ISO form.
    dated: tuple[tuple[int, Callable[[Any], Any]], ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # a result processor by column

    def parameters(self, params: Params) -> list[Any]:
        if self.defaults:
            params = {**self.defaults, **params}
        try:
            values = list(self.take(params))
        except KeyError:  # a parameter not given is None
            get = params.get
            values = [get(name) for name in self.keys]
        for index, length, _ in self.bounded:
            value = values[index]
            if value is not None and len(value) > length:
                self._in_order(values)  # raises the refusal Core would raise first
        for index, process, none in self.processed:
            value = values[index]
            values[index] = none if value is None else process(value)
        for index, process in self.dated:
            value = values[index]
            if type(value) is date:
                values[index] = value.isoformat()
            elif value is not None:
                values[index] = process(value)  # a datetime, or a value it refuses
        return values

    def _in_order(self, values: list[Any]) -> None:
        """Every processor over the values in parameter order, as Core runs them."""
        processors = {index: process for index, process, _ in self.processed}
        processors.update({index: process for index, process in self.dated})
        processors.update({index: refuse for index, _, refuse in self.bounded})
        for index, value in enumerate(values):
            process = processors.get(index)
            if process is not None and value is not None:
                process(value)  # for None, each gives the value it gave when compiled

    def rows(self, raw: list[Any]) -> list[Any]:
        if not self.results:
            return raw
        rows = []
        for row in raw:
            values = list(row)
            for index, process in self.results:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            rows.append(tuple(values))
        return rows


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
        cursor = on_driver(connection, compiled.sql, compiled.parameters(params), many=False)
        return compiled.rows(cursor.fetchall())

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
        return int(on_driver(connection, compiled.sql, values, many=many).rowcount)

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
    keys, defaults, processed, bounded, dated = [], {}, [], [], []
    for index, name in enumerate(compiled.positiontup):
        bind = compiled.binds[name]
        keys.append(bind.key)
        if not bind.callable and bind.value is not None:
            defaults[bind.key] = bind.value
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            continue
        checked = _bounded(bind.type, dialect)
        if checked is not None:
            bounded.append((index, checked.length, process))
            continue
        if _writes_iso_dates(bind.type, process):
            dated.append((index, process))
            continue
        # What it writes for None, asked once (JSON's None is the value null).
        processed.append((index, process, process(None)))
    columns = getattr(statement, "exported_columns", ())
    results = []
    for index, column in enumerate(columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            results.append((index, process))
    return _Compiled(
        compiled.string,
        tuple(keys),
        _taking(keys),
        defaults,
        tuple(processed),
        tuple(bounded),
        tuple(dated),
        tuple(results),
    )


def _taking(keys: list[str]) -> Callable[[Params], Sequence[Any]]:
    if len(keys) == 1:
        (key,) = keys
        return lambda params: (params[key],)
    return itemgetter(*keys) if keys else lambda _: ()


def _writes_iso_dates(type_: Any, process: Callable[[Any], Any]) -> bool:
    """A date column whose processor writes a date as ``date.isoformat`` does (SQLite's
    default storage format): a date is then formatted without it, a few times faster."""
    probes = (date(987, 6, 5), date(2026, 12, 31))
    return isinstance(type_, Date) and all(process(day) == day.isoformat() for day in probes)


def _bounded(type_: Any, dialect: Dialect) -> Bounded | None:
    """A ``Bounded`` whose string type the driver takes as it is: its processor writes a
    value unchanged or refuses it, so only a value over its length needs it."""
    if isinstance(type_, Bounded) and type_.impl_instance.bind_processor(dialect) is None:
        return type_
    return None


def on_driver(connection: Connection, sql: str, params: Any, *, many: bool = False) -> Any:
    """``sql`` on the driver's own cursor of SQLite ``connection``, in its transaction, as
    ``Connection.execute`` would send it: its listeners see it, a driver error is
    SQLAlchemy's ``DBAPIError``."""
    for listener in connection.dispatch.before_cursor_execute:
        sql, params = listener(connection, None, sql, params, None, many)
    driver = _driver(connection)
    try:
        return driver.executemany(sql, params) if many else driver.execute(sql, params)
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            sql, params, error, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from error


# The last connection a statement ran on, and its driver's: a step's statements share one
# connection, and asking for the driver's through the pool's proxy each time showed.
_last: tuple[Connection, Any] | None = None


def _driver(connection: Connection) -> Any:
    global _last
    last = _last  # read once: another thread may replace it
    if last is not None and last[0] is connection:
        return last[1]
    driver = connection.connection.driver_connection
    assert driver is not None
    _last = (connection, driver)
    return driver
