"""Engines and transactions for SQLite (the default) and PostgreSQL.

SQLite: WAL, foreign keys on, a busy timeout, ``synchronous=FULL`` (an
acknowledged step survives power loss), and every write transaction starts
with ``BEGIN IMMEDIATE``. The driver's default deferred transactions let two
read-then-write transactions interleave and silently lose an update; taking
the write lock up front makes writers queue instead.

PostgreSQL (psycopg 3): READ COMMITTED; concurrent changes to one case are
caught by the case row's version column, and the sweeper claims timers with
``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from workflow.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Database:
    """One store: an engine and the way transactions are opened on it."""

    def __init__(self, url: str, *, synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        self.engine = _engine(self.url, self.dialect, synchronous, echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(workflow_read_only=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case, one transaction: commit on success, roll back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (reports, listings)."""
        with self._read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and map it to the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(f"not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _engine(url: str, dialect: str, synchronous: str, echo: bool) -> Engine:
    if dialect != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    memory = make_url(url).database in (None, "", ":memory:")
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Readers take no write lock (WAL lets them run beside a writer).
        read_only = connection.get_execution_options().get("workflow_read_only", False)
        # Straight to the driver: BEGIN has no parameters and no result, and a
        # handler's step is short enough that a full statement execution shows.
        connection.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def dialect_insert(
    dialect: str,
) -> Callable[..., postgresql.Insert] | Callable[..., sqlite.Insert]:
    """The INSERT with ``ON CONFLICT`` of the store's dialect (PostgreSQL's dialect module
    is imported only by a PostgreSQL store)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def store_problem(error: DBAPIError) -> str:
    """One line for a database error a command could not get past."""
    cause = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    # SQLite says "no such table/column"; PostgreSQL raises UndefinedTable/UndefinedColumn.
    missing = type(error.orig).__name__ in ("UndefinedTable", "UndefinedColumn") or any(
        sign in cause for sign in ("no such table", "no such column")
    )
    if missing:
        return (
            f"the store has no workflow schema, or an older one ({cause}): run `workflow init` "
            "to create or upgrade it"
        )
    return f"the store cannot be used: {cause}"
