"""The annual report over 1,000,000 cases, and import of 100,000 rows, on SQLite and PostgreSQL.

* Store: ``BENCH_REPORT_CASES`` cases (default 1,000,000) over ten years (2016-2025) and
  eight agencies (a city government and seven departments), loaded with the drivers'
  bulk paths (no events: the report reads none); about 2% appealed, a few closures
  recorded months late, some cases open for long.
* Report: ``workflow report annual --year 2025 --all`` as the command builds it (catch-up
  of recorded dates, tables 三 and 四, all checks, the changes since the reporting date),
  against a hand-written single GROUP BY over the same table in the same run: the year's
  closures by applicant type and outcome. Median of five runs each, warm cache.
* Import: ``BENCH_IMPORT_ROWS`` rows (default 100,000) of a cases CSV into an empty store
  through ``CaseImport`` (validation, applicants, cases, two events per closed case).

PostgreSQL: a fresh database on ``BENCH_PG`` (default the local server), dropped after.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.stores import make_app

from workflow.application import Application
from workflow.importing import CaseImport
from workflow.reporting import ReportRequest, annual_report, catch_up, resolve_scope

TODAY = date(2026, 11, 26)
YEAR = 2025
AGENCIES = ["city", "edu", "health", "housing", "land", "police", "transport", "zbgd"]
TYPES = ["natural_person"] * 16 + ["business"] * 2 + ["research", "nonprofit", "legal_services"]
OUTCOMES = (
    ["disclosed.provided"] * 10
    + ["disclosed.already_public"] * 3
    + ["partially_disclosed"] * 3
    + ["unavailable.not_held"] * 4
    + ["unavailable.other_agency", "withheld.process_information", "not_processed.duplicate"]
    + ["other.withdrawn", "other.correction_lapsed", "withheld.third_party_rights"]
)
# BENCH_PG=1 adds PostgreSQL, on the server the tests use (WORKFLOW_TEST_PG)
PG_BASE = os.environ.get("WORKFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
CASE_COLUMNS = (
    "id, number, agency_id, applicant_id, applicant_type, channel, received_on, request, "
    "definition_id, definition_version, state, outcome, closed_on, first_closed_on, "
    "first_outcome, last_event_on, event_count, imported, version, recorded_on, "
    "first_closed_recorded_on"
)


def _cases(
    count: int, agency_ids: list[int], applicant: int, version: int
) -> Iterator[tuple[object, ...]]:
    rng = random.Random(2025)
    first = date(2016, 1, 1).toordinal()
    span = date(YEAR, 12, 31).toordinal() - first
    for index in range(1, count + 1):
        received = date.fromordinal(first + rng.randrange(span))
        roll = rng.random()
        closed: date | None = received + timedelta(days=rng.randint(1, 40))
        if roll < 0.01:
            closed = None  # never closed
        elif roll < 0.03:
            closed = received + timedelta(days=rng.randint(60, 400))  # long-running
        if closed is not None and closed > TODAY:
            closed = None
        recorded = min(received + timedelta(days=rng.choice((0, 0, 0, 1, 3))), TODAY)
        closed_recorded = None
        if closed is not None:
            late = rng.random() < 0.005
            lag = rng.randint(60, 200) if late else rng.choice((0, 0, 1))
            closed_recorded = max(min(closed + timedelta(days=lag), TODAY), recorded)
        outcome = rng.choice(OUTCOMES) if closed else None
        agency = agency_ids[index % len(agency_ids)]
        yield (
            index, f"B-{received.year}-{index:07d}", agency, applicant, rng.choice(TYPES),
            "online", received, "某信息", "disclosure", version,
            "decided" if closed else "received", outcome, closed, closed, outcome,
            closed or received, 2 if closed else 1, False, 1, recorded, closed_recorded,
        )  # fmt: skip


def _appeals(cases: list[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    rng = random.Random(49)
    kinds = ["reconsideration"] * 3 + ["litigation_direct", "litigation_after_reconsideration"]
    for row in cases:
        closed = row[12]
        if not isinstance(closed, date) or rng.random() > 0.02:
            continue
        filed = min(closed + timedelta(days=rng.randint(5, 60)), TODAY)
        decided = filed + timedelta(days=rng.randint(30, 300))
        pending = decided > TODAY
        result = None if pending else rng.choice(("maintained", "maintained", "corrected", "other"))
        yield (
            row[0], rng.choice(kinds), filed, result, None if pending else decided, False,
            filed, None if pending else decided,
        )  # fmt: skip


def _load(app: Application, count: int) -> None:
    with app.database.transaction() as session:
        from workflow.cases.agencies import add_agency

        for code in AGENCIES:
            if code not in ("city", "zbgd"):
                add_agency(session, code, f"某市{code}局", parent="city")
    engine = app.database.engine
    with engine.begin() as connection:
        agency_ids = [row[0] for row in connection.execute(text("SELECT id FROM agencies"))]
        insert = "INSERT INTO applicants (name, type) VALUES ('申请人', 'natural_person')"
        applicant = connection.execute(text(f"{insert} RETURNING id")).scalar_one()
    version = app.registry.latest().version  # the shipped definition, as the engine would use
    cases = list(_cases(count, agency_ids, applicant, version))
    appeals = list(_appeals(cases))
    appeal_columns = (
        "case_id, kind, filed_on, result, decided_on, imported, filed_recorded_on, "
        "decided_recorded_on"
    )
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if app.database.is_postgres:
            with cursor.copy(f"COPY cases ({CASE_COLUMNS}) FROM STDIN") as copy:
                for row in cases:
                    copy.write_row(row)
            with cursor.copy(f"COPY appeals ({appeal_columns}) FROM STDIN") as copy:
                for row in appeals:
                    copy.write_row(row)
            cursor.execute("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))")
        else:
            cursor.execute("BEGIN")  # the engine's connections run in autocommit mode
            marks = ", ".join("?" * len(CASE_COLUMNS.split(",")))
            cursor.executemany(
                f"INSERT INTO cases ({CASE_COLUMNS}) VALUES ({marks})",
                [_sqlite_row(row) for row in cases],
            )
            cursor.executemany(
                f"INSERT INTO appeals ({appeal_columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [_sqlite_row(row) for row in appeals],
            )
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    print(f"  loaded {len(cases):,} cases and {len(appeals):,} appeals")


def _sqlite_row(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in row)


def _median(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _measure_report(app: Application) -> None:
    def report() -> object:
        catch_up(app.database, app.registry)
        with app.database.reading() as session:
            scope = resolve_scope(session, None)
            return annual_report(session, app.registry, scope, ReportRequest(YEAR, TODAY))

    with app.database.reading() as session:
        ids = ", ".join(str(i) for i in resolve_scope(session, None).ids)

    def baseline() -> object:
        with app.database.engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT applicant_type, first_outcome, count(*) FROM cases "
                    f"WHERE agency_id IN ({ids}) "
                    f"AND first_closed_on BETWEEN '{YEAR}-01-01' AND '{YEAR}-12-31' "
                    "GROUP BY applicant_type, first_outcome"
                )
            ).all()

    report()  # warm up
    ours, plain = _median(report), _median(baseline)
    print(f"  annual report {YEAR}, all agencies: {ours:.3f} s (median of 5)")
    print(f"  hand-written GROUP BY of the year's closures: {plain:.3f} s")
    print(f"  ratio report / GROUP BY: {ours / plain:.2f}")


def _measure_import(app: Application, rows: int, directory: Path) -> None:
    path = directory / "cases.csv"
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["number", "agency", "applicant_name", "applicant_type", "channel", "received_on",
             "request", "closed_on", "outcome"]
        )  # fmt: skip
        for index in range(rows):
            received = date(2019, 1, 1) + timedelta(days=rng.randrange(2500))
            closed = received + timedelta(days=rng.randint(1, 40))
            open_case = rng.random() < 0.02 or closed > TODAY
            writer.writerow(
                [f"zbgd-{received.year}-{index + 1:06d}", "zbgd", f"申请人{index}",
                 rng.choice(TYPES), "online", received.isoformat(), "某信息",
                 "" if open_case else closed.isoformat(),
                 "" if open_case else rng.choice(OUTCOMES)]
            )  # fmt: skip
    importer = CaseImport(app.database, app.registry, app.clock)
    began = time.perf_counter()
    result = importer.run(path)
    took = time.perf_counter() - began
    print(f"  import {result.rows:,} rows: {took:.1f} s, {result.rows / took:,.0f} rows/s")


@contextmanager
def _store(kind: str, directory: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'report-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"workflow_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        make_url(PG_BASE).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(PG_BASE)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run() -> None:
    cases = int(os.environ.get("BENCH_REPORT_CASES", "1000000"))
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for kind in ("sqlite", "postgres") if os.environ.get("BENCH_PG") else ("sqlite",):
            print(f"-- {kind}")
            with _store(kind, directory) as url:
                app = make_app(url, today=TODAY)
                try:
                    began = time.perf_counter()
                    _load(app, cases)
                    print(f"  (load: {time.perf_counter() - began:.0f} s)")
                    _measure_report(app)
                finally:
                    app.close()
            with _store(kind, directory) as url:
                app = make_app(url, today=TODAY)
                try:
                    _measure_import(app, rows, directory)
                finally:
                    app.close()
