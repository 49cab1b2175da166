"""Errors by who can fix them: the class, its fields, the case named once, the exit code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli import Result, run
from workflow.errors import (
    ConfigError,
    ConstraintViolation,
    CorruptCase,
    InvalidInput,
    LedgerError,
    StoreBusy,
    StoreUnavailable,
    TransitionRejected,
    WorkflowError,
    case_context,
)
from workflow.store.database import Database

OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-11-20",
    "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip


def error_line(result: Result, code: int) -> str:
    """The one line an error prints, and the exit code that says who can fix it."""
    assert result.code == code, result
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return lines[0]


def test_exit_codes_are_part_of_the_classes() -> None:
    assert (InvalidInput.exit_code, StoreBusy.exit_code, ConfigError.exit_code) == (2, 3, 4)
    assert (CorruptCase.exit_code, LedgerError.exit_code, StoreUnavailable.exit_code) == (5, 5, 6)
    assert issubclass(TransitionRejected, InvalidInput)
    assert issubclass(ConstraintViolation, InvalidInput)


def test_the_case_is_named_once_where_it_is_known() -> None:
    with (
        pytest.raises(InvalidInput) as raised,
        case_context("zbgd-2026-0001"),
        case_context("inner-wins"),
    ):
        raise InvalidInput("no pending appeal")
    assert raised.value.case == "inner-wins"
    assert str(raised.value) == "inner-wins: no pending appeal"
    rejected = TransitionRejected("zbgd-2026-0001", "decide", "received", ["extend"])
    with pytest.raises(TransitionRejected) as again, case_context("zbgd-2026-0001"):
        raise rejected
    assert str(again.value).count("zbgd-2026-0001") == 1
    assert (again.value.case, again.value.trigger) == ("zbgd-2026-0001", "decide")


def test_a_refused_step_names_its_case_once(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, *OPEN)
    line = error_line(
        run(capsys, "case", "fire", "zbgd-2026-0001", "resolve_appeal", "--on", "2026-11-25"), 2
    )
    assert line.count("zbgd-2026-0001") == 1, line


def test_operator_settings_exit_4_with_the_key(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "26 Nov")
    line = error_line(run(capsys, "case", "list"), 4)
    assert "WORKFLOW_TODAY" in line
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    monkeypatch.setenv("WORKFLOW_LOCK_WAIT", "soon")
    assert "WORKFLOW_LOCK_WAIT" in error_line(run(capsys, "case", "list"), 4)


def test_an_unreachable_store_exits_6(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_DB", "postgresql://nobody@127.0.0.1:1/none")
    line = error_line(run(capsys, "case", "list"), 6)
    assert "the store cannot be used" in line


def test_a_store_without_schema_says_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_DB", f"sqlite:///{tmp_path / 'empty.db'}")
    assert "workflow init" in error_line(run(capsys, "case", "list"), 6)


def test_a_held_sqlite_lock_is_busy_not_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    path = tmp_path / "workflow.db"
    monkeypatch.setenv("WORKFLOW_DB", f"sqlite:///{path}")
    assert run(capsys, "init").code == 0
    assert run(capsys, "agency", "add", "zbgd", "--name", "淄博高端装备中心").code == 0
    monkeypatch.setenv("WORKFLOW_LOCK_WAIT", "0.2")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        line = error_line(run(capsys, *OPEN), 3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "the store is busy" in line
    assert "try again" in line
    assert "cannot be used" not in line
    assert run(capsys, *OPEN).code == 0  # and nothing was half-done: the next one works


def test_a_held_postgres_row_lock_is_busy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.stores import postgres_database

    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    with postgres_database() as url:
        monkeypatch.setenv("WORKFLOW_DB", url)
        run(capsys, "init")
        run(capsys, "agency", "add", "zbgd", "--name", "淄博高端装备中心")
        run(capsys, *OPEN)
        monkeypatch.setenv("WORKFLOW_LOCK_WAIT", "0.2")
        holder = Database(url)
        try:
            with holder.transaction() as session:
                session.execute(text("SELECT 1 FROM cases FOR UPDATE"))
                fired = run(
                    capsys, "case", "fire", "zbgd-2026-0001", "extend", "--on", "2026-11-25",
                    "--approver", "王主任",
                )  # fmt: skip
        finally:
            holder.dispose()
        assert "the store is busy" in error_line(fired, 3)


@pytest.mark.parametrize("store_kind", ["sqlite", "postgres"], indirect=False)
def test_a_unique_violation_is_known_by_its_constraint_name(
    store_kind: str, tmp_path: Path
) -> None:
    from tests.stores import store_url
    from workflow.store import schema

    with store_url(store_kind, tmp_path) as url:
        database = Database(url)
        try:
            schema.upgrade(database)
            insert = text("INSERT INTO agencies (code, name) VALUES ('zbgd', '淄博')")
            with database.transaction() as session:
                session.execute(insert)
            with pytest.raises(ConstraintViolation) as raised, database.transaction() as session:
                session.execute(insert)
        finally:
            database.dispose()
    assert raised.value.constraint == "uq_agencies_code"
    assert "cannot be used" not in str(raised.value)


def test_every_error_is_a_workflow_error_with_a_message() -> None:
    for error in (
        ConfigError("not a directory", path="/x", key="WORKFLOW_LETTER_TEMPLATES"),
        CorruptCase("zbgd-2026-0001", "its agency record is missing"),
        LedgerError("answer", "the first entry must be a start"),
        StoreBusy(30),
    ):
        assert isinstance(error, WorkflowError)
        assert str(error)
    config = ConfigError("bad", path="notify.yaml", key="users.王伟")
    assert (config.path, config.key, str(config)) == (
        "notify.yaml",
        "users.王伟",
        "notify.yaml: users.王伟: bad",
    )


def test_on_postgres_one_agencys_open_step_does_not_hold_another(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step in progress holds its case row and its agency's counters; another agency's
    case opens meanwhile (on SQLite it would wait for the one write lock: the README says so)."""
    from tests.stores import postgres_database

    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    with postgres_database() as url:
        monkeypatch.setenv("WORKFLOW_DB", url)
        run(capsys, "init")
        run(capsys, "agency", "add", "zbgd", "--name", "淄博高端装备中心")
        run(capsys, "agency", "add", "city", "--name", "市政府")
        run(capsys, *OPEN)
        monkeypatch.setenv("WORKFLOW_LOCK_WAIT", "0.5")
        holder = Database(url)
        try:
            with holder.transaction() as session:  # as zbgd's slow step would, mid-render
                session.execute(text("SELECT 1 FROM cases FOR NO KEY UPDATE"))
                session.execute(text("UPDATE counters SET value = value"))
                other = [("city" if arg == "zbgd" else arg) for arg in OPEN]
                opened = run(capsys, *other)
                blocked = run(capsys, *OPEN)
        finally:
            holder.dispose()
    assert (opened.code, opened.out) == (0, "city-2026-0001\n")
    assert "the store is busy" in error_line(blocked, 3)  # its own agency's counter waits
