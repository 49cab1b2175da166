"""The tables, declared in Core, and the dialect-aware ``INSERT ... ON CONFLICT``, written once.

The event log (``case_events``, ``clock_entries``) is the truth; ``cases`` and
``clocks`` are projections of it that ``workflow verify`` re-derives. Timers,
the outbox and letters are written in the same transaction as the event that
caused them.

The tables are declared here, with SQLAlchemy's Core only, and ``records.py`` maps its
ORM classes onto them: Core statements (ARCHITECTURE decision 8) are written against
these handles, and a command that only reads (``case show``) imports neither the ORM
nor the records (a third of its start-up). SQLite and PostgreSQL spell an insert that
meets an existing row the same way but in two dialect modules; ``insert_or_ignore`` and
``upsert`` choose the module, and import PostgreSQL's only on a PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Insert,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TableClause,
    Text,
    UniqueConstraint,
)

from workflow.store.column_types import Bounded, Instant

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.sql.base import ReadOnlyColumnCollection

    from workflow.store.records import Base

# Stable constraint names: Alembic batch mode on SQLite needs them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
METADATA = MetaData(naming_convention=NAMING)

# Constraints the code recognises by name when the store refuses a write.
EVENT_SEQUENCE = "uq_case_events_case_id"  # a concurrent step took the event's number
OUTBOX_KEY = "uq_outbox_key"  # the message was queued already
LETTER_NUMBER = "uq_letters_agency_id"  # the agency's letter number is taken
CASE_NUMBER = "uq_cases_number"


def _table(name: str, *parts: Any) -> Table:
    """A table on the one metadata, each ``Bounded`` column named for its message."""
    table = Table(name, METADATA, *parts)
    name_bounded(table)
    return table


def name_bounded(table: TableClause) -> None:
    for column in table.columns:
        if isinstance(column.type, Bounded):
            column.type.column = f"{table.name}.{column.name}"


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _required(name: str, kind: Any, *args: Any, **options: Any) -> Column[Any]:
    """A column that is never null (a ``Mapped[X]`` of the records)."""
    return Column(name, kind, *args, nullable=False, **options)


def _optional(name: str, kind: Any, *args: Any, **options: Any) -> Column[Any]:
    """A column that may be null (a ``Mapped[X | None]`` of the records)."""
    return Column(name, kind, *args, nullable=True, **options)


def _at(name: str) -> Column[Any]:
    return _required(name, Instant())


AGENCIES = _table(
    "agencies",
    _id(),
    _required("code", Bounded(64), unique=True),
    _required("name", Bounded(200)),
    _optional("parent_id", Integer, ForeignKey("agencies.id"), index=True),
    # letterhead data, used by letters; editable without touching templates
    _optional("short_name", Bounded(64)),
    _optional("address", Bounded(300)),
    _optional("postcode", Bounded(16)),
    _optional("phone", Bounded(64)),
    _optional("email", Bounded(200)),
    _optional("seal_text", Bounded(200)),
    _optional("reconsideration_body", Bounded(200)),
    _optional("court", Bounded(200)),
    _optional("head", Bounded(100)),  # approves extensions, gets digests
    _optional("case_number_pattern", Bounded(100)),
    _optional("letter_number_pattern", Bounded(100)),
)
APPLICANTS = _table(
    "applicants",
    _id(),
    _required("name", Bounded(200)),
    _required("type", Bounded(32)),
    _optional("contact", Bounded(300)),
)
DEFINITION_VERSIONS = _table(
    "definition_versions",
    _id(),
    _required("definition_id", Bounded(64)),
    _required("version", Integer),
    _required("content_hash", Bounded(64)),
    _required("source", Text),
    _at("registered_at"),
    UniqueConstraint("definition_id", "version"),
)
CALENDAR_YEARS = _table(
    "calendar_years",
    Column("year", Integer, primary_key=True, autoincrement=False),
    _required("days", JSON),  # holidays (days off, make-up days) and notices, as JSON
    _required("origin", String(16)),  # shipped | notice | file
    _required("source_name", String(300)),  # the file or notice it was read from
    _required("source_text", Text),  # that file's or notice's text, verbatim
    _required("content_hash", String(64)),  # SHA-256 of days and notices
    _required("loaded_by", String(100)),
    _at("loaded_at"),
)
CALENDAR_CHANGES = _table(
    "calendar_changes",
    _id(),
    _required("year", Integer, index=True),
    _required("action", String(32)),  # loaded | replaced | corrected | kept
    _required("origin", String(16)),  # of the version offered
    _required("source_name", String(300)),
    _optional("previous_hash", String(64)),
    _required("content_hash", String(64)),
    _required("by", String(100)),
    _at("at"),
    # what it changed: the deadlines recomputed ([{case, clock, before, after}]), a note
    _optional("detail", JSON),
)
CASES = _table(
    "cases",
    _id(),
    _required("number", Bounded(64), unique=True),
    _required("agency_id", Integer, ForeignKey("agencies.id")),
    _required("applicant_id", Integer, ForeignKey("applicants.id")),
    _required("applicant_type", Bounded(32)),  # as at application, for reports
    _required("channel", Bounded(32)),
    _required("received_on", Date),
    # Ordinary post and internet channels: the day the application arrived, beside the day
    # it was confirmed (the receipt date, Art. 31(2)-(3)), so a late confirmation shows.
    _optional("arrived_on", Date),
    _required("request", Text),
    _optional("handler", Bounded(100)),
    _required("definition_id", Bounded(64)),
    _required("definition_version", Integer),
    _required("state", Bounded(64), index=True),
    _optional("outcome", Bounded(64)),  # the latest decision
    _optional("closed_on", Date),  # null while open
    # The closure the annual report counts: an application is counted once, at its
    # first closure; a decision re-made after a corrected appeal is not a new one.
    _optional("first_closed_on", Date),
    _optional("first_outcome", Bounded(64)),
    _required("last_event_on", Date),
    _required("event_count", Integer),
    _required("imported", Boolean, default=False),
    _required("version", Integer),
    # When the store learned of the case and of its first closure: the China dates of
    # the events' recorded_at, so a report "as of D" counts only what was recorded by D
    # without reading the event log. Null until stamped: imports write them, and
    # reporting/stamps.py derives the others from the events before each report.
    _optional("recorded_on", Date),
    _optional("first_closed_recorded_on", Date),
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
CASE_EVENTS = _table(
    "case_events",
    _id(),
    _required("case_id", Integer, ForeignKey("cases.id")),
    _required("seq", Integer),
    _required("trigger", Bounded(64)),
    _optional("from_state", Bounded(64)),
    _required("to_state", Bounded(64)),
    _required("occurred_on", Date),  # the legal date the handler states
    _at("recorded_at"),  # server time, for audit
    _required("actor", Bounded(100)),
    _required("payload", JSON),
    _required("imported", Boolean, default=False),
    UniqueConstraint("case_id", "seq", name=EVENT_SEQUENCE),
)
CLOCK_ENTRIES = _table(
    "clock_entries",
    _id(),
    _required("case_id", Integer, ForeignKey("cases.id")),
    _required("event_id", Integer, ForeignKey("case_events.id")),
    _required("clock", Bounded(64)),
    _required("seq", Integer),
    _required("kind", Bounded(16)),
    _required("on", Date),
    _optional("days", Integer),
    _optional("due_on", Date),
    _optional("reason", Bounded(300)),
    _optional("approver", Bounded(100)),
    Index("ix_clock_entries_case_clock", "case_id", "clock", "seq"),
)
CLOCKS = _table(
    "clocks",
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("name", Bounded(64), primary_key=True),
    _required("status", Bounded(16)),
    _optional("due_on", Date),
    _required("extended_by", Integer, default=0),
    _required("version", Integer),
    Index("ix_clocks_status_due", "status", "due_on"),
)
TIMERS = _table(
    "timers",
    _id(),
    _required("key", Bounded(200), unique=True),
    _required("case_id", Integer, ForeignKey("cases.id")),
    _required("clock", Bounded(64)),
    _required("clock_version", Integer),
    _required("kind", Bounded(16)),  # reminder | lapse
    _required("name", Bounded(64)),  # e.g. before_5, on_due, overdue, lapse_fee
    _optional("trigger", Bounded(64)),  # for a lapse
    _required("due_on", Date),
    _optional("deadline_due_on", Date),  # None: a row from before 0011
    _required("status", Bounded(16)),  # a TimerStatus
    _at("created_at"),
    _optional("fired_at", Instant()),
    _optional("fired_on", Date),
    _optional("detail", JSON),
    # every timer of a case, whatever its status (calendar recompute): a step's new
    # timers sit together in it, one page. The partial indexes: `records._pending_indexes`.
    Index("ix_timers_case_id", "case_id"),
)
OUTBOX = _table(
    "outbox",
    _id(),
    _required("key", Bounded(200), unique=True),  # the receiver's dedupe key
    _optional("case_id", Integer, ForeignKey("cases.id"), index=True),
    _required("kind", Bounded(32)),  # reminder | digest | letter
    _required("channel", Bounded(32)),  # a Transport (not an application's)
    _required("recipient", Bounded(300)),
    _required("subject", Bounded(300)),
    _required("body", Text),
    _required("status", Bounded(16)),  # an OutboxStatus
    _required("attempts", Integer, default=0),
    _at("created_at"),
    _at("next_attempt_at"),
    _optional("sent_at", Instant()),
    _optional("last_error", Text),
    Index("ix_outbox_status_next", "status", "next_attempt_at"),
)
LETTERS = _table(
    "letters",
    _id(),
    _required("case_id", Integer, ForeignKey("cases.id"), index=True),
    _required("event_id", Integer, ForeignKey("case_events.id"), index=True),
    _required("agency_id", Integer, ForeignKey("agencies.id")),
    _required("kind", Bounded(64)),
    _required("number", Bounded(100)),
    _required("issued_on", Date),
    _required("template", Bounded(200)),
    _required("template_version", Bounded(64)),
    _required("context", JSON),  # the inputs, frozen at issue
    _at("created_at"),
    UniqueConstraint("agency_id", "number", name=LETTER_NUMBER),
)
LETTER_DOCUMENTS = _table(
    "letter_documents",
    Column("letter_id", Integer, ForeignKey("letters.id"), primary_key=True),
    Column("format", Bounded(8), primary_key=True),
    _required("content", LargeBinary),
    _required("sha256", Bounded(64)),
    _at("created_at"),
)
APPEALS = _table(
    "appeals",
    _id(),
    _required("case_id", Integer, ForeignKey("cases.id"), index=True),
    _required("kind", Bounded(64)),
    _required("filed_on", Date),
    _optional("result", Bounded(32)),
    _optional("decided_on", Date),
    _required("imported", Boolean, default=False),
    # When the filing and the result were recorded (China dates), for reports as of a
    # date; stamped like the case's (null until then).
    _optional("filed_recorded_on", Date),
    _optional("decided_recorded_on", Date),
)
COUNTERS = _table(
    "counters",
    Column("scope", Bounded(200), primary_key=True),
    _required("value", Integer),
)
SWEEP_RUNS = _table(
    "sweep_runs",
    _id(),
    _required("as_of", Date),
    _at("started_at"),
    _optional("finished_at", Instant()),
    _required("timers_fired", Integer, default=0),
    _required("lapses_fired", Integer, default=0),
    _required("reminders_queued", Integer, default=0),
    _required("dropped", Integer, default=0),
    _required("errors", Integer, default=0),
    _optional("detail", JSON),
)


def table_of(record: type[Base]) -> Table:
    """The Core table a record class is mapped to: for the staff-access and portal records,
    declared with the ORM (``access_records``, ``portal_records``)."""
    return cast(Table, record.__table__)


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
