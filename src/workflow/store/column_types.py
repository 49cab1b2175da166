"""The store's own column types: a length every write is checked against, and an instant
that reads back the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from workflow.clock import in_china
from workflow.errors import InvalidInput


class Bounded(TypeDecorator[str]):
    """``String(length)``, its length checked on every write: PostgreSQL refuses a longer
    value, SQLite would store it, and a store must move from one to the other."""

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length
        self.column = "a value"  # "table.column", named once the tables are declared

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is not None and len(value) > self.length:
            raise InvalidInput(
                f"{self.column} is longer than {self.length} characters ({len(value)} given)"
            )
        return value


class Instant(TypeDecorator[datetime]):
    """``DateTime(timezone=True)``, read back as an instant in China time on both stores.

    SQLite keeps no offset: it stores the wall time it is given, so an instant is written
    in China time (an aware one converted, a naive one taken as China time, on both stores)
    and read back with the offset; PostgreSQL's instants come in its session's zone."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else in_china(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else in_china(value)
