"""Flagged deadlines in the store, and ``workflow calendar recompute`` (SQLite and PostgreSQL).

"Today" moves into December 2026, when the 2027 notice is not loaded: applications still
register, their 2027 due dates flagged; importing the (synthetic) 2027 notice, or correcting
a year, recomputes them and their timers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import synthetic_2027
from tests.cli import Result, one_line_error, run
from tests.scheduling.casework import act, open_case, reminders, sweep
from tests.stores import TODAY, TestApplication
from workflow.cases.calendar_loading import explicit
from workflow.cases.calendar_years import year_file
from workflow.cases.recompute import recompute
from workflow.clock import FixedClock
from workflow.deadlines import Holiday, WorkingCalendar
from workflow.deadlines.calendar_files import dump_year, read_year_file
from workflow.resources import calendars_dir
from workflow.store.database import Database
from workflow.store.records import ClockRecord, OutboxRecord, TimerRecord

NUMBER = "zbgd-2026-0001"


def open_on(capsys: pytest.CaptureFixture[str], received: str, *extra: str) -> Result:
    return run(
        capsys, "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
        "natural_person", "--channel", "online", "--received", received, "--request",
        "2026年度部门预算", "--by", "李四", *extra,
    )  # fmt: skip


def timers(url: str, clock: str = "answer") -> dict[str, tuple[date, str]]:
    """The clock's timers by key (without the case id): (day, status)."""
    database = Database(url)
    try:
        with database.reading() as session:
            rows = session.execute(
                select(TimerRecord.key, TimerRecord.due_on, TimerRecord.status).where(
                    TimerRecord.clock == clock
                )
            ).all()
    finally:
        database.dispose()
    return {key.split(":", 1)[1]: (day, status) for key, day, status in rows}


def timer_count(url: str) -> int:
    database = Database(url)
    try:
        with database.reading() as session:
            return int(session.scalar(select(func.count()).select_from(TimerRecord)) or 0)
    finally:
        database.dispose()


def answer_row(url: str) -> tuple[str, date | None]:
    database = Database(url)
    try:
        with database.reading() as session:
            row = session.execute(
                select(ClockRecord.status, ClockRecord.due_on).where(ClockRecord.name == "answer")
            ).one()
    finally:
        database.dispose()
    return row.status, row.due_on


def test_a_december_application_is_flagged_then_dated_when_2027_is_imported(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-10")
    opened = open_on(capsys, "2026-12-10", "--json")
    assert opened.code == 0, opened.err
    answer = opened.json()["deadlines"]["answer"]
    assert {key: answer[key] for key in ("due_on", "status", "running", "awaiting_calendar_year",
            "remaining_workdays", "overdue_workdays")} == {
        "due_on": None, "status": "running", "running": True, "awaiting_calendar_year": 2027,
        "remaining_workdays": 20, "overdue_workdays": 0,
    }  # fmt: skip
    assert answer["explanation"] == [
        "自2026-12-10起20个工作日：其中15个工作日计至2026-12-31，其余5个计入2027年，"
        "该年节假日安排尚未载入，载入后即确定到期日（workflow calendar import-notice）"
    ]
    notice_window = opened.json()["deadlines"]["correction_notice"]
    assert (notice_window["due_on"], notice_window["awaiting_calendar_year"]) == (
        "2026-12-21",
        None,
    )
    assert answer_row(db) == ("running", None)
    assert timers(db) == {}  # no due date, no reminders
    shown = run(capsys, "case", "show", NUMBER).out
    assert "答复期限 [answer]：到期日未定（待2027年日历），剩 20 个工作日" in shown
    letter = run(
        capsys,
        "letter",
        "render",
        NUMBER,
        "--kind",
        "acknowledgement",
        "--format",
        "txt",
        "-o",
        "-",
    ).out
    assert "自收到申请之日起20个工作日内作出答复" in letter  # the period, no invented date

    # the officer's lists: flagged, never silently dropped
    awaiting = run(capsys, "case", "list", "--awaiting-calendar", "--json").json()["cases"]
    assert [row["next_due"] for row in awaiting] == [answer]  # the one shape of a deadline
    assert run(capsys, "case", "list", "--due-within", "3", "--json").json()["cases"] == []
    reaching_2027 = run(capsys, "case", "list", "--due-within", "20").out
    assert "答复期限 到期日未定（待2027年日历），剩 20 个工作日" in reaching_2027
    assert run(capsys, "case", "list", "--overdue", "--json").json()["cases"] == []
    assert run(capsys, "verify").code == 0

    imported = run(
        capsys, "calendar", "import-notice", str(synthetic_2027.write_notice(tmp_path)),
        "--by", "李四",
    )  # fmt: skip
    assert imported.code == 0, imported.err
    assert "calendar 2027: loaded imported notice 2027-synthetic-notice.txt (hash " in imported.out
    assert f"{NUMBER}  answer: due unknown -> due 2027-01-08; timers: 4 planned" in imported.out
    assert "1 clock(s) changed in 1 case(s); timers: 4 planned" in imported.out
    assert answer_row(db) == ("running", date(2027, 1, 8))
    assert timers(db) == {
        "answer:v1@2027-01-08:before_5": (date(2026, 12, 31), "pending"),
        "answer:v1@2027-01-08:before_1": (date(2027, 1, 7), "pending"),
        "answer:v1@2027-01-08:on_due": (date(2027, 1, 8), "pending"),
        "answer:v1@2027-01-08:overdue": (date(2027, 1, 11), "pending"),
    }
    # imported once, in the store: every later command counts with it, with no option
    dated = run(capsys, "case", "show", NUMBER, "--json").json()["deadlines"]["answer"]
    assert (dated["due_on"], dated["awaiting_calendar_year"]) == ("2027-01-08", None)
    assert dated["explanation"] == ["自2026-12-10起20个工作日：2027-01-08到期"]
    listed = run(capsys, "case", "list", "--due-within", "20", "--json").json()["cases"]
    assert [row["next_due"]["due_on"] for row in listed] == ["2027-01-08"]
    assert run(capsys, "case", "list", "--awaiting-calendar", "--json").json()["cases"] == []
    assert run(capsys, "calendar", "add-workdays", "2026-12-31", "1").out == "2027-01-04\n"
    verified = run(capsys, "verify")
    assert verified.code == 0, verified.out

    count = timer_count(db)
    again = run(capsys, "calendar", "recompute", "--json")
    assert again.code == 0
    summary = again.json()
    assert (summary["clocks_changed"], summary["timers_planned"], summary["changes"]) == (0, 0, [])
    assert timer_count(db) == count  # idempotent, and nothing put back to "awaiting 2027"
    assert answer_row(db) == ("running", date(2027, 1, 8))
    monkeypatch.setenv("WORKFLOW_TODAY", "2027-01-04")  # a date in 2027 is a date now
    swept = run(capsys, "sweep", "--json")
    assert (swept.code, swept.json()["timers_fired"], swept.json()["errors"]) == (0, 1, 0)
    assert run(capsys, "verify").code == 0


def a_december_case_dated_by_2027(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Case NUMBER received 2026-12-10, its answer dated 2027-01-08 by the imported notice."""
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-10")
    assert open_on(capsys, "2026-12-10").code == 0
    notice = synthetic_2027.write_notice(tmp_path)
    assert run(capsys, "calendar", "import-notice", str(notice)).code == 0


def test_another_process_counts_with_a_year_imported_by_this_one(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    a_december_case_dated_by_2027(capsys, monkeypatch, tmp_path)
    elsewhere = tmp_path / "elsewhere"  # another host: another directory, no calendar files
    elsewhere.mkdir()
    shown = subprocess.run(
        [sys.executable, "-m", "workflow", "case", "show", NUMBER, "--json"],
        capture_output=True, text=True, cwd=elsewhere, check=False,
        env={**os.environ, "WORKFLOW_DB": db, "WORKFLOW_TODAY": "2026-12-10"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["deadlines"]["answer"]["due_on"] == "2027-01-08"


def test_recompute_json_has_the_documented_shape(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-10")
    assert open_on(capsys, "2026-12-10").code == 0
    file_2027 = synthetic_2027.write_year_file(tmp_path / "calendars")
    loaded = run(capsys, "calendar", "load", str(file_2027), "--no-recompute")
    assert "deadlines not recomputed: run `workflow calendar recompute`" in loaded.out
    data = run(capsys, "calendar", "recompute", "--as-of", "2026-12-10", "--json").json()
    assert set(data) == {
        "as_of", "cases_checked", "cases_changed", "clocks_changed", "timers_planned",
        "timers_already_due", "timers_redated", "timers_restored", "timers_superseded",
        "changes", "timers", "failures",
    }  # fmt: skip
    assert data["changes"] == [
        {
            "case": NUMBER, "clock": "answer", "open": True,
            "before": {"status": "running", "due_on": None},
            "after": {"status": "running", "due_on": "2027-01-08", "awaiting_calendar_year": None},
        }
    ]  # fmt: skip
    assert [timer["name"] for timer in data["timers"]] == [
        "before_5", "before_1", "on_due", "overdue"
    ]  # fmt: skip
    assert data["failures"] == []
    assert "after today" in one_line_error(
        run(capsys, "calendar", "recompute", "--as-of", "2026-12-11")
    )


def _corrected_2026(directory: Path) -> None:
    """2026 as shipped, plus 24 December off: a made-up correction, for the test only."""
    shipped = read_year_file(calendars_dir() / "2026.yaml")
    extra = Holiday("更正示例", (date(2026, 12, 24),))
    directory.mkdir(parents=True, exist_ok=True)
    corrected = replace(shipped, holidays=(*shipped.holidays, extra))
    (directory / "2026.yaml").write_text(dump_year(corrected), encoding="utf-8")


def test_a_corrected_year_moves_a_due_date_and_supersedes_its_reminders(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-01")
    assert open_on(capsys, "2026-12-01").code == 0
    before = {
        "answer:v1@2026-12-29:before_5": (date(2026, 12, 22), "pending"),
        "answer:v1@2026-12-29:before_1": (date(2026, 12, 28), "pending"),
        "answer:v1@2026-12-29:on_due": (date(2026, 12, 29), "pending"),
        "answer:v1@2026-12-29:overdue": (date(2026, 12, 30), "pending"),
    }
    assert timers(db) == before
    corrected = tmp_path / "corrected"
    _corrected_2026(corrected)

    refused = one_line_error(run(capsys, "calendar", "load", str(corrected / "2026.yaml")))
    assert "2026 is already in the store as the shipped definitions/calendars/cn/2026.yaml" in (
        refused
    )
    assert "give --force to replace it" in refused
    moved = run(capsys, "calendar", "load", str(corrected / "2026.yaml"), "--force")
    assert moved.code == 0, moved.err
    assert "calendar 2026: replaced: the shipped definitions/calendars/cn/2026.yaml" in moved.out
    assert (
        f"{NUMBER}  answer: due 2026-12-29 -> due 2026-12-30; timers: 4 planned, 4 superseded"
        in moved.out
    )
    assert answer_row(db) == ("running", date(2026, 12, 30))
    assert timers(db) == {
        **{key: (day, "superseded") for key, (day, _) in before.items()},
        "answer:v1@2026-12-30:before_5": (date(2026, 12, 22), "pending"),  # 24th off now
        "answer:v1@2026-12-30:before_1": (date(2026, 12, 29), "pending"),
        "answer:v1@2026-12-30:on_due": (date(2026, 12, 30), "pending"),
        "answer:v1@2026-12-30:overdue": (date(2026, 12, 31), "pending"),
    }
    assert run(capsys, "verify").code == 0
    count = timer_count(db)
    assert "0 clock(s) changed" in run(capsys, "calendar", "recompute").out
    assert timer_count(db) == count

    # the correction withdrawn: the deadline it had comes back with its own timers
    back = run(capsys, "calendar", "load", "--shipped", "2026", "--force")
    assert f"{NUMBER}  answer: due 2026-12-30 -> due 2026-12-29" in back.out
    assert "timers: 4 restored, 4 superseded" in back.out
    assert timer_count(db) == count  # nothing new: nothing is sent twice
    assert {key: value for key, value in timers(db).items() if value[1] == "pending"} == before
    assert run(capsys, "verify").code == 0


def test_a_due_date_on_31_december_gets_its_overdue_reminder_when_2027_is_loaded(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-03")
    assert open_on(capsys, "2026-12-03").code == 0  # due Thu 2026-12-31
    assert answer_row(db) == ("running", date(2026, 12, 31))
    assert set(timers(db)) == {
        "answer:v1@2026-12-31:before_5",
        "answer:v1@2026-12-31:before_1",
        "answer:v1@2026-12-31:on_due",
    }  # fmt: skip  (the first working day after it is in 2027)
    file_2027 = synthetic_2027.write_year_file(tmp_path / "calendars")
    planned = run(capsys, "calendar", "load", str(file_2027))
    assert f"{NUMBER}  answer: timers: 1 planned" in planned.out
    assert "0 clock(s) changed in 1 case(s); timers: 1 planned" in planned.out
    assert timers(db)["answer:v1@2026-12-31:overdue"] == (date(2027, 1, 4), "pending")
    count = timer_count(db)
    run(capsys, "calendar", "recompute")
    assert timer_count(db) == count


def test_steps_near_the_year_end(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-31")
    assert open_on(capsys, "2026-12-28").code == 0
    # its 7-WD correction-notice window closes in 2027: 12-31 is within it
    corrected = run(
        capsys, "case", "fire", NUMBER, "request_correction", "--on", "2026-12-31",
        "--reason", "请写明文件名称",
    )  # fmt: skip
    assert corrected.code == 0, corrected.err
    notice = run(
        capsys, "letter", "render", NUMBER, "--kind", "correction_notice", "--format", "txt",
        "-o", "-",
    ).out  # fmt: skip
    assert (
        "自本告知书作出之日起15个工作日内，按照上述事项对申请作出补正" in notice
    )  # no last day yet
    lapse = one_line_error(
        run(capsys, "case", "fire", NUMBER, "lapse_correction", "--on", "2026-12-31")
    )
    assert "the correction period runs into 2027" in lapse
    assert "it has not lapsed" in lapse

    assert open_on(capsys, "2026-12-10").code == 0
    second = "zbgd-2026-0002"
    extended = run(
        capsys, "case", "fire", second, "extend", "--on", "2026-12-31", "--approver", "王主任"
    )
    assert extended.code == 0, extended.err
    letter = run(
        capsys, "letter", "render", second, "--kind", "extension_notice", "--format", "txt",
        "-o", "-",
    ).out  # fmt: skip
    assert "答复期限延长20个工作日。" in letter
    stated = one_line_error(
        run(
            capsys, "case", "fire", second, "set_delayed_deadline", "--on", "2026-12-31",
            "--until", "2027-01-20",
        ),
        4,  # the operator loads 2027
    )  # fmt: skip
    assert "no working-day calendar is loaded for 2027" in stated  # a stated date: refused
    assert "2027" in one_line_error(run(capsys, "case", "show", second, "--as-of", "2027-01-04"), 4)
    assert run(capsys, "verify").code == 0


def test_a_daily_overdue_reminder_sent_on_31_december_is_rearmed_once_2027_is_loaded(
    app: TestApplication, tmp_path: Path
) -> None:
    number = open_case(app, date(2026, 11, 2))  # answer due 2026-11-30
    sweep(app, date(2026, 12, 30))
    report = sweep(app, date(2026, 12, 31))  # the next working day is in 2027
    assert (report.counts.errors, report.counts.rearmed) == (0, 0)
    assert (date(2026, 12, 31), "overdue") in {(sent.day, sent.name) for sent in reminders(app)}
    with app.database.reading() as session:
        overdue = session.scalars(select(TimerRecord).where(TimerRecord.name == "overdue")).all()
    assert [timer.status for timer in overdue if timer.status == "pending"] == []
    assert [(timer.detail or {}).get("rearm_waits_for") for timer in overdue][-1] == 2027

    year = year_file(synthetic_2027.write_year_file(tmp_path / "calendars"))
    app.load_calendar_years(explicit([year], replace=False), "test", recompute_after=False)
    loaded = TestApplication(app.settings, FixedClock(date(2026, 12, 31)), letters=False)
    try:
        first = recompute(
            loaded.database, loaded.registry, loaded.calendar, loaded.clock, date(2026, 12, 31)
        )
        [work] = first.cases
        assert (work.number, work.changes) == (number, [])
        assert [(plan.name, plan.due_on) for plan in work.new_timers()] == [
            ("overdue", date(2027, 1, 4))
        ]
        again = recompute(
            loaded.database, loaded.registry, loaded.calendar, loaded.clock, date(2026, 12, 31)
        )
        assert again.cases == []
        swept = sweep(loaded, date(2027, 1, 4))
        assert (swept.counts.errors, swept.counts.timers_fired, swept.counts.rearmed) == (0, 1, 1)
    finally:
        loaded.close()


def test_a_case_that_cannot_be_recomputed_is_listed_and_the_others_go_on(
    app: TestApplication,
) -> None:
    decided = open_case(app, date(2026, 3, 2))
    act(app, decided, "decide", date(2026, 3, 5), outcome="disclosed.already_public")
    pending = open_case(app, date(2026, 3, 9))
    # a calendar without 2026: the decided case's stop cannot be counted at all, while the
    # open case's count merely waits for 2026
    without_2026 = WorkingCalendar.of(
        schedule for year, schedule in app.calendar.years.items() if year < 2026
    )
    report = recompute(app.database, app.registry, without_2026, app.clock, date(2025, 12, 31))
    assert [case for case, _ in report.failures] == [decided]
    assert "no working-day calendar is loaded for 2026" in report.failures[0][1]
    assert [(work.number, [c.clock for c in work.changes]) for work in report.cases] == [
        (pending, ["answer", "correction_notice"])
    ]
    # with 2026 back, everything is as a step left it
    restored = recompute(app.database, app.registry, app.calendar, app.clock, date(2026, 11, 26))
    assert [work.number for work in restored.cases] == [pending]
    assert recompute(app.database, app.registry, app.calendar, app.clock, TODAY).cases == []


def test_import_notice_without_a_store_only_writes_the_year(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKFLOW_DB", raising=False)
    notice = synthetic_2027.write_notice(tmp_path)
    result = run(capsys, "--calendars", "cal", "calendar", "import-notice", str(notice))
    assert result.code == 0, result.err
    assert "no case store here (workflow init): no deadlines to recompute" in result.out
    assert not (tmp_path / "workflow.db").exists()  # nothing created by asking
    again = run(
        capsys, "--calendars", "cal", "calendar", "import-notice", str(notice), "--force",
        "--no-recompute",
    )  # fmt: skip
    assert again.code == 0
    assert "recompute" not in again.out


def test_lists_and_the_digest_before_a_recompute_and_past_the_loaded_calendar(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-10")
    assert open_on(capsys, "2026-12-10").code == 0  # answer: 15 WD in 2026, 5 in 2027
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-31")
    # 5 WD left: past the loaded calendar, listed only when they are within N
    assert run(capsys, "case", "list", "--due-within", "3", "--json").json()["cases"] == []
    listed = run(capsys, "case", "list", "--due-within", "5", "--json").json()["cases"]
    assert [row["next_due"]["remaining_workdays"] for row in listed] == [5]

    # a year loaded, not yet recomputed: the lists and the digest use the date
    file_2027 = synthetic_2027.write_year_file(tmp_path / "calendars")
    assert run(capsys, "calendar", "load", str(file_2027), "--no-recompute").code == 0
    row = run(capsys, "case", "list", "--due-within", "5", "--json").json()["cases"]
    assert {key: row[0]["next_due"][key] for key in (
        "clock", "due_on", "remaining_workdays", "overdue_workdays", "awaiting_calendar_year"
    )} == {
        "clock": "answer", "due_on": "2027-01-08", "remaining_workdays": 5,
        "overdue_workdays": 0, "awaiting_calendar_year": None,
    }  # fmt: skip
    digest = run(capsys, "scheduler", "digest", "--due-within", "5")
    assert digest.code == 0, digest.err
    database = Database(db)
    try:
        with database.reading() as session:
            bodies = session.scalars(select(OutboxRecord.body)).all()
    finally:
        database.dispose()
    assert len(bodies) == 1  # the handler (this agency names no head)
    assert all("将于2027年1月8日届满，还剩5个工作日" in body for body in bodies)


def test_a_load_whose_recompute_never_finished_is_finished_by_loading_again(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A load killed during its recompute leaves the year loaded and some deadlines not yet
    # recomputed, as --no-recompute does; the same load run again finishes the recompute.
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-12-01")
    assert open_on(capsys, "2026-12-01").code == 0
    corrected = tmp_path / "corrected"
    _corrected_2026(corrected)
    load = ["calendar", "load", str(corrected / "2026.yaml"), "--force"]
    assert run(capsys, *load, "--no-recompute").code == 0
    assert answer_row(db) == ("running", date(2026, 12, 29))  # not yet recomputed
    again = run(capsys, *load)
    assert again.code == 0, again.err
    assert f"{NUMBER}  answer: due 2026-12-29 -> due 2026-12-30" in again.out
    assert answer_row(db) == ("running", date(2026, 12, 30))
    assert run(capsys, "verify").code == 0
    assert f"{NUMBER}  answer" not in run(capsys, *load).out  # finished: nothing more to do
