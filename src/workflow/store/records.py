"""The ORM's typed models of the tables, mapped onto the Core tables of ``tables.py``.
ORM classes end in ``Record``.

The tables, their columns, constraints and indexes are declared once, in ``tables.py``;
each record names its table (``__table__``) and annotates the columns it maps for the
type checker. A write path uses the records; a read that needs only rows (``case show``)
uses the tables and never imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import JSON, Index, MetaData, literal_column, text
from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class

from workflow.codes import TimerStatus
from workflow.store.column_types import Bounded as Bounded
from workflow.store.column_types import Instant
from workflow.store.tables import (
    AGENCIES,
    APPEALS,
    APPLICANTS,
    CALENDAR_CHANGES,
    CALENDAR_YEARS,
    CASE_EVENTS,
    CASES,
    CLOCK_ENTRIES,
    CLOCKS,
    COUNTERS,
    DEFINITION_VERSIONS,
    LETTER_DOCUMENTS,
    LETTERS,
    METADATA,
    OUTBOX,
    SWEEP_RUNS,
    TIMERS,
    name_bounded,
)
from workflow.store.tables import CASE_NUMBER as CASE_NUMBER
from workflow.store.tables import EVENT_SEQUENCE as EVENT_SEQUENCE
from workflow.store.tables import LETTER_NUMBER as LETTER_NUMBER
from workflow.store.tables import OUTBOX_KEY as OUTBOX_KEY


class Base(DeclarativeBase):
    metadata = METADATA
    # for the staff-access and portal records, declared with ``mapped_column``
    type_annotation_map = {dict[str, Any]: JSON, datetime: Instant()}  # noqa: RUF012


class AgencyRecord(Base):
    """An agency (行政机关) that receives applications; agencies form a hierarchy."""

    __table__ = AGENCIES

    id: Mapped[int]
    code: Mapped[str]
    name: Mapped[str]
    parent_id: Mapped[int | None]
    short_name: Mapped[str | None]
    address: Mapped[str | None]
    postcode: Mapped[str | None]
    phone: Mapped[str | None]
    email: Mapped[str | None]
    seal_text: Mapped[str | None]
    reconsideration_body: Mapped[str | None]
    court: Mapped[str | None]
    head: Mapped[str | None]
    case_number_pattern: Mapped[str | None]
    letter_number_pattern: Mapped[str | None]


class ApplicantRecord(Base):
    __table__ = APPLICANTS

    id: Mapped[int]
    name: Mapped[str]
    type: Mapped[str]
    contact: Mapped[str | None]


class DefinitionVersionRecord(Base):
    """Every definition version a case ever started on, with its source, so it can be replayed."""

    __table__ = DEFINITION_VERSIONS

    id: Mapped[int]
    definition_id: Mapped[str]
    version: Mapped[int]
    content_hash: Mapped[str]
    source: Mapped[str]
    registered_at: Mapped[datetime]


class CalendarYearRecord(Base):
    """A working-day calendar year the store's deadlines are counted with: every process
    (commands, scheduler, web service, on any host) reads these rows, not files."""

    __table__ = CALENDAR_YEARS

    year: Mapped[int]
    days: Mapped[dict[str, Any]]
    origin: Mapped[str]
    source_name: Mapped[str]
    source_text: Mapped[str]
    content_hash: Mapped[str]
    loaded_by: Mapped[str]
    loaded_at: Mapped[datetime]


class CalendarChangeRecord(Base):
    """Audit of the calendar: a year loaded, replaced or kept, and the due dates it moved."""

    __table__ = CALENDAR_CHANGES

    id: Mapped[int]
    year: Mapped[int]
    action: Mapped[str]
    origin: Mapped[str]
    source_name: Mapped[str]
    previous_hash: Mapped[str | None]
    content_hash: Mapped[str]
    by: Mapped[str]
    at: Mapped[datetime]
    detail: Mapped[dict[str, Any] | None]


class CaseRecord(Base):
    """One application: the current-state projection of its events."""

    __table__ = CASES

    id: Mapped[int]
    number: Mapped[str]
    agency_id: Mapped[int]
    applicant_id: Mapped[int]
    applicant_type: Mapped[str]
    channel: Mapped[str]
    received_on: Mapped[date]
    arrived_on: Mapped[date | None]
    request: Mapped[str]
    handler: Mapped[str | None]
    definition_id: Mapped[str]
    definition_version: Mapped[int]
    state: Mapped[str]
    outcome: Mapped[str | None]
    closed_on: Mapped[date | None]
    first_closed_on: Mapped[date | None]
    first_outcome: Mapped[str | None]
    last_event_on: Mapped[date]
    event_count: Mapped[int]
    imported: Mapped[bool]
    version: Mapped[int]
    recorded_on: Mapped[date | None]
    first_closed_recorded_on: Mapped[date | None]

    __mapper_args__ = {"version_id_col": CASES.c.version}  # noqa: RUF012


class CaseEventRecord(Base):
    """Append-only: one row per trigger fired (or synthesized by an import)."""

    __table__ = CASE_EVENTS

    id: Mapped[int]
    case_id: Mapped[int]
    seq: Mapped[int]
    trigger: Mapped[str]
    from_state: Mapped[str | None]
    to_state: Mapped[str]
    occurred_on: Mapped[date]
    recorded_at: Mapped[datetime]
    actor: Mapped[str]
    payload: Mapped[dict[str, Any]]
    imported: Mapped[bool]


class ClockEntryRecord(Base):
    """One dated ledger entry of one statutory clock of a case."""

    __table__ = CLOCK_ENTRIES

    id: Mapped[int]
    case_id: Mapped[int]
    event_id: Mapped[int]
    clock: Mapped[str]
    seq: Mapped[int]
    kind: Mapped[str]
    on: Mapped[date]
    days: Mapped[int | None]
    due_on: Mapped[date | None]
    reason: Mapped[str | None]
    approver: Mapped[str | None]


class ClockRecord(Base):
    """Projection: each clock's derived due date, for due-soon and overdue queries."""

    __table__ = CLOCKS

    case_id: Mapped[int]
    name: Mapped[str]
    status: Mapped[str]
    due_on: Mapped[date | None]
    extended_by: Mapped[int]
    version: Mapped[int]


_IS_PENDING = f"status = '{TimerStatus.PENDING.value}'"
_IS_UNDATED = "due_on IS NULL"


class TimerRecord(Base):
    """A reminder or automatic lapse due on a date; the sweeper claims and fires it.

    The deadline it serves is ``clock``, ``clock_version`` and ``deadline_due_on``: a
    change to the clock, or a calendar that moves its due date, supersedes the old rows
    and plans new ones, so a stale reminder is never sent. ``key`` (the same facts and
    the timer's name, ``lifecycle.timers.timer_key``) is unique only so that writing a
    timer twice is impossible. ``fired_on`` is the day it was fired or sent.
    """

    __table__ = TIMERS

    id: Mapped[int]
    key: Mapped[str]
    case_id: Mapped[int]
    clock: Mapped[str]
    clock_version: Mapped[int]
    kind: Mapped[str]
    name: Mapped[str]
    trigger: Mapped[str | None]
    due_on: Mapped[date]
    deadline_due_on: Mapped[date | None]
    status: Mapped[str]
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    fired_on: Mapped[date | None]
    detail: Mapped[dict[str, Any] | None]


class OutboxRecord(Base):
    """A message that must leave the system, written with the change that caused it."""

    __table__ = OUTBOX

    id: Mapped[int]
    key: Mapped[str]
    case_id: Mapped[int | None]
    kind: Mapped[str]
    channel: Mapped[str]
    recipient: Mapped[str]
    subject: Mapped[str]
    body: Mapped[str]
    status: Mapped[str]
    attempts: Mapped[int]
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None]


class LetterRecord(Base):
    """A letter issued with an event: its number (文号), template and frozen inputs."""

    __table__ = LETTERS

    id: Mapped[int]
    case_id: Mapped[int]
    event_id: Mapped[int]
    agency_id: Mapped[int]
    kind: Mapped[str]
    number: Mapped[str]
    issued_on: Mapped[date]
    template: Mapped[str]
    template_version: Mapped[str]
    context: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class LetterDocumentRecord(Base):
    """The rendered bytes of a letter in one format; re-rendering returns these bytes."""

    __table__ = LETTER_DOCUMENTS

    letter_id: Mapped[int]
    format: Mapped[str]
    content: Mapped[bytes]
    sha256: Mapped[str]
    created_at: Mapped[datetime]


class AppealRecord(Base):
    """A reconsideration or lawsuit about a decision (table 四)."""

    __table__ = APPEALS

    id: Mapped[int]
    case_id: Mapped[int]
    kind: Mapped[str]
    filed_on: Mapped[date]
    result: Mapped[str | None]
    decided_on: Mapped[date | None]
    imported: Mapped[bool]
    filed_recorded_on: Mapped[date | None]
    decided_recorded_on: Mapped[date | None]


class CounterRecord(Base):
    """Gapless sequences (case numbers, letter numbers) per scope, e.g. ``case:zbgd:2026``."""

    __table__ = COUNTERS

    scope: Mapped[str]
    value: Mapped[int]


class SweepRunRecord(Base):
    """One scheduler sweep: when, what it fired and what failed."""

    __table__ = SWEEP_RUNS

    id: Mapped[int]
    as_of: Mapped[date]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    timers_fired: Mapped[int]
    lapses_fired: Mapped[int]
    reminders_queued: Mapped[int]
    dropped: Mapped[int]
    errors: Mapped[int]
    detail: Mapped[dict[str, Any] | None]


# The predicate of the pending-timer indexes, with the value inline: SQLite uses a
# partial index only when the query states its condition literally.
PENDING_TIMER = TimerRecord.status == literal_column(f"'{TimerStatus.PENDING.value}'")


@cache
def _pending_indexes() -> tuple[Index, ...]:
    """Partial indexes over the pending timers only: a step supersedes and adds pending
    timers, and a timer that is done or superseded leaves them, so they stay small and a
    step rewrites few of their pages. Queries must say ``status = 'pending'`` as a literal
    (``PENDING_TIMER``) to use them.

    Declared when the whole schema is asked for (``every_table``), not at import: an
    index's ``postgresql_where`` makes SQLAlchemy import its PostgreSQL dialect with every
    driver, a tenth of a command's start-up on a SQLite store. Only DDL and schema checks
    read an ``Index``; the migrations create these."""
    return tuple(
        Index(name, *(TIMERS.c[column] for column in columns),
              sqlite_where=text(_IS_PENDING), postgresql_where=text(_IS_PENDING))
        for name, columns in (
            ("ix_timers_pending_due", ("due_on", "id")),
            ("ix_timers_pending_case", ("case_id", "clock")),
        )
    )  # fmt: skip


@cache
def _undated_clock_index() -> Index:
    """The clocks without a due date (flagged): few, so a list asks cheaply whether any of
    its candidates has one before it lets the store order the page. Declared lazily for
    the reason ``_pending_indexes`` gives."""
    clocks = ClockRecord.__table__
    return Index("ix_clocks_undated", clocks.c.status, clocks.c.case_id,
                 sqlite_where=text(_IS_UNDATED), postgresql_where=text(_IS_UNDATED))  # fmt: skip


_Record = TypeVar("_Record", bound=Base)


def as_loaded(kind: type[_Record], columns: Sequence[str], values: Sequence[Any]) -> _Record:
    """A record holding a row's values as loaded values, outside the unit of work, as the
    ORM's own loading builds one: its constructor (attribute events, history) cost a step
    more than reading the row. The mappers are configured first, as a query would have:
    a process's first record may be built here, before any ORM query ran."""
    configure_mappers()
    record: _Record = manager_of_class(kind).new_instance()
    record.__dict__.update(zip(columns, values, strict=True))
    return record


def every_table() -> MetaData:
    """The metadata with every table and index, the staff-access and portal tables
    (``access_records``, ``portal_records``, on the same metadata) included: for
    migrations, schema checks and the store's export.
    Declared there and imported here, so that a command reading a case does not declare
    them."""
    from workflow.store import access_records, portal_records  # noqa: F401

    _pending_indexes()
    _undated_clock_index()
    return Base.metadata


def name_bounded_columns(module: str) -> None:
    """Name each ``Bounded`` column of the tables declared in ``module`` for its message."""
    for mapper in Base.registry.mappers:
        if mapper.class_.__module__ == module:
            for table in mapper.tables:
                name_bounded(table)
