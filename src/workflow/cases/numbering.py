"""Gapless, duplicate-free sequence numbers (case numbers, letter numbers).

One upsert increments the counter row inside the caller's transaction: a
rollback returns the number, and concurrent writers queue on the row
(PostgreSQL's row lock; SQLite's write lock taken by BEGIN IMMEDIATE).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.store.database import dialect_insert
from workflow.store.records import CounterRecord


def next_number(session: Session, scope: str) -> int:
    dialect = session.get_bind().dialect.name
    insert = dialect_insert(dialect)
    upsert = (
        insert(CounterRecord)
        .values(scope=scope, value=1)
        .on_conflict_do_update(
            index_elements=[CounterRecord.scope], set_={"value": CounterRecord.value + 1}
        )
        .returning(CounterRecord.value)
    )
    return int(session.execute(upsert).scalar_one())


def current_number(session: Session, scope: str) -> int:
    value = session.scalar(select(CounterRecord.value).where(CounterRecord.scope == scope))
    return int(value or 0)
