"""Typed handles on the tables, and the dialect-aware ``INSERT ... ON CONFLICT``, written once.

Core statements (ARCHITECTURE decision 8) are written against these handles rather than
against a ``Record.__table__`` cast wherever one is needed. SQLite and PostgreSQL spell
an insert that meets an existing row the same way but in two dialect modules;
``insert_or_ignore`` and ``upsert`` choose the module, and import PostgreSQL's only on a
PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, Insert, Table

from workflow.store.records import (
    AgencyRecord,
    AppealRecord,
    ApplicantRecord,
    Base,
    CalendarYearRecord,
    CaseEventRecord,
    CaseRecord,
    ClockEntryRecord,
    ClockRecord,
    CounterRecord,
    DefinitionVersionRecord,
    LetterDocumentRecord,
    LetterRecord,
    TimerRecord,
)

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.sql.base import ReadOnlyColumnCollection


def table_of(record: type[Base]) -> Table:
    """The Core table a record class is mapped to."""
    return cast(Table, record.__table__)


AGENCIES = table_of(AgencyRecord)
APPLICANTS = table_of(ApplicantRecord)
DEFINITION_VERSIONS = table_of(DefinitionVersionRecord)
CALENDAR_YEARS = table_of(CalendarYearRecord)
CASES = table_of(CaseRecord)
CASE_EVENTS = table_of(CaseEventRecord)
CLOCK_ENTRIES = table_of(ClockEntryRecord)
CLOCKS = table_of(ClockRecord)
TIMERS = table_of(TimerRecord)
APPEALS = table_of(AppealRecord)
LETTERS = table_of(LetterRecord)
LETTER_DOCUMENTS = table_of(LetterDocumentRecord)
COUNTERS = table_of(CounterRecord)


def insert_or_ignore(dialect: str, table: Table, conflict: Sequence[str]) -> Insert:
    """An INSERT into ``table`` that does nothing when a row with the same ``conflict``
    columns exists (a row someone else wrote first)."""
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(conflict))


def upsert(
    dialect: str,
    table: Table,
    conflict: Sequence[str],
    update: Callable[[ReadOnlyColumnCollection[str, Any]], Mapping[str, ColumnElement[Any]]],
) -> Insert:
    """An INSERT into ``table`` that updates the row with the same ``conflict`` columns
    instead; ``update`` gives the new values from the row offered (``excluded``)."""
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(conflict), set_=dict(update(statement.excluded))
    )


def _insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
