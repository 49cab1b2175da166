"""On SQLite the write transactions of one process take turns before ``BEGIN IMMEDIATE``
(``store.database``): a writer waits for the one before it in the process, not in SQLite's
busy handler, which polls the lock with sleeps; it still waits at most the lock wait, and a
transaction that fails gives its turn back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tests.stores import make_app
from workflow.errors import StoreBusy
from workflow.store.counters import current_number, next_number
from workflow.store.database import Database

BEGIN = "BEGIN IMMEDIATE"


class Traced:
    """Every statement SQLite ran on the store's connections, with the thread that ran it."""

    def __init__(self, database: Database) -> None:
        self.statements: list[tuple[str, str]] = []
        event.listen(database.engine, "connect", self._connected)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(self._ran)

    def _ran(self, statement: str) -> None:
        self.statements.append((threading.current_thread().name, statement))

    def begun_by(self, thread: str) -> int:
        return self.statements.count((thread, BEGIN))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    """A store with its schema, opened by a process that waits 0.3 s for a lock."""
    url = f"sqlite:///{tmp_path / 'workflow.db'}"
    make_app(url).close()
    database = Database(url, lock_wait=0.3)
    yield database
    database.dispose()


def _holding(database: Database, release: threading.Event) -> threading.Thread:
    """A thread whose write transaction holds the store until ``release``."""
    holding = threading.Event()

    def hold() -> None:
        with database.transaction() as session:
            next_number(session, "test")
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold, name="holder")
    thread.start()
    assert holding.wait(30)
    return thread


def test_a_writer_waits_for_its_turn_not_in_sqlites_busy_handler(store: Database) -> None:
    traced = Traced(store)
    release = threading.Event()
    holder = _holding(store, release)
    refused: list[BaseException] = []

    def write() -> None:
        try:
            with store.transaction() as session:
                next_number(session, "test")
        except StoreBusy as busy:
            refused.append(busy)

    try:
        waiter = threading.Thread(target=write, name="waiter")
        waiter.start()
        waiter.join(30)
    finally:
        release.set()
        holder.join(30)
    # Refused after the lock wait, having never asked SQLite for the lock: it waited its turn.
    assert len(refused) == 1
    assert "the store is busy" in str(refused[0])
    assert traced.begun_by("waiter") == 0
    assert traced.begun_by("holder") == 1
    with store.transaction() as session:  # the holder's turn came back at its commit
        assert current_number(session, "test") == 1
        next_number(session, "test")
    with store.reading() as session:
        assert current_number(session, "test") == 2


def _write_then_fail(database: Database) -> None:
    with database.transaction() as session:
        next_number(session, "test")
        raise ValueError("refused after a write")


def test_a_failed_transaction_gives_its_turn_back(store: Database) -> None:
    with pytest.raises(ValueError, match="refused after a write"):
        _write_then_fail(store)
    with store.transaction() as session:  # not StoreBusy: the turn was given back
        assert next_number(session, "test") == 1


def test_writers_of_one_process_all_get_their_turn(store: Database) -> None:
    patient = Database(store.url, lock_wait=30)
    taken: list[int] = []

    def write() -> None:
        for _ in range(20):
            with patient.transaction() as session:
                taken.append(next_number(session, "test"))

    threads = [threading.Thread(target=write) for _ in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        patient.dispose()
    assert sorted(taken) == list(range(1, 121))
