"""Gapless, duplicate-free sequence numbers (case numbers, letter numbers), per scope.

One upsert increments the counter row inside the caller's transaction: a rollback
returns the number, and concurrent writers queue on the row (PostgreSQL's row lock;
SQLite's write lock taken by BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from workflow.store.tables import COUNTERS, upsert


def next_number(session: Session, scope: str) -> int:
    """The scope's next number, taken."""
    statement = upsert(
        session.get_bind().dialect.name,
        COUNTERS,
        ("scope",),
        lambda _: {"value": COUNTERS.c.value + 1},
    )
    taken = statement.values(scope=scope, value=1).returning(COUNTERS.c.value)
    return int(session.execute(taken).scalar_one())


def current_number(session: Session, scope: str) -> int:
    """The last number the scope gave (0 for none)."""
    value = session.scalar(select(COUNTERS.c.value).where(COUNTERS.c.scope == scope))
    return int(value or 0)


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
