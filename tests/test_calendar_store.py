"""The calendar years live in the store (SQLite and PostgreSQL): loaded by ``init``, written by
``import-notice`` and ``calendar load``, shown by ``calendar years`` with origin and hash,
and corrected by a release, audited, without overwriting what the office loaded itself.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from tests import synthetic_2027
from tests.cli import one_line_error, run
from tests.test_calendar_recompute import (
    NUMBER,
    a_december_case_dated_by_2027,
    answer_row,
    open_on,
    timers,
)
from workflow import resources
from workflow.deadlines import Holiday
from workflow.deadlines.calendar_files import content_hash, dump_year, read_year_file
from workflow.settings import Settings
from workflow.store import schema
from workflow.store.database import Database
from workflow.store.records import CalendarYearRecord

SHIPPED = list(range(2019, 2027))


def a_newer_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped year files of a newer release: a copy this test may change."""
    shipped = tmp_path / "release" / "definitions" / "calendars" / "cn"
    shutil.copytree(resources.calendars_dir(), shipped)
    monkeypatch.setattr(resources, "calendars_dir", lambda: shipped)
    return shipped


def with_a_day_off(path: Path, day: date, name: str = "更正示例") -> None:
    """A made-up correction of a year file, for the test only: ``day`` off as well."""
    schedule = read_year_file(path)
    corrected = replace(schedule, holidays=(*schedule.holidays, Holiday(name, (day,))))
    path.write_text(dump_year(corrected), encoding="utf-8")


def test_init_loads_the_shipped_years_and_calendar_years_shows_their_origin_and_hash(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = run(capsys, "calendar", "years", "--json").json()
    assert listed["store"] is True
    assert [row["year"] for row in listed["years"]] == SHIPPED
    row = listed["years"][-1]
    shipped_2026 = read_year_file(resources.calendars_dir() / "2026.yaml")
    assert {key: row[key] for key in ("year", "working_days", "origin", "source")} == {
        "year": 2026,
        "working_days": 248,
        "origin": "shipped",
        "source": "definitions/calendars/cn/2026.yaml",
    }
    assert row["content_hash"] == content_hash(shipped_2026)
    assert row["notices"][0]["number"] == "国办发明电〔2025〕7号"
    assert row["loaded_by"] == Settings.resolve().actor(None)  # who ran `workflow init`
    assert row["loaded_at"].startswith("2026-11-26")
    human = run(capsys, "calendar", "years").out.splitlines()
    assert human[-1].startswith(
        "2026  248 working days  33 off, 6 make-up  国办发明电〔2025〕7号  "
        f"shipped definitions/calendars/cn/2026.yaml  {row['content_hash'][:12]}, loaded by "
    )
    again = run(capsys, "init")
    assert (
        again.out == f"schema is up to date (revision {schema.head_revision()})\n"
    )  # nothing loaded twice


def test_import_notice_shows_in_calendar_years_and_its_history(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notice = synthetic_2027.write_notice(tmp_path)
    assert run(capsys, "calendar", "import-notice", str(notice), "--by", "李四").code == 0
    row = run(capsys, "calendar", "years", "--json").json()["years"][-1]
    assert (row["year"], row["origin"], row["source"], row["loaded_by"]) == (
        2027,
        "notice",
        "2027-synthetic-notice.txt",
        "李四",
    )
    assert row["content_hash"] == content_hash(synthetic_2027.schedule())
    assert "imported notice 2027-synthetic-notice.txt" in run(capsys, "calendar", "years").out
    # the same notice again: nothing to do; a different 2027 needs --force
    same = run(capsys, "calendar", "import-notice", str(notice))
    assert "calendar 2027: already in the store as imported notice" in same.out
    other = tmp_path / "2027.yaml"
    other.write_text(dump_year(synthetic_2027.schedule()), encoding="utf-8")
    with_a_day_off(other, date(2027, 1, 4))
    refused = one_line_error(run(capsys, "calendar", "load", str(other)))
    assert "2027 is already in the store as the imported notice 2027-synthetic-notice.txt" in (
        refused
    )
    history = run(capsys, "calendar", "history", "2027", "--json").json()["changes"]
    assert [(change["action"], change["by"]) for change in history] == [("loaded", "李四")]
    assert history[0]["content_hash"] == row["content_hash"]


def test_a_release_that_corrects_a_shipped_year_is_applied_with_an_audit_of_the_due_dates(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-01")
    assert open_on(capsys, "2026-12-01").code == 0  # answer due 2026-12-29
    was = run(capsys, "calendar", "years", "--json").json()["years"][-1]["content_hash"]
    release = a_newer_release(tmp_path, monkeypatch)
    with_a_day_off(release / "2026.yaml", date(2026, 12, 24))

    upgraded = run(capsys, "init", "--by", "运维")
    assert upgraded.code == 0, upgraded.err
    now = content_hash(read_year_file(release / "2026.yaml"))
    assert (
        "calendar 2026: corrected by this release: the shipped definitions/calendars/cn/2026.yaml "
        f"(hash {was[:12]}, loaded by " in upgraded.out
    )
    assert f"-> shipped definitions/calendars/cn/2026.yaml (hash {now[:12]})" in upgraded.out
    assert f"{NUMBER}  answer: due 2026-12-29 -> due 2026-12-30; timers: 4 planned" in upgraded.out
    assert answer_row(db) == ("running", date(2026, 12, 30))
    assert timers(db)["answer:v1@2026-12-30:on_due"] == (date(2026, 12, 30), "pending")
    [corrected] = [
        change
        for change in run(capsys, "calendar", "history", "2026", "--json").json()["changes"]
        if change["action"] == "corrected"
    ]
    assert (corrected["previous_hash"], corrected["content_hash"], corrected["by"]) == (
        was,
        now,
        "运维",
    )
    assert corrected["deadlines"] == [
        {
            "case": NUMBER,
            "clock": "answer",
            "before": "2026-12-29",
            "after": "2026-12-30",
            "awaiting_calendar_year": None,
        }
    ]
    shown = run(capsys, "calendar", "history", "2026").out
    assert f"{NUMBER} answer: 2026-12-29 -> 2026-12-30" in shown
    assert run(capsys, "verify").code == 0
    assert run(capsys, "init").out == f"schema is up to date (revision {schema.head_revision()})\n"


def test_a_year_the_office_loaded_is_not_overwritten_by_a_release_without_saying_so(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    a_december_case_dated_by_2027(capsys, monkeypatch, tmp_path)
    assert answer_row(db) == ("running", date(2027, 1, 8))
    ours = content_hash(synthetic_2027.schedule())
    release = a_newer_release(tmp_path, monkeypatch)
    (release / "2027.yaml").write_text(dump_year(synthetic_2027.schedule()), encoding="utf-8")
    with_a_day_off(release / "2027.yaml", date(2027, 1, 4))  # the release's 2027 differs
    theirs = content_hash(read_year_file(release / "2027.yaml"))

    upgraded = run(capsys, "init")
    assert upgraded.code == 0, upgraded.err
    assert (
        f"note: calendar 2027: this release ships a different 2027 (hash {theirs[:12]}); the "
        "store keeps the imported notice 2027-synthetic-notice.txt" in upgraded.out
    )
    assert "workflow calendar load --shipped 2027 --force" in upgraded.out
    assert answer_row(db) == ("running", date(2027, 1, 8))  # counted with the office's 2027
    row = run(capsys, "calendar", "years", "--json").json()["years"][-1]
    assert (row["origin"], row["content_hash"]) == ("notice", ours)
    # said at every upgrade, recorded once
    assert "this release ships a different 2027" in run(capsys, "init").out
    kept = run(capsys, "calendar", "history", "2027", "--json").json()["changes"]
    assert [(change["action"], change["content_hash"]) for change in kept] == [
        ("loaded", ours),
        ("kept", theirs),
    ]

    # the office decides to count with the release's
    adopted = run(capsys, "calendar", "load", "--shipped", "2027", "--force")
    assert adopted.code == 0, adopted.err
    assert f"{NUMBER}  answer: due 2027-01-08 -> due 2027-01-11" in adopted.out
    row = run(capsys, "calendar", "years", "--json").json()["years"][-1]
    assert (row["origin"], row["content_hash"]) == ("shipped", theirs)
    assert "different 2027" not in run(capsys, "init").out


def test_init_with_a_calendars_directory_loads_its_years_once(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A store kept with --calendars DIR before: `init` moves DIR's years into the store."""
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-10")
    assert open_on(capsys, "2026-12-10").code == 0
    directory = tmp_path / "calendars"
    synthetic_2027.write_year_file(directory)
    upgraded = run(capsys, "--calendars", str(directory), "init")
    assert f"calendar 2027: loaded file {directory / '2027.yaml'}" in upgraded.out
    assert answer_row(db) == ("running", date(2027, 1, 8))
    assert run(capsys, "case", "show", NUMBER).code == 0  # no option from now on
    assert run(capsys, "--calendars", str(directory), "init").out.count("calendar 2027") == 0


def test_a_store_year_changed_behind_the_engine_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database = Database(db)
    try:
        with database.transaction() as session:
            session.execute(
                update(CalendarYearRecord)
                .where(CalendarYearRecord.year == 2026)
                .values(days={"year": 2026, "notices": [], "holidays": []})
            )
    finally:
        database.dispose()
    error = one_line_error(run(capsys, "calendar", "is-workday", "2026-10-08"), code=5)
    assert "calendar year 2026" in error
    assert "do not match its content hash" in error


def test_pure_calendar_commands_need_no_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKFLOW_DB", raising=False)
    assert run(capsys, "calendar", "add-workdays", "2026-02-12", "7").out == "2026-02-28\n"
    listed = run(capsys, "calendar", "years", "--json").json()
    assert listed["store"] is False
    assert [row["origin"] for row in listed["years"]] == ["shipped"] * len(SHIPPED)
    year_file = str(synthetic_2027.write_year_file(tmp_path / "calendars"))
    assert "no case store here" in one_line_error(run(capsys, "calendar", "load", year_file))
    assert not (tmp_path / "workflow.db").exists()  # nothing created by asking
