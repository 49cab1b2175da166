"""Engines and transactions for SQLite (the default) and PostgreSQL.

SQLite: WAL, foreign keys on, a busy timeout, ``synchronous=FULL`` (an
acknowledged step survives power loss), and every write transaction starts
with ``BEGIN IMMEDIATE``. The driver's default deferred transactions let two
read-then-write transactions interleave and silently lose an update; taking
the write lock up front makes writers queue instead. The writers of one
process queue on a lock of their own before it (``_Turn``): SQLite's busy
handler sleeps between polls of a held lock, so a threaded server's writers
slept while it was free.

PostgreSQL (psycopg 3): READ COMMITTED; concurrent changes to one case are
caught by the case row's version column, and the sweeper claims timers with
``FOR UPDATE SKIP LOCKED``.

Both wait at most ``lock_wait`` seconds for a lock (SQLite's busy timeout, and
as long for the turn; PostgreSQL's ``lock_timeout``). The driver's errors never leave a unit of work
raw: ``store_error`` turns each into the error tree's class for who can act on
it (a busy store, an unreachable one, a refused value or constraint).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    PrimaryKeyConstraint,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    StatementError,
)

from workflow.errors import InvalidInput, StoreBusy, WorkflowError
from workflow.settings import LOCK_WAIT_SECONDS
from workflow.store.driver_errors import classify, first_line

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class Database:
    """One store: an engine and the way transactions are opened on it."""

    def __init__(
        self,
        url: str,
        *,
        synchronous: str = "FULL",
        echo: bool = False,
        lock_wait: float = LOCK_WAIT_SECONDS,
    ) -> None:
        self.url = normalize_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        self.lock_wait = lock_wait
        try:
            self.engine = _engine(self.url, self.dialect, synchronous, echo, lock_wait)
        except (ArgumentError, ImportError) as error:  # no such dialect or driver
            raise InvalidInput(
                f"not a store URL: {url!r} ({error}); use sqlite:///FILE or "
                "postgresql://USER@HOST/DATABASE"
            ) from None
        self._read_engine = self.engine.execution_options(workflow_read_only=True)
        # SQLite's busy handler polls a held lock with sleeps of 1, 2, 5, 10 ... ms, so a
        # threaded server's writers slept while the lock was free: they take turns here.
        self._writers = threading.Lock() if self.is_sqlite else None

    # The ORM is imported when a session is first asked for: a read of rows
    # (``reading_rows``) needs none.
    @cached_property
    def _read_sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self._read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case, one transaction: commit on success, roll back on any error.

        The session is bound to a connection of its own, and a step's statements run on
        that connection: the session's own transaction is begun only if the ORM is used,
        and joins the connection's (a handler's step spent more in the session's begin
        and commit than in one of its statements)."""
        from sqlalchemy.orm import Session

        turn = _Turn(self._writers) if self._writers is not None else None
        with self.translated(), self.engine.connect() as connection:
            if turn is not None:
                connection.execution_options(workflow_turn=turn)
            session = Session(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
            session.info[_CONNECTION] = connection
            try:
                yield session
                session.flush()  # objects added and not yet flushed
                if session.in_transaction():
                    session.commit()  # the connection's too, when the session began it
                if connection.in_transaction():
                    connection.commit()
            except BaseException:
                if session.in_transaction():
                    session.rollback()
                if connection.in_transaction():
                    connection.rollback()
                raise
            finally:
                if turn is not None:
                    turn.end()
                if _used(session):  # detach what it holds (the step's statements hold nothing)
                    session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (reports, listings)."""
        with self.translated(), self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading_rows(self) -> Iterator[Connection]:
        """A read-only unit of work on a Core connection, for a read that needs rows, not
        records (``case show``): the same transaction as ``reading``, without the ORM."""
        with self.translated(), self._read_engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def translated(self) -> Iterator[None]:
        """Raise the driver's errors inside as the error tree's classes."""
        try:
            yield
        except DBAPIError as error:
            raise store_error(error, self.lock_wait) from error
        except StatementError as error:  # a bind processor refused a value (``Bounded``)
            if isinstance(error.orig, WorkflowError):
                raise error.orig from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()


_CONNECTION = "workflow.connection"


class _Turn:
    """A write transaction's turn among this process's writers on one SQLite store: taken
    when it begins (``BEGIN IMMEDIATE``), given back once it has committed or rolled back,
    so the next writer is woken at once. Writers of other processes still meet at the
    store's own lock."""

    def __init__(self, writers: threading.Lock) -> None:
        self._writers = writers
        self._held = False

    def take(self, wait: float) -> None:
        if self._held:
            return
        if not self._writers.acquire(timeout=wait):
            raise StoreBusy(wait)
        self._held = True

    def end(self) -> None:
        if self._held:
            self._held = False
            self._writers.release()


def _used(session: Session) -> bool:
    return bool(session.in_transaction() or session.identity_map or session.new or session.deleted)


def connection_of(session: Session) -> Connection:
    """The connection of a session's transaction, its transaction begun on first use; a
    session from elsewhere is asked every time (``Session.connection()``)."""
    connection = session.info.get(_CONNECTION)
    if connection is None:
        return session.connection()
    if not connection.in_transaction():
        connection.begin()
    return connection  # type: ignore[no-any-return]


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and map it to the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(f"not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _engine(url: str, dialect: str, synchronous: str, echo: bool, lock_wait: float) -> Engine:
    wait_ms = int(lock_wait * 1000)
    if dialect != "sqlite":
        options = f"-c lock_timeout={wait_ms}"
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": options})
    memory = make_url(url).database in (None, "", ":memory:")
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": lock_wait, "check_same_thread": False},
        # The connection used last, first: a SQLite connection drops its whole page cache
        # when another one wrote since its last transaction, so handing them out in turn
        # (the pool's default) made every unit of work of a threaded server, one at a
        # time, read its pages again (twice the page reads per API call, measured).
        pool_use_lifo=True,
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
        cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Readers take no write lock (WAL lets them run beside a writer).
        read_only = connection.get_execution_options().get("workflow_read_only", False)
        # Straight to the driver: BEGIN has no parameters and no result, and a
        # handler's step is short enough that a full statement execution shows.
        statement = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        turn = connection.get_execution_options().get("workflow_turn")
        if turn is not None and not read_only:
            turn.take(lock_wait)
        try:
            connection.connection.driver_connection.execute(statement)
        except sqlite3.Error as error:  # a lock not had in time: as SQLAlchemy would raise it
            raise OperationalError(statement, None, error) from error

    return engine


def store_error(error: DBAPIError, lock_wait: float = LOCK_WAIT_SECONDS) -> WorkflowError:
    """The error tree's class for a driver error a unit of work could not get past."""
    if isinstance(error, IntegrityError):
        return classify(
            _driver_error(error), lock_wait, integrity=True, constraint=violated_constraint(error)
        )
    return classify(_driver_error(error), lock_wait)


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint an insert or update broke, as the schema declares it.

    PostgreSQL names it; SQLite names only the columns ("UNIQUE constraint failed:
    cases.number"), which identify the declared unique or primary-key constraint.
    """
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None)
    cause = first_line(_driver_error(error))
    prefix = "UNIQUE constraint failed: "
    if not cause.startswith(prefix):
        return None
    columns = [part.strip() for part in cause[len(prefix) :].split(",")]
    return _unique_constraints().get(tuple(columns))


@cache
def _unique_constraints() -> dict[tuple[str, ...], str]:
    """Every table's, the staff-access ones included (read when a write is first refused)."""
    from workflow.store.records import every_table

    found: dict[tuple[str, ...], str] = {}
    for table in every_table().tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
                key = tuple(f"{table.name}.{column.name}" for column in constraint.columns)
                found[key] = str(constraint.name)
    return found


def _driver_error(error: DBAPIError) -> BaseException:
    return error.orig if error.orig is not None else error
