"""Gapless, duplicate-free sequence numbers (case numbers, letter numbers), per scope.

One upsert increments the counter row inside the caller's transaction: a rollback
returns the number, and concurrent writers queue on the row (PostgreSQL's row lock;
SQLite's write lock taken by BEGIN IMMEDIATE).

A handler's step takes a number for its case and for each of its letters, each attempt
(``letters/ahead.py``): the statements are built and compiled once per dialect
(``Prepared``), since building an upsert cost more than running it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import Session

from workflow.store.database import connection_of
from workflow.store.prepared import Prepared
from workflow.store.tables import COUNTERS, upsert

_TAKE: dict[str, Prepared] = {}  # per dialect
_CURRENT = Prepared(select(COUNTERS.c.value).where(COUNTERS.c.scope == bindparam("b_scope")))


def _take(dialect: str) -> Prepared:
    prepared = _TAKE.get(dialect)
    if prepared is None:
        statement = upsert(dialect, COUNTERS, ("scope",), lambda _: {"value": COUNTERS.c.value + 1})
        taken = statement.values(scope=bindparam("b_scope"), value=1)
        prepared = _TAKE[dialect] = Prepared(taken.returning(COUNTERS.c.value))
    return prepared


def next_number(session: Session, scope: str) -> int:
    """The scope's next number, taken."""
    connection = connection_of(session)
    ((value,),) = _take(connection.dialect.name).rows(connection, {"b_scope": scope})
    return int(value)


def current_number(session: Session, scope: str) -> int:
    """The last number the scope gave (0 for none)."""
    rows = _CURRENT.rows(connection_of(session), {"b_scope": scope})
    return int(rows[0][0]) if rows else 0


def advance_counters(session: Session, highest: Iterable[tuple[str, int]]) -> None:
    """Raise each counter to at least the given value (never lower it)."""
    statement = upsert(
        session.get_bind().dialect.name,
        COUNTERS,
        ("scope",),
        lambda excluded: {
            "value": case(
                (COUNTERS.c.value < excluded.value, excluded.value), else_=COUNTERS.c.value
            )
        },
    )
    for scope, value in highest:
        session.execute(statement.values(scope=scope, value=value))
