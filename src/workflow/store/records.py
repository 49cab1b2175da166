"""The tables, as SQLAlchemy 2 typed models. ORM classes end in ``Record``.

The event log (``case_events``, ``clock_entries``) is the truth; ``cases`` and
``clocks`` are projections of it that ``workflow verify`` re-derives. Timers,
the outbox and letters are written in the same transaction as the event that
caused them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from workflow.codes import TimerStatus
from workflow.errors import InvalidInput

# Stable constraint names: Alembic batch mode on SQLite needs them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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


# Constraints the code recognises by name when the store refuses a write.
EVENT_SEQUENCE = "uq_case_events_case_id"  # a concurrent step took the event's number
OUTBOX_KEY = "uq_outbox_key"  # the message was queued already
LETTER_NUMBER = "uq_letters_agency_id"  # the agency's letter number is taken
CASE_NUMBER = "uq_cases_number"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}  # noqa: RUF012


class AgencyRecord(Base):
    """An agency (行政机关) that receives applications; agencies form a hierarchy."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Bounded(64), unique=True)
    name: Mapped[str] = mapped_column(Bounded(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    # letterhead data, used by letters; editable without touching templates
    short_name: Mapped[str | None] = mapped_column(Bounded(64))
    address: Mapped[str | None] = mapped_column(Bounded(300))
    postcode: Mapped[str | None] = mapped_column(Bounded(16))
    phone: Mapped[str | None] = mapped_column(Bounded(64))
    email: Mapped[str | None] = mapped_column(Bounded(200))
    seal_text: Mapped[str | None] = mapped_column(Bounded(200))
    reconsideration_body: Mapped[str | None] = mapped_column(Bounded(200))
    court: Mapped[str | None] = mapped_column(Bounded(200))
    head: Mapped[str | None] = mapped_column(Bounded(100))  # approves extensions, gets digests
    case_number_pattern: Mapped[str | None] = mapped_column(Bounded(100))
    letter_number_pattern: Mapped[str | None] = mapped_column(Bounded(100))


class ApplicantRecord(Base):
    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Bounded(200))
    type: Mapped[str] = mapped_column(Bounded(32))
    contact: Mapped[str | None] = mapped_column(Bounded(300))


class DefinitionVersionRecord(Base):
    """Every definition version a case ever started on, with its source, so it can be replayed."""

    __tablename__ = "definition_versions"
    __table_args__ = (UniqueConstraint("definition_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[str] = mapped_column(Bounded(64))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(Bounded(64))
    source: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime]


class CalendarYearRecord(Base):
    """A working-day calendar year the store's deadlines are counted with: every process
    (commands, scheduler, web service, on any host) reads these rows, not files."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    days: Mapped[dict[str, Any]]  # holidays (days off, make-up days) and notices, as JSON
    origin: Mapped[str] = mapped_column(String(16))  # shipped | notice | file
    source_name: Mapped[str] = mapped_column(String(300))  # the file or notice it was read from
    source_text: Mapped[str] = mapped_column(Text)  # that file's or notice's text, verbatim
    content_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of days and notices
    loaded_by: Mapped[str] = mapped_column(String(100))
    loaded_at: Mapped[datetime]


class CalendarChangeRecord(Base):
    """Audit of the calendar: a year loaded, replaced or kept, and the due dates it moved."""

    __tablename__ = "calendar_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(32))  # loaded | replaced | corrected | kept
    origin: Mapped[str] = mapped_column(String(16))  # of the version offered
    source_name: Mapped[str] = mapped_column(String(300))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    # what it changed: the deadlines recomputed ([{case, clock, before, after}]), a note
    detail: Mapped[dict[str, Any] | None]


class CaseRecord(Base):
    """One application: the current-state projection of its events."""

    __tablename__ = "cases"
    __table_args__ = (
        # The lists' order within an agency and the state they keep (open or not), and
        # the same under a handler: a page and its count read only the index.
        Index("ix_cases_agency_listed", "agency_id", "received_on", "number", "state"),
        Index("ix_cases_handler_listed", "handler", "agency_id", "received_on", "number", "state"),
        Index("ix_cases_agency_closed", "agency_id", "first_closed_on"),
        Index("ix_cases_recorded", "recorded_on", "received_on"),
        Index("ix_cases_closure_recorded", "first_closed_recorded_on", "first_closed_on"),
        # the report's carried-in cases: closed from 1 January on, received before it
        Index("ix_cases_agency_closed_received", "agency_id", "first_closed_on", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(Bounded(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    applicant_type: Mapped[str] = mapped_column(Bounded(32))  # as at application, for reports
    channel: Mapped[str] = mapped_column(Bounded(32))
    received_on: Mapped[date] = mapped_column(Date)
    # Ordinary post and internet channels: the day the application arrived, beside the day
    # it was confirmed (the receipt date, Art. 31(2)-(3)), so a late confirmation shows.
    arrived_on: Mapped[date | None] = mapped_column(Date)
    request: Mapped[str] = mapped_column(Text)
    handler: Mapped[str | None] = mapped_column(Bounded(100))
    definition_id: Mapped[str] = mapped_column(Bounded(64))
    definition_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Bounded(64), index=True)
    outcome: Mapped[str | None] = mapped_column(Bounded(64))  # the latest decision
    closed_on: Mapped[date | None] = mapped_column(Date)  # null while open
    # The closure the annual report counts: an application is counted once, at its
    # first closure; a decision re-made after a corrected appeal is not a new one.
    first_closed_on: Mapped[date | None] = mapped_column(Date)
    first_outcome: Mapped[str | None] = mapped_column(Bounded(64))
    last_event_on: Mapped[date] = mapped_column(Date)
    event_count: Mapped[int] = mapped_column(Integer)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)
    # When the store learned of the case and of its first closure: the China dates of
    # the events' recorded_at, so a report "as of D" counts only what was recorded by D
    # without reading the event log. Null until stamped: imports write them, and
    # reporting/stamps.py derives the others from the events before each report.
    recorded_on: Mapped[date | None] = mapped_column(Date)
    first_closed_recorded_on: Mapped[date | None] = mapped_column(Date)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CaseEventRecord(Base):
    """Append-only: one row per trigger fired (or synthesized by an import)."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name=EVENT_SEQUENCE),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(Bounded(64))
    from_state: Mapped[str | None] = mapped_column(Bounded(64))
    to_state: Mapped[str] = mapped_column(Bounded(64))
    occurred_on: Mapped[date] = mapped_column(Date)  # the legal date the handler states
    recorded_at: Mapped[datetime]  # server time, for audit
    actor: Mapped[str] = mapped_column(Bounded(100))
    payload: Mapped[dict[str, Any]]
    imported: Mapped[bool] = mapped_column(Boolean, default=False)


class ClockEntryRecord(Base):
    """One dated ledger entry of one statutory clock of a case."""

    __tablename__ = "clock_entries"
    __table_args__ = (Index("ix_clock_entries_case_clock", "case_id", "clock", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id"))
    clock: Mapped[str] = mapped_column(Bounded(64))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Bounded(16))
    on: Mapped[date] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Bounded(300))
    approver: Mapped[str | None] = mapped_column(Bounded(100))


class ClockRecord(Base):
    """Projection: each clock's derived due date, for due-soon and overdue queries."""

    __tablename__ = "clocks"
    __table_args__ = (Index("ix_clocks_status_due", "status", "due_on"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    name: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    status: Mapped[str] = mapped_column(Bounded(16))
    due_on: Mapped[date | None] = mapped_column(Date)
    extended_by: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer)


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

    __tablename__ = "timers"
    __table_args__ = (
        # every timer of a case, whatever its status (calendar recompute): a step's new
        # timers sit together in it, one page. The partial indexes: `_pending_indexes`.
        Index("ix_timers_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(200), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    clock: Mapped[str] = mapped_column(Bounded(64))
    clock_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Bounded(16))  # reminder | lapse
    name: Mapped[str] = mapped_column(Bounded(64))  # e.g. before_5, on_due, overdue, lapse_fee
    trigger: Mapped[str | None] = mapped_column(Bounded(64))  # for a lapse
    due_on: Mapped[date] = mapped_column(Date)
    deadline_due_on: Mapped[date | None] = mapped_column(Date)  # None: a row from before 0011
    status: Mapped[str] = mapped_column(Bounded(16))  # a TimerStatus
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    fired_on: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[dict[str, Any] | None]


class OutboxRecord(Base):
    """A message that must leave the system, written with the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(200), unique=True)  # the receiver's dedupe key
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(Bounded(32))  # reminder | digest | letter
    channel: Mapped[str] = mapped_column(Bounded(32))  # a Transport (not an application's)
    recipient: Mapped[str] = mapped_column(Bounded(300))
    subject: Mapped[str] = mapped_column(Bounded(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Bounded(16))  # an OutboxStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class LetterRecord(Base):
    """A letter issued with an event: its number (文号), template and frozen inputs."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("agency_id", "number", name=LETTER_NUMBER),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(Bounded(64))
    number: Mapped[str] = mapped_column(Bounded(100))
    issued_on: Mapped[date] = mapped_column(Date)
    template: Mapped[str] = mapped_column(Bounded(200))
    template_version: Mapped[str] = mapped_column(Bounded(64))
    context: Mapped[dict[str, Any]]  # the inputs, frozen at issue
    created_at: Mapped[datetime]


class LetterDocumentRecord(Base):
    """The rendered bytes of a letter in one format; re-rendering returns these bytes."""

    __tablename__ = "letter_documents"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), primary_key=True)
    format: Mapped[str] = mapped_column(Bounded(8), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(Bounded(64))
    created_at: Mapped[datetime]


class AppealRecord(Base):
    """A reconsideration or lawsuit about a decision (table 四)."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(Bounded(64))
    filed_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Bounded(32))
    decided_on: Mapped[date | None] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the filing and the result were recorded (China dates), for reports as of a
    # date; stamped like the case's (null until then).
    filed_recorded_on: Mapped[date | None] = mapped_column(Date)
    decided_recorded_on: Mapped[date | None] = mapped_column(Date)


class CounterRecord(Base):
    """Gapless sequences (case numbers, letter numbers) per scope, e.g. ``case:zbgd:2026``."""

    __tablename__ = "counters"

    scope: Mapped[str] = mapped_column(Bounded(200), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class SweepRunRecord(Base):
    """One scheduler sweep: when, what it fired and what failed."""

    __tablename__ = "sweep_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    timers_fired: Mapped[int] = mapped_column(Integer, default=0)
    lapses_fired: Mapped[int] = mapped_column(Integer, default=0)
    reminders_queued: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
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
    timers = TimerRecord.__table__
    return tuple(
        Index(name, *(timers.c[column] for column in columns),
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
        if mapper.class_.__module__ != module:
            continue
        for table in mapper.tables:
            for column in table.columns:
                if isinstance(column.type, Bounded):
                    column.type.column = f"{table.name}.{column.name}"


name_bounded_columns(__name__)
