"""Kill points: a step and a sweep killed with SIGKILL at random moments, on both stores.
After each kill the store replays clean, and running the command again does the work
exactly once: one event for the step, every due timer fired once by the sweeps."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cli import run
from tests.stores import make_app
from workflow.store.records import CaseEventRecord, TimerRecord

pytestmark = pytest.mark.slow

STEPS = 25  # kills per store: half of them steps, half sweeps
OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--request", "2025年度财政预算执行情况",
    "--by", "李四",
]  # fmt: skip


def killed(url: str, args: list[str], delay: float) -> bool:
    """Run the command in its own process and SIGKILL it after ``delay`` seconds; True
    when it was still running (killed mid-work), False when it had finished."""
    env = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": "2026-11-26"}
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


def test_killed_steps_and_sweeps_leave_a_consistent_store_and_the_work_done_once(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chance = random.Random(os.environ.get("WORKFLOW_KILL_SEED", "kill-points"))
    app = make_app(db, agencies=False)
    kills = 0
    for index in range(STEPS):
        received = f"2026-{1 + index % 10:02d}-{10 + index % 15:02d}"
        opened = run(capsys, *OPEN, "--received", received, "--json")
        assert opened.code == 0, opened
        number = opened.json()["number"]
        step = [
            "case", "fire", number, "request_correction", "--reason", "缺少身份证明",
            "--on", received, "--by", "李四",
        ]  # fmt: skip
        kills += killed(db, step, chance.uniform(0.2, 2.5))
        again = run(capsys, *step)  # completes it, or is refused: the step is already there
        assert again.code in (0, 2), again
        with app.database.reading() as session:
            steps = session.scalar(
                select(func.count())
                .select_from(CaseEventRecord)
                .where(CaseEventRecord.trigger == "request_correction")
            )
        assert steps == index + 1
        kills += killed(db, ["sweep", "--as-of", "2026-11-26"], chance.uniform(0.2, 2.5))
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
    print(f"kill points: {kills} of {2 * STEPS} processes killed mid-work")
