"""Kill points: a step, a sweep, an import and a recompute killed with SIGKILL at random
moments, on both stores. After each kill the store replays clean, and running the command
again does the work exactly once: one event for the step, every due timer fired once by
the sweeps, every row of an import in the store once (an import is all or nothing), every
deadline counted with the year loaded last (the load run again finishes a recompute cut
short) and no reminder planned twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cli import run
from tests.stores import TestApplication, make_app
from workflow.cases.service import NewCase
from workflow.deadlines import Holiday
from workflow.deadlines.calendar_files import dump_year, read_year_file
from workflow.resources import calendars_dir
from workflow.store.records import CaseEventRecord, CaseRecord, ClockRecord, TimerRecord

pytestmark = pytest.mark.slow

STEPS = 12  # kills per store of each: a step, then a sweep
IMPORTS = 8  # kills per store of an import of ROWS cases
ROWS = 100
RECOMPUTES = 8  # kills per store of a `calendar load` of a changed year, OPEN_CASES to recompute
OPEN_CASES = 40
OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--request", "2025年度财政预算执行情况",
    "--by", "李四",
]  # fmt: skip


def killed(url: str, args: list[str], delay: float, today: str = "2026-11-26") -> bool:
    """Run the command in its own process and SIGKILL it after ``delay`` seconds; True
    when it was still running (killed mid-work), False when it had finished."""
    env = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": today}
    process = subprocess.Popen(
        [sys.executable, "-m", "workflow", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err
    return alive


def lasts(url: str, args: list[str], today: str = "2026-11-26") -> float:
    """Run the command in its own process to the end; how many seconds it took."""
    env = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": today}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "workflow", *args], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def test_killed_steps_and_sweeps_leave_a_consistent_store_and_the_work_done_once(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chance = random.Random(os.environ.get("WORKFLOW_KILL_SEED", "kill-points"))
    app = make_app(db, agencies=False)

    def step_on_a_new_case(received: str) -> list[str]:
        opened = run(capsys, *OPEN, "--received", received, "--json")
        assert opened.code == 0, opened
        return [
            "case", "fire", opened.json()["number"], "request_correction", "--reason",
            "缺少身份证明", "--on", received, "--by", "李四",
        ]  # fmt: skip

    # Kills are spread over a whole run of each command, timed once to the end first.
    startup = lasts(db, ["calendar", "years"])
    step_takes = lasts(db, step_on_a_new_case("2026-01-09"))
    sweep_takes = lasts(db, ["sweep", "--as-of", "2026-11-26"])
    kills = past_startup = 0
    for index in range(STEPS):
        step = step_on_a_new_case(f"2026-{1 + index % 10:02d}-{10 + index % 15:02d}")
        delays = chance.uniform(0.2, step_takes), chance.uniform(0.2, sweep_takes)
        past_startup += sum(delay > startup for delay in delays)
        kills += killed(db, step, delays[0])
        again = run(capsys, *step)  # completes it, or is refused: the step is already there
        assert again.code in (0, 2), again
        with app.database.reading() as session:
            steps = session.scalar(
                select(func.count())
                .select_from(CaseEventRecord)
                .where(CaseEventRecord.trigger == "request_correction")
            )
        assert steps == index + 2  # and the one timed
        kills += killed(db, ["sweep", "--as-of", "2026-11-26"], delays[1])
        assert run(capsys, "verify").code == 0
    assert run(capsys, "sweep", "--as-of", "2026-11-26").code == 0
    with app.database.reading() as session:
        overdue = session.scalar(
            select(func.count())
            .select_from(TimerRecord)
            .where(TimerRecord.status == "pending", TimerRecord.due_on <= date(2026, 11, 26))
        )
    assert overdue == 0
    assert run(capsys, "verify").code == 0
    app.close()
    print(
        f"kill points: {kills} of {2 * STEPS} processes killed mid-work, {past_startup} after "
        f"start-up ({startup:.1f} s; a step {step_takes:.1f} s, a sweep {sweep_takes:.1f} s)"
    )


def imported(app: TestApplication, prefix: str) -> int:
    with app.database.reading() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(CaseRecord)
                .where(CaseRecord.number.startswith(prefix))
            )
            or 0
        )


def test_a_killed_import_is_all_or_nothing_and_the_next_run_imports_once(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chance = random.Random(os.environ.get("WORKFLOW_KILL_SEED", "kill-points") + "-import")
    app = make_app(db, agencies=False)

    def past_cases(prefix: str) -> Path:
        rows = [
            f"{prefix}{row},zbgd,申请人{row},natural_person,online,2025-{1 + row % 12:02d}-10,"
            f"某文件{row},2025-{1 + row % 12:02d}-25,disclosed.provided"
            for row in range(ROWS)
        ]
        path = tmp_path / f"{prefix.replace('/', '-')}.csv"
        path.write_text("\n".join([IMPORT_HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    # Kills are spread over a whole run: start-up, reading and checking the rows, writing;
    # start-up is timed by a command that only opens the store and reads a little.
    startup = lasts(db, ["calendar", "years"])
    duration = lasts(db, ["import", "cases", str(past_cases("CAL/"))])
    kills = past_startup = 0
    for index in range(IMPORTS):
        prefix = f"OLD/{index}/"
        path = past_cases(prefix)
        delay = chance.uniform(0.2, duration)
        kills += killed(db, ["import", "cases", str(path)], delay)
        past_startup += delay > startup
        before = imported(app, prefix)
        assert before in (0, ROWS)  # all or nothing
        again = run(capsys, "import", "cases", str(path))
        assert again.code == (0 if before == 0 else 2), again  # done, or refused as done
        assert imported(app, prefix) == ROWS
        assert run(capsys, "verify").code == 0
    app.close()
    print(
        f"kill points: {kills} of {IMPORTS} imports killed mid-work, {past_startup} after "
        f"start-up ({startup:.1f} s of a {duration:.1f} s run)"
    )


IMPORT_HEADER = (
    "number,agency,applicant_name,applicant_type,channel,received_on,request,closed_on,outcome"
)


def _year_with_24_december_off(directory: Path) -> Path:
    """2026 as shipped, plus 24 December off: a made-up correction, for the test only."""
    shipped = read_year_file(calendars_dir() / "2026.yaml")
    corrected = replace(shipped, holidays=(*shipped.holidays, Holiday("更正示例", (DEC_24,))))
    path = directory / "corrected" / "2026.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(dump_year(corrected), encoding="utf-8")
    return path


DEC_24 = date(2026, 12, 24)
RECEIVED = date(2026, 12, 1)  # answer due 2026-12-29 as shipped, 2026-12-30 corrected


def test_a_killed_recompute_leaves_each_case_whole_and_the_next_run_finishes_it(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chance = random.Random(os.environ.get("WORKFLOW_KILL_SEED", "kill-points") + "-recompute")
    monkeypatch.setenv("WORKFLOW_TODAY", RECEIVED.isoformat())
    app = make_app(db, agencies=False, today=RECEIVED)
    for index in range(OPEN_CASES):
        app.cases.open(
            NewCase("zbgd", f"申请人{index}", "natural_person", "online", RECEIVED, "某文件")
        )
    corrected = _year_with_24_december_off(tmp_path)
    loads = (
        (["calendar", "load", str(corrected), "--force"], date(2026, 12, 30)),
        (["calendar", "load", "--shipped", "2026", "--force"], date(2026, 12, 29)),
    )
    today = RECEIVED.isoformat()
    startup = lasts(db, ["calendar", "years"], today)
    duration = lasts(db, loads[0][0], today)  # loaded whole once: how long a load takes
    kills = past_startup = 0
    for index in range(1, RECOMPUTES + 1):
        load, due = loads[index % 2]
        delay = chance.uniform(0.2, duration)
        kills += killed(db, load, delay, today=today)
        past_startup += delay > startup
        # Killed during the recompute, some cases count with the new year and some not yet
        # (each whole: verify would name the latter); the load run again finishes it.
        assert run(capsys, *load).code == 0  # the year again (or already there), recomputed
        assert run(capsys, "verify").code == 0
        assert "0 clock(s) changed" in run(capsys, "calendar", "recompute").out  # done once
        with app.database.reading() as session:
            dues = session.execute(
                select(ClockRecord.due_on, func.count())
                .where(ClockRecord.name == "answer")
                .group_by(ClockRecord.due_on)
            ).all()
            pending = session.execute(
                select(TimerRecord.case_id, TimerRecord.name, func.count())
                .where(TimerRecord.status == "pending", TimerRecord.clock == "answer")
                .group_by(TimerRecord.case_id, TimerRecord.name)
            ).all()
            due_dates = set(
                session.scalars(
                    select(TimerRecord.deadline_due_on).where(
                        TimerRecord.status == "pending", TimerRecord.clock == "answer"
                    )
                )
            )
        assert dues == [(due, OPEN_CASES)]
        assert len(pending) == 4 * OPEN_CASES
        assert {n for _, _, n in pending} == {1}  # no reminder planned twice
        assert due_dates == {due}
    assert run(capsys, "verify").code == 0
    app.close()
    print(
        f"kill points: {kills} of {RECOMPUTES} calendar loads killed mid-work, {past_startup} "
        f"after start-up ({startup:.1f} s of a {duration:.1f} s run)"
    )
