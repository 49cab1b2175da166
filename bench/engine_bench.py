"""Persisted transitions per second, against a raw sqlite3 baseline measured in the same run.

* Per-step path: open N cases, drive each through a realistic path of five triggers
  (consult a third party, reply, extend, decide, appeal), each trigger its own
  transaction through ``CaseService.fire`` — what a handler's command costs.
* Raw baseline (as the issue defines it): the same number of transactions, each one
  UPDATE of the case row and one INSERT of an event row with ``sqlite3``, same journal
  mode and synchronous setting.
* Same-statements baseline: every SQL statement the engine sent for each step (its
  reads, the case UPDATE, the event, clock entries, clocks projection, timers), recorded
  and replayed through plain ``sqlite3`` on a copy of the store, one transaction per
  step: what the engine's Python (lifecycle, SQLAlchemy) costs over its own I/O.
* Batch path (import, replay): the same triggers applied 1,000 per transaction with
  ``CaseService.fire_many``.
* Memory: resident set size before and after, to show it stays flat as cases grow.

Letters are off here (the letters benchmark measures them); ``BENCH_CASES`` sets N
(default 10,000); ``BENCH_PG=1`` adds PostgreSQL (a fresh database on the test server).
"""

from __future__ import annotations

import os
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select
from tests.stores import TestApplication, make_app

from bench.sample_cases import PATH, TODAY, new_case
from workflow.lifecycle import StepInput
from workflow.store.records import CaseRecord


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _per_step(app: TestApplication, numbers: list[str]) -> tuple[float, int, list[float]]:
    """Drive every case; also the RSS at each quarter of the run (memory must stay flat)."""
    began = time.perf_counter()
    fired = 0
    quarters = {len(numbers) * q // 4 for q in (1, 2, 3, 4)}
    rss: list[float] = []
    for index, number in enumerate(numbers, 1):
        for trigger, inputs, on in PATH:
            app.cases.fire(number, trigger, StepInput(on=on, by="bench", **inputs))  # type: ignore[arg-type]
            fired += 1
        if index in quarters:
            rss.append(_rss_mb())
    return time.perf_counter() - began, fired, rss


class _Recorder:
    """The SQL statements the engine sends to the driver for its first ``limit`` steps."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self.limit = limit
        self.transactions: list[list[tuple[str, Any, bool]]] = []
        self._current: list[tuple[str, Any, bool]] = []
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._commit)

    def _execute(self, _c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if not sql.startswith("BEGIN"):
            self._current.append((sql, params, many))

    def _commit(self, _connection: Any) -> None:
        if self._current and len(self.transactions) < self.limit:
            self.transactions.append(self._current)
        self._current = []


def _same_sql_sqlite(path: Path, transactions: list[list[tuple[str, Any, bool]]]) -> float:
    """The engine's own statements for each step, replayed through plain sqlite3."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    began = time.perf_counter()
    for statements in transactions:
        connection.execute("BEGIN IMMEDIATE")
        for sql, params, many in statements:
            if many:
                connection.executemany(sql, params).fetchall()
            else:
                connection.execute(sql, params).fetchall()
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


def _batch(app: TestApplication, cases: int, per_transaction: int = 1000) -> tuple[float, int]:
    with app.database.transaction() as session:
        numbers = [app.cases.open_in(session, new_case(i)).number for i in range(cases)]
    steps = [(number, step) for number in numbers for step in PATH]
    _analyze(app)
    began = time.perf_counter()
    for start in range(0, len(steps), per_transaction):
        with app.database.transaction() as session:
            chunk = steps[start : start + per_transaction]
            wanted = sorted({number for number, _ in chunk})
            loaded = {
                case.number: case
                for case in session.scalars(select(CaseRecord).where(CaseRecord.number.in_(wanted)))
            }
            app.cases.fire_many(
                session,
                [
                    (loaded[number], trigger, StepInput(on=on, by="bench", **inputs))  # type: ignore[arg-type]
                    for number, (trigger, inputs, on) in chunk
                ],
            )
    return time.perf_counter() - began, len(steps)


def _analyze(app: TestApplication) -> None:
    """Planner statistics as a running store has them (autovacuum, `PRAGMA optimize`)."""
    with app.database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def _raw_sqlite(path: Path, transactions: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, state TEXT, version INT)")
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, case_id INT, seq INT, trigger TEXT, "
        "from_state TEXT, to_state TEXT, occurred_on TEXT, recorded_at TEXT, payload TEXT)"
    )
    cases = max(1, transactions // len(PATH))
    connection.executemany(
        "INSERT INTO cases VALUES (?, 'received', 1)", [(i,) for i in range(cases)]
    )
    began = time.perf_counter()
    for n in range(transactions):
        case_id = n % cases
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "UPDATE cases SET state = ?, version = version + 1 WHERE id = ? AND version >= 1",
            ("extended", case_id),
        )
        connection.execute(
            "INSERT INTO events (case_id, seq, trigger, from_state, to_state, occurred_on, "
            "recorded_at, payload) VALUES (?, ?, 'extend', 'received', 'extended', '2026-03-02', "
            "'2026-03-02T09:00:00+08:00', '{}')",
            (case_id, n),
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


def _measure(
    label: str, url_for: Callable[[str], str], cases: int, raw: float | None, root: Path | None
) -> None:
    app = make_app(url_for("steps"), today=TODAY)
    numbers = [app.cases.open(new_case(i)).number for i in range(cases)]
    _analyze(app)
    if root is not None:  # keep the store as it is before the steps, to replay them on
        source = sqlite3.connect(root / "steps.db")
        target = sqlite3.connect(root / "replay.db")
        source.backup(target)
        source.close()
        target.close()
    recorder = _Recorder(app.database.engine, limit=5_000)
    elapsed, fired, rss = _per_step(app, numbers)
    rate = fired / elapsed
    app.close()
    print(f"{label} per-step: {fired:,} transitions in {elapsed:.1f} s = {rate:,.0f}/s", flush=True)
    if raw is not None and root is not None:
        raw_rate = fired / raw
        replayed = len(recorder.transactions)
        same = replayed / _same_sql_sqlite(root / "replay.db", recorder.transactions)
        print(
            f"{label} raw sqlite3, one UPDATE + one INSERT per transaction: {raw_rate:,.0f}/s "
            f"(engine {rate / raw_rate:.0%} of it)\n"
            f"{label} raw sqlite3 replaying the engine's own statements (first {replayed:,} "
            f"steps): {same:,.0f}/s "
            f"(engine {rate / same:.0%} of it)",
            flush=True,
        )
    batch_app = make_app(url_for("batch"), today=TODAY)
    elapsed, fired = _batch(batch_app, cases)
    batch_app.close()
    print(
        f"{label} batch (1,000 per transaction): {fired / elapsed:,.0f} transitions/s", flush=True
    )
    quarters = ", ".join(f"{value:.0f}" for value in rss)
    print(f"{label} max RSS (MB) after each quarter of the per-step run: {quarters}", flush=True)


def run() -> None:
    cases = int(os.environ.get("BENCH_CASES", "10000"))
    with tempfile.TemporaryDirectory(prefix="workflow-bench-") as scratch:
        root = Path(scratch)
        raw = _raw_sqlite(root / "raw.db", cases * len(PATH))
        _measure("SQLite", lambda name: f"sqlite:///{root / name}.db", cases, raw, root)
    pg = os.environ.get("BENCH_PG")
    if pg:
        from tests.stores import postgres_database

        with postgres_database() as steps_url, postgres_database() as batch_url:
            urls = {"steps": steps_url, "batch": batch_url}
            _measure("PostgreSQL", urls.__getitem__, cases, None, None)
