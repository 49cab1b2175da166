"""Reads written as plain SQL (``store.rows``) give what the records hold, on either store;
on a SQLite file they run on ``sqlite3`` alone and refuse a bad store as a unit of work does."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import bindparam, select

from tests.stores import TODAY, TestApplication
from tests.test_cases import fire, open_case
from workflow.access import audit
from workflow.cases.calendar_years import read_years
from workflow.cases.views import show_case
from workflow.clock import FixedClock
from workflow.errors import StoreBusy, StoreUnavailable
from workflow.settings import Settings
from workflow.store.access_records import AuditRecord
from workflow.store.ledger_rows import read_ledgers
from workflow.store.ledgers import load_ledgers
from workflow.store.prepared import Prepared
from workflow.store.records import (
    AppealRecord,
    CalendarYearRecord,
    CaseEventRecord,
    CaseRecord,
)
from workflow.store.rows import CoreRows, SqliteRows, moment, sqlite_file, sqlite_rows
from workflow.store.tables import table_of

AUDIT = table_of(AuditRecord)

AS_OF = date(2026, 5, 20)


def _eventful_case(app: TestApplication) -> str:
    """A case with a paused and extended clock, a decision, two appeals and a reopening."""
    number = open_case(app)
    fire(app, number, "consult_third_party", date(2026, 2, 16), party="某科技有限公司")
    fire(app, number, "receive_third_party_reply", date(2026, 2, 25))
    fire(app, number, "extend", date(2026, 3, 2), approver="王主任", reason="需要调阅档案")
    fire(app, number, "decide", date(2026, 3, 10), outcome="withheld.internal_affairs",
         reason="内部管理信息")  # fmt: skip
    fire(app, number, "appeal", date(2026, 4, 1), kind="reconsideration")
    fire(app, number, "resolve_appeal", date(2026, 5, 6), result="corrected")
    fire(app, number, "reopen", date(2026, 5, 8))
    return number


def test_a_case_read_as_plain_sql_is_the_case_its_records_hold(app: TestApplication) -> None:
    number = _eventful_case(app)
    with app.reading_rows() as rows:
        assert isinstance(rows, SqliteRows if app.database.is_sqlite else CoreRows)
        view = show_case(rows, app.registry, app.calendar, number, AS_OF)
        years = read_years(rows)
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one()
        events = session.scalars(
            select(CaseEventRecord)
            .where(CaseEventRecord.case_id == case.id)
            .order_by(CaseEventRecord.seq)
        ).all()
        appeals = session.scalars(select(AppealRecord).where(AppealRecord.case_id == case.id))
        stored_years = session.scalars(select(CalendarYearRecord).order_by(CalendarYearRecord.year))
        assert read_ledgers(session, case.id) == load_ledgers(session.connection(), case.id)
        assert view == show_case(session, app.registry, app.calendar, number, AS_OF)
        assert (view.received_on, view.state, view.version) == (
            case.received_on, case.state, case.version)  # fmt: skip
        assert {e.recorded_at.utcoffset() for e in view.events} == {timedelta(hours=8)}
        assert [
            (e.seq, e.trigger, e.occurred_on, e.recorded_at, e.payload, e.imported)
            for e in view.events
        ] == [
            (e.seq, e.trigger, e.occurred_on, e.recorded_at, e.payload, e.imported) for e in events
        ]
        assert [(a.kind.value, a.filed_on, a.decided_on) for a in view.appeals] == [
            (a.kind, a.filed_on, a.decided_on) for a in appeals
        ]
        assert [(y.year, y.loaded_at, y.source_text) for y in years] == [
            (y.year, y.loaded_at, y.source_text) for y in stored_years
        ]
    assert any(event.payload for event in view.events)
    assert {type(value) for value in (view.received_on, view.events[-1].occurred_on)} == {date}
    explained = view.deadlines[0].explanation  # the ledger's pause, extension and restart
    assert "暂停（征求第三方意见）" in explained[1]
    assert explained[3].startswith("延长20个工作日，王主任于2026-03-02批准")


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:///workflow.db", Path("workflow.db")),
        ("sqlite:////srv/公开/workflow.db", Path("/srv/公开/workflow.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///workflow.db?timeout=5", None),  # options: SQLAlchemy reads them
        ("sqlite+pysqlite:///workflow.db", None),
        ("postgresql://postgres@127.0.0.1/test", None),
    ],
)
def test_only_a_plain_sqlite_url_is_read_without_sqlalchemy(url: str, file: Path | None) -> None:
    assert sqlite_file(url) == file


def test_a_missing_store_file_is_refused_and_not_made(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    with pytest.raises(StoreUnavailable, match="cannot be opened"), sqlite_rows(missing, 1.0):
        pass
    assert not missing.exists()
    application = TestApplication(Settings(db_url=f"sqlite:///{missing}"), FixedClock(TODAY),
                                  letters=False)  # fmt: skip
    assert application.has_store is False
    assert not missing.exists()


def test_a_file_that_is_no_store_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库\n" * 200, encoding="utf-8")
    with (
        pytest.raises(StoreUnavailable, match="file is not a database"),
        sqlite_rows(path, 1.0) as rows,
    ):
        rows.all("SELECT 1 FROM cases")


def test_a_store_without_the_schema_names_workflow_init(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    application = TestApplication(Settings(db_url=f"sqlite:///{path}"), FixedClock(TODAY),
                                  letters=False)  # fmt: skip
    assert application.has_store is False
    with pytest.raises(StoreUnavailable, match="workflow init"), sqlite_rows(path, 1.0) as rows:
        rows.all("SELECT number FROM cases")


def test_a_store_locked_past_the_wait_is_busy(tmp_path: Path) -> None:
    """A store in rollback-journal mode, its writer holding the lock: the read waits its
    time, then says the store is busy (in WAL, the store's own mode, a read never waits)."""
    path = tmp_path / "journal.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE cases (number TEXT)")
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreBusy), sqlite_rows(path, 0.05) as rows:
            rows.all("SELECT number FROM cases")
    finally:
        writer.rollback()
        writer.close()


def test_an_instant_is_read_back_in_china_time_by_every_path(app: TestApplication) -> None:
    # SQLite keeps no offset, PostgreSQL answers in its session's zone: an instant given
    # in any zone is the same instant read back, in China time, whichever way it is read.
    given = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    with app.database.transaction() as session:
        audit.record(session, given, "cli", "instant_check")
    china = timedelta(hours=8)
    with app.database.reading() as session:
        record = session.scalars(select(AuditRecord).where(AuditRecord.action == "instant_check"))
        core = session.execute(select(AUDIT.c.at).where(AUDIT.c.action == "instant_check"))
        prepared = Prepared(select(AUDIT.c.at).where(AUDIT.c.action == bindparam("b_action")))
        read = [
            record.one().at,
            core.scalar_one(),
            prepared.rows(session.connection(), {"b_action": "instant_check"})[0][0],
        ]
    with app.reading_rows() as rows:
        ((plain,),) = rows.all("SELECT at FROM audit_log WHERE action = :a", {"a": "instant_check"})
        read.append(moment(plain))
    assert read == [given] * 4
    assert [instant.utcoffset() for instant in read] == [china] * 4
    assert read[0].hour == 9  # the wall time in China


def test_a_naive_instant_is_taken_as_china_time_on_either_store(app: TestApplication) -> None:
    # The project writes none (ruff's DTZ rules); a caller of the store might.
    naive = datetime(2026, 3, 1, 9, 30)  # noqa: DTZ001
    with app.database.transaction() as session:
        audit.record(session, naive, "cli", "naive_check")
    with app.database.reading() as session:
        stored = session.scalars(select(AUDIT.c.at).where(AUDIT.c.action == "naive_check")).one()
    assert stored == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
