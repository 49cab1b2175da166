"""The APScheduler wiring: its jobs, a first sweep at start that catches up, and its boundary."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from sqlalchemy import select

from tests import synthetic_2027
from tests.scheduling.casework import act, case_state, open_case, set_today
from tests.stores import TestApplication
from workflow.cases.calendar_loading import explicit
from workflow.cases.calendar_years import NOTICE, YearVersion
from workflow.clock import CHINA
from workflow.scheduling import NotificationConfig
from workflow.scheduling.scheduler import SchedulerJobs, SchedulerOptions, build_scheduler
from workflow.store.records import OutboxRecord, SweepRunRecord

SRC = Path(__file__).resolve().parents[2] / "src" / "workflow"


def jobs_for(app: TestApplication, tmp_path: Path, **options: object) -> SchedulerJobs:
    config = NotificationConfig(file_directory=tmp_path / "outbox")
    return SchedulerJobs(app, config, SchedulerOptions(**options))  # type: ignore[arg-type]


def test_sweep_every_n_minutes_coalesced_one_at_a_time_and_a_daily_digest(
    app: TestApplication, tmp_path: Path
) -> None:
    jobs = jobs_for(app, tmp_path, every_minutes=5, digest_at=clock_time(7, 45))
    start = datetime(2026, 3, 20, 7, 0, tzinfo=CHINA)
    scheduler = build_scheduler(jobs, start)
    assert str(scheduler.timezone) == "Asia/Shanghai"
    sweep, digest = (scheduler.get_job(name) for name in ("sweep", "digest"))
    assert isinstance(sweep.trigger, IntervalTrigger)
    assert sweep.trigger.interval.total_seconds() == 300
    assert (sweep.coalesce, sweep.max_instances, sweep.misfire_grace_time) == (True, 1, None)
    assert sweep.next_run_time == start  # the first sweep runs at start: the catch-up
    assert isinstance(digest.trigger, CronTrigger)
    fields = {field.name: str(field) for field in digest.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("7", "45")
    assert (digest.coalesce, digest.max_instances) == (True, 1)
    assert jobs.digest_after_first_sweep is False  # started before the digest time


def test_the_scheduler_catches_up_at_start_then_queues_the_missed_digest(
    app: TestApplication, tmp_path: Path
) -> None:
    lapsing = open_case(app, date(2026, 2, 12))
    act(app, lapsing, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    open_case(app, date(2026, 2, 12))  # answer due 03-18: overdue, so in the digest
    set_today(app, date(2026, 3, 20))  # 09:00, after the 08:30 digest: it was missed too
    jobs = jobs_for(app, tmp_path)
    scheduler = build_scheduler(jobs, app.clock.now())
    assert jobs.digest_after_first_sweep is True
    runner = threading.Thread(target=scheduler.start, daemon=True)
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while not _digests(app):
            assert time.monotonic() < deadline, "the first sweep and digest did not run"
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
        runner.join(timeout=30)

    with app.database.reading() as session:
        runs = session.scalars(select(SweepRunRecord)).all()
    assert [(run.as_of, run.lapses_fired) for run in runs] == [(date(2026, 3, 20), 1)]
    assert case_state(app, lapsing) == ("decided", "other.correction_lapsed")
    files = sorted(path.name for path in (tmp_path / "outbox").iterdir())
    assert any(name.startswith("digest:2026-03-20:") for name in files)
    assert any(name.startswith("reminder:") for name in files)


def _digests(app: TestApplication) -> list[str]:
    with app.database.reading() as session:
        return list(
            session.scalars(
                select(OutboxRecord.key).where(
                    OutboxRecord.kind == "digest", OutboxRecord.status == "sent"
                )
            )
        )


def test_only_the_scheduler_module_imports_apscheduler() -> None:
    importers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"^\s*(from|import) apscheduler", path.read_text("utf-8"), re.MULTILINE)
    )
    assert importers == ["scheduling/scheduler.py"]
    code = "import sys, workflow.cli, workflow.scheduling; print('apscheduler' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # loaded only when `scheduler run` starts


def test_a_running_scheduler_counts_with_a_year_another_process_loaded(
    app: TestApplication, tmp_path: Path
) -> None:
    jobs = jobs_for(app, tmp_path)
    assert not jobs.cases.calendar.covers(date(2027, 1, 4))
    # `calendar import-notice` on another host while the scheduler runs: only the store
    # is shared, no directory
    other = TestApplication(app.settings, app.clock, letters=False)
    try:
        notice = YearVersion(synthetic_2027.schedule(), NOTICE, "2027.txt", synthetic_2027.NOTICE)
        other.load_calendar_years(explicit([notice], replace=False), "李四")
    finally:
        other.close()
    jobs.sweep()
    assert jobs.cases.calendar.covers(date(2027, 1, 4))
    assert jobs.sweeper.cases is jobs.cases  # the sweeps count with the new year too
    jobs.sweep()  # nothing changed since: the same calendar
    assert jobs.cases is app.cases
