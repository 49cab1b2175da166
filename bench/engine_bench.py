"""Persisted transitions per second, against a raw sqlite3 baseline measured in the same run.

* Per-step path: open N cases, drive each through a realistic path of five triggers
  (consult a third party, reply, extend, decide, appeal), each trigger its own
  transaction through ``CaseService.fire`` — what a handler's command costs.
* Raw baseline (as the issue defines it): the same number of transactions, each one
  UPDATE of a case row and one INSERT of an event row with ``sqlite3``, same journal
  mode and synchronous setting, into two bare tables.
* The same two statements into the engine's own ``cases`` and ``case_events`` tables
  (their real rows and indexes), on a copy of the store.
* Same-statements baseline: every SQL statement the engine sent for each step (its
  reads, the case UPDATE, the event, clock entries, clocks projection, timers), recorded
  and replayed through plain ``sqlite3`` on a copy of the store, one transaction per
  step: what the engine's Python (lifecycle, SQLAlchemy) costs over its own I/O. The
  two are interleaved, each 100 cases' steps replayed right after they ran, so that on
  a shared machine the ratio compares the two under the same load.
* Batch path (import, replay): the same triggers applied 1,000 per transaction with
  ``CaseService.fire_many``.
* Memory: resident set size before and after, to show it stays flat as cases grow.
* Pages: the WAL pages each transaction writes, for the engine's statements and for the
  baselines (deterministic, unlike the timings), and what a commit costs on this disk
  per page written: with ``synchronous=FULL`` a commit's cost is a sync plus its pages.

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
from dataclasses import dataclass
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

    def take(self) -> list[list[tuple[str, Any, bool]]]:
        """The transactions recorded since the last take."""
        taken, self.transactions = self.transactions, []
        return taken


def _replay(path: Path, transactions: list[list[tuple[str, Any, bool]]]) -> float:
    """Statements replayed through plain sqlite3, one transaction per step; the seconds taken."""
    connection = _connect(path)
    elapsed = _replay_on(connection, transactions)
    connection.close()
    return elapsed


def _replay_on(
    connection: sqlite3.Connection, transactions: list[list[tuple[str, Any, bool]]]
) -> float:
    began = time.perf_counter()
    for statements in transactions:
        connection.execute("BEGIN IMMEDIATE")
        for sql, params, many in statements:
            if many:
                connection.executemany(sql, params).fetchall()
            else:
                connection.execute(sql, params).fetchall()
        connection.execute("COMMIT")
    return time.perf_counter() - began


def _pages_per_transaction(
    store: Path, transactions: list[list[tuple[str, Any, bool]]], scratch: Path
) -> float:
    """WAL pages a transaction writes: replayed on a copy with checkpoints off."""
    _copy(store, scratch)
    connection = _connect(scratch)
    connection.execute("PRAGMA wal_autocheckpoint=0")
    page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    _replay_on(connection, transactions)
    wal = scratch.with_name(scratch.name + "-wal").stat().st_size
    connection.close()
    return (wal - 32) / (page_size + 24) / len(transactions)  # header, then frames


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def _copy(source: Path, target: Path) -> None:
    for stale in (target, target.with_name(target.name + "-wal")):
        stale.unlink(missing_ok=True)
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    origin.backup(copy)
    origin.close()
    copy.close()


def _commit_cost(path: Path) -> tuple[float, float]:
    """(µs per commit, µs per page written): a least-squares line over 1-16 dirty pages."""
    connection = _connect(path)
    connection.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, n INT, pad TEXT)")
    connection.executemany(
        "INSERT INTO pages VALUES (?, 0, ?)", [(i, "x" * 400) for i in range(20_000)]
    )
    points: list[tuple[int, float]] = []
    for pages in (1, 2, 4, 8, 16):
        began = time.perf_counter()
        for n in range(500):
            connection.execute("BEGIN IMMEDIATE")
            for k in range(pages):  # rows ten pages apart: each UPDATE dirties its own page
                connection.execute(
                    "UPDATE pages SET n = n + 1 WHERE id = ?", ((n * 97 + k * 1_237) % 20_000,)
                )
            connection.execute("COMMIT")
        points.append((pages, (time.perf_counter() - began) / 500 * 1e6))
    connection.close()
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum(
        (x - mean_x) ** 2 for x, _ in points
    )
    return mean_y - slope * mean_x, slope


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
    """PostgreSQL's planner statistics, as autovacuum keeps them in a running store. A
    SQLite store has none (the project never runs ANALYZE there), nor has the benchmark's."""
    if app.database.is_sqlite:
        return
    with app.database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def _two_statements(cases: list[int], transactions: int) -> list[list[tuple[str, Any, bool]]]:
    """The baseline's transactions: one UPDATE of a case row, one INSERT of its event."""
    return [
        [
            (
                "UPDATE cases SET state = ?, version = version + 1 WHERE id = ? AND version >= 1",
                (PATH[n // len(cases) % len(PATH)][0], cases[n % len(cases)]),
                False,
            ),
            (
                'INSERT INTO case_events (case_id, seq, "trigger", from_state, to_state, '
                "occurred_on, recorded_at, actor, payload, imported) VALUES "
                "(?, ?, 'extend', 'received', 'extended', '2026-03-13', "
                "'2026-11-26 09:00:00.000000', 'bench', '{}', 0)",
                (cases[n % len(cases)], 2 + n // len(cases)),
                False,
            ),
        ]
        for n in range(transactions)
    ]


def _bare_tables(path: Path, cases: int) -> None:
    """The baseline's own minimal tables, as the issue defines it."""
    connection = _connect(path)
    connection.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, state TEXT, version INT)")
    connection.execute(
        "CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id INT, seq INT, "
        '"trigger" TEXT, from_state TEXT, to_state TEXT, occurred_on TEXT, recorded_at TEXT, '
        "actor TEXT, payload TEXT, imported INT)"
    )
    connection.executemany(
        "INSERT INTO cases VALUES (?, 'received', 1)", [(i,) for i in range(cases)]
    )
    connection.close()


@dataclass(frozen=True)
class _Run:
    rate: float  # per-step transitions per second
    replay_rate: float  # the same steps' own statements replayed through plain sqlite3
    statements: list[list[tuple[str, Any, bool]]]  # the first steps' SQL, per transaction


def _interleaved(
    app: TestApplication, numbers: list[str], replay: Path, chunk: int = 100
) -> tuple[float, float, int, list[float], list[list[tuple[str, Any, bool]]]]:
    """Drive the cases ``chunk`` at a time, each chunk's steps followed at once by their
    own statements replayed through plain sqlite3 on a copy of the store as it was: on a
    shared machine both then run under the same load. Returns (engine seconds, replay
    seconds, steps, RSS at each quarter, the first 1,000 steps' statements)."""
    recorder = _Recorder(app.database.engine, limit=10**9)
    connection = _connect(replay)
    engine = replayed = 0.0
    fired = 0
    rss: list[float] = []
    quarters = {len(numbers) * q // 4 for q in (1, 2, 3, 4)}
    kept: list[list[tuple[str, Any, bool]]] = []
    for start in range(0, len(numbers), chunk):
        part = numbers[start : start + chunk]
        elapsed, steps, _ = _per_step(app, part)
        engine += elapsed
        fired += steps
        statements = recorder.take()
        replayed += _replay_on(connection, statements)
        kept.extend(statements[: max(0, 1_000 - len(kept))])
        rss.extend(_rss_mb() for q in sorted(quarters) if start < q <= start + len(part))
    connection.close()
    return engine, replayed, fired, rss, kept


def _measure(
    label: str, url_for: Callable[[str], str], cases: int, replay: Path | None = None
) -> _Run:
    app = make_app(url_for("steps"), today=TODAY)
    numbers = [app.cases.open(new_case(i)).number for i in range(cases)]
    _analyze(app)
    if replay is not None:
        elapsed, replayed, fired, rss, statements = _interleaved(app, numbers, replay)
    else:
        elapsed, fired, rss = _per_step(app, numbers)
        replayed, statements = 0.0, []
    app.close()
    print(f"{label} per-step: {fired:,} transitions in {elapsed:.1f} s = {fired / elapsed:,.0f}/s")
    batch_app = make_app(url_for("batch"), today=TODAY)
    batch_elapsed, batch_fired = _batch(batch_app, cases)
    batch_app.close()
    batch_rate = batch_fired / batch_elapsed
    print(f"{label} batch (1,000 per transaction): {batch_rate:,.0f} transitions/s")
    quarters = ", ".join(f"{value:.0f}" for value in rss)
    print(f"{label} max RSS (MB) after each quarter of the per-step run: {quarters}", flush=True)
    return _Run(fired / elapsed, fired / replayed if replayed else 0.0, statements)


def _sqlite(root: Path, cases: int) -> None:
    steps = cases * len(PATH)
    bare = root / "bare.db"
    _bare_tables(bare, cases)
    bare_rate = steps / _replay(bare, _two_statements(list(range(cases)), steps))
    # the store as the per-step run finds it (same cases, same clock): for the replays
    opened = make_app(f"sqlite:///{root / 'opened'}.db", today=TODAY)
    ids = [opened.cases.open(new_case(i)).id for i in range(cases)]
    _analyze(opened)
    opened.close()
    _copy(root / "opened.db", root / "own.db")
    own_tables = _two_statements(ids, steps)
    own_rate = steps / _replay(root / "own.db", own_tables)
    _copy(root / "opened.db", root / "replay.db")
    run = _measure("SQLite", lambda name: f"sqlite:///{root / name}.db", cases, root / "replay.db")
    same = run.replay_rate
    print(
        f"SQLite raw sqlite3, one UPDATE + one INSERT per transaction, bare tables: "
        f"{bare_rate:,.0f}/s (engine {run.rate / bare_rate:.0%} of it)\n"
        f"SQLite raw sqlite3, the same two statements into the engine's cases and case_events: "
        f"{own_rate:,.0f}/s (engine {run.rate / own_rate:.0%} of it)\n"
        f"SQLite raw sqlite3 replaying the engine's own statements (every step, each 100 "
        f"cases' steps replayed right after them): {same:,.0f}/s "
        f"(engine {run.rate / same:.0%} of it; the engine's own time beyond its statements: "
        f"{(1 / run.rate - 1 / same) * 1e6:,.0f} µs a step)",
        flush=True,
    )
    sample = slice(0, 1_000)
    scratch = root / "pages.db"
    _bare_tables(root / "bare-pages.db", cases)
    bare_tables = _two_statements(list(range(cases)), steps)[sample]
    pages = {
        "engine step": _pages_per_transaction(root / "opened.db", run.statements[sample], scratch),
        "two statements, engine tables": _pages_per_transaction(
            root / "opened.db", own_tables[sample], scratch
        ),
        "two statements, bare tables": _pages_per_transaction(
            root / "bare-pages.db", bare_tables, scratch
        ),
    }
    fixed, per_page = _commit_cost(root / "commit.db")
    print(
        "SQLite WAL pages per transaction: "
        + ", ".join(f"{name} {value:.1f}" for name, value in pages.items())
        + f"\nSQLite commit on this disk (synchronous=FULL): {fixed:.0f} µs + {per_page:.0f} µs "
        f"per page written",
        flush=True,
    )


def run() -> None:
    cases = int(os.environ.get("BENCH_CASES", "10000"))
    with tempfile.TemporaryDirectory(prefix="workflow-bench-") as scratch:
        _sqlite(Path(scratch), cases)
    if os.environ.get("BENCH_PG"):
        from tests.stores import postgres_database

        with postgres_database() as steps_url, postgres_database() as batch_url:
            urls = {"steps": steps_url, "batch": batch_url}
            _measure("PostgreSQL", urls.__getitem__, cases)
