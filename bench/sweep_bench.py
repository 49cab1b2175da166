"""One sweep's time must follow the number of due timers, not the number of open cases.

For each size N (10^4, 10^5, 10^6) a fresh store holds N open background cases, each
with a running 20-WD answer clock and its four pending reminder timers, all due
after the sweep day (bulk-inserted: executemany on SQLite, COPY on PostgreSQL). Then
1,000 applications are registered through the case service, dated so that exactly
one timer each (the answer's "5 WD left" reminder, to handler and head) is due on the
sweep day. The figure is the time of that one sweep: 1,000 timers fired, 2,000
reminders queued, one transaction per case. Target: largest/smallest <= 2x.

``python -m bench sweep``; set ``BENCH_PG=1`` to run PostgreSQL as well (a fresh
database on the tests' server, ``WORKFLOW_TEST_PG``), and ``SWEEP_BENCH_SIZES`` (e.g.
``10000,100000``) and ``SWEEP_BENCH_STORES`` (``sqlite``, ``postgresql``) to choose.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import make_url

from workflow.application import Application
from workflow.cases.agencies import add_agency
from workflow.cases.service import NewCase
from workflow.clock import CHINA, FixedClock
from workflow.lifecycle.timers import timer_key
from workflow.scheduling import Sweeper
from workflow.scheduling.claims import due_timers_query
from workflow.settings import Settings
from workflow.store.records import ApplicantRecord, CaseRecord, ClockRecord, TimerRecord

AS_OF = date(2026, 6, 15)  # a Monday; the sweep day
DUE = 1_000
TRIALS = 4  # sweeps per size, each over its own 1,000 due timers (a 5th would meet
# the first batch's "1 WD left" reminder); the median counts
SIZES = (10_000, 100_000, 1_000_000)
CHUNK = 20_000  # background cases per bulk statement
REMINDERS = (("before_5", 5), ("before_1", 1), ("on_due", 0))

Writer = Callable[[Table, Sequence[str], list[tuple[Any, ...]]], None]


def run() -> None:
    sizes = _sizes()
    stores: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("sqlite", _sqlite_store)
    ]
    if os.environ.get("BENCH_PG"):  # BENCH_PG=1: also on the tests' server (WORKFLOW_TEST_PG)
        stores.append(("postgresql", _postgres_store))
    only = os.environ.get("SWEEP_BENCH_STORES")
    for kind, store in stores:
        if only and kind not in only.split(","):
            continue
        with ExitStack() as stack:
            apps = {size: stack.enter_context(_prepared(stack.enter_context(store()), size))
                    for size in sizes}  # fmt: skip
            times: dict[int, list[float]] = {size: [] for size in sizes}
            for trial in range(TRIALS):  # round robin: a busy moment hits every size alike
                for size in sizes:
                    times[size].append(_sweep(apps[size], trial))
        medians = {size: statistics.median(times[size]) for size in sizes}
        for size in sizes:
            print(
                f"{kind}: {size:>9,} open cases: one sweep of {DUE:,} due timers "
                f"{medians[size]:.2f} s ({medians[size] / DUE * 1000:.2f} ms/timer; median of "
                f"{TRIALS}: {', '.join(f'{t:.2f}' for t in times[size])})",
                flush=True,
            )
        ratio = medians[sizes[-1]] / medians[sizes[0]]
        print(f"{kind}: ratio {sizes[-1]:,} / {sizes[0]:,} open cases: {ratio:.2f}x (target <= 2x)")


def _sizes() -> tuple[int, ...]:
    given = os.environ.get("SWEEP_BENCH_SIZES")
    return tuple(int(size) for size in given.split(",")) if given else SIZES


class _BenchApplication(Application):
    """The real application without letters: setting up 3,000 cases should not print 3,000."""

    @cached_property
    def letters(self) -> None:
        return None


def _trial_days(app: Application) -> list[date]:
    days = [AS_OF]
    while len(days) < TRIALS:
        days.append(app.calendar.next_working_day(days[-1]))
    return days


@contextmanager
def _prepared(url: str, size: int) -> Iterator[Application]:
    """A store with ``size`` background cases and, per trial day, 1,000 cases due that day."""
    app = _BenchApplication(Settings(db_url=url), FixedClock(AS_OF))
    try:
        app.initialise("bench")
        with app.database.transaction() as session:
            add_agency(session, "zbgd", "某区政务服务管理局", head="王主任")
        started = time.perf_counter()
        _background(app, size)
        loaded = time.perf_counter() - started
        Sweeper(app.cases).sweep(AS_OF - timedelta(days=1))  # warm-up: nothing is due
        for day in _trial_days(app):  # each batch's "5 WD left" reminder falls due on its day
            received = app.calendar.subtract_working_days(day, 15)
            for n in range(DUE):
                app.cases.open(_due_case(received, n))
        _settle(app)
        print(f"  ({size:,} background cases loaded in {loaded:.0f} s; plan: {_plan(app)})")
        yield app
    finally:
        app.close()


def _sweep(app: Application, trial: int) -> float:
    day = _trial_days(app)[trial]
    assert isinstance(app.clock, FixedClock)
    app.clock.set(day)
    began = time.perf_counter()
    report = Sweeper(app.cases).sweep(day)
    elapsed = time.perf_counter() - began
    assert report.counts.timers_fired == DUE, report.view
    assert report.counts.reminders_queued == 2 * DUE, report.view
    return elapsed


def _due_case(received: date, n: int) -> NewCase:
    return NewCase(
        agency="zbgd",
        applicant=f"申请人{n}",
        applicant_type="natural_person",
        channel="in_person",
        received_on=received,
        request="2025年度部门预算",
        handler="李四",
    )


def _background(app: Application, size: int) -> None:
    """N open cases, running answer clocks, four future reminders each; bulk-inserted."""
    calendar = app.calendar
    starts = [AS_OF - timedelta(days=d) for d in range(7)]  # due well after the trial days
    plans = {}
    for start in starts:
        due = calendar.add_working_days(start, 20)
        planned = [(name, calendar.subtract_working_days(due, n)) for name, n in REMINDERS]
        planned.append(("overdue", calendar.next_working_day(due)))
        assert all(on > AS_OF + timedelta(days=7) for _, on in planned)
        plans[start] = (due, planned)
    now = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 9, tzinfo=CHINA)
    version = app.registry.latest().version  # the shipped definition, as the engine would use
    with _writer(app) as write:
        write(
            ApplicantRecord.__table__, ("id", "name", "type"), [(1, "背景申请人", "natural_person")]
        )
        for first in range(1, size + 1, CHUNK):
            ids = range(first, min(first + CHUNK, size + 1))
            cases: list[tuple[Any, ...]] = []
            clocks: list[tuple[Any, ...]] = []
            timers: list[tuple[Any, ...]] = []
            for case_id in ids:
                start = starts[case_id % len(starts)]
                due, planned = plans[start]
                cases.append(_case_row(case_id, start, version))
                clocks.append((case_id, "answer", "running", due, 0, 1))
                timers.extend(
                    (timer_key(case_id, "answer", 1, due, name), case_id, "answer", 1, "reminder",
                     name, on, due, "pending", now)
                    for name, on in planned
                )  # fmt: skip
            write(CaseRecord.__table__, CASE_COLUMNS, cases)
            write(ClockRecord.__table__, CLOCK_COLUMNS, clocks)
            write(TimerRecord.__table__, TIMER_COLUMNS, timers)
    if app.database.is_postgres:
        with app.database.engine.begin() as connection:
            for table in ("applicants", "cases"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
                )  # fmt: skip
            connection.execute(text("ANALYZE"))  # a live store has statistics


def _case_row(case_id: int, received: date, version: int) -> tuple[Any, ...]:
    return (
        case_id, f"bg-{case_id}", 1, 1, "natural_person", "in_person", received, "背景", "张三",
        "disclosure", version, "received", received, 1, False, 1,
    )  # fmt: skip


CASE_COLUMNS = (
    "id", "number", "agency_id", "applicant_id", "applicant_type", "channel", "received_on",
    "request", "handler", "definition_id", "definition_version", "state", "last_event_on",
    "event_count", "imported", "version",
)  # fmt: skip
CLOCK_COLUMNS = ("case_id", "name", "status", "due_on", "extended_by", "version")
TIMER_COLUMNS = (
    "key", "case_id", "clock", "clock_version", "kind", "name", "due_on", "deadline_due_on",
    "status", "created_at",
)  # fmt: skip


@contextmanager
def _writer(app: Application) -> Iterator[Writer]:
    raw = app.database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if app.database.is_postgres:

            def write(table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
                names = ", ".join(f'"{column}"' for column in columns)
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)

        else:
            cursor.execute("BEGIN")

            def write(table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
                names = ", ".join(f'"{column}"' for column in columns)
                marks = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
                cursor.executemany(sql, [tuple(map(_sqlite_value, row)) for row in rows])

        yield write
        if not app.database.is_postgres:
            cursor.execute("COMMIT")
        else:
            raw.commit()
    finally:
        raw.close()


def _sqlite_value(value: Any) -> Any:
    """The text forms SQLAlchemy's SQLite types store (what the ORM reads back)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _settle(app: Application) -> None:
    """Steady state before timing: the bulk load checkpointed, vacuumed and analysed."""
    if app.database.is_sqlite:
        raw = app.database.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return
    with app.database.engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("VACUUM ANALYZE")
        autocommit.exec_driver_sql("CHECKPOINT")


def _plan(app: Application) -> str:
    query = due_timers_query(AS_OF)
    with app.database.engine.connect() as connection:
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        if app.database.is_sqlite:
            rows = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            return "; ".join(str(row[-1]) for row in rows)
        rows = connection.execute(text(f"EXPLAIN {compiled}"))
        return "; ".join(str(row[0]).strip() for row in rows)


@contextmanager
def _sqlite_store() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as scratch:
        yield f"sqlite:///{Path(scratch) / 'bench.db'}"


@contextmanager
def _postgres_store() -> Iterator[str]:
    server = os.environ.get("WORKFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    base = make_url(server).set(drivername="postgresql+psycopg")
    name = f"workflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.render_as_string(False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
