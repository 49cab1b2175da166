"""Concurrency through the service: two API clients on one case, and four workers each
running the scheduler on one PostgreSQL store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.stores import make_app, postgres_database
from tests.test_concurrency import run_together
from tests.web.conftest import NEW_CASE, Service
from tests.web.test_serve import free_port, wait_healthy
from workflow.cases.service import NewCase
from workflow.store.records import CaseEventRecord, SweepRunRecord, TimerRecord


def test_two_clients_fire_on_one_case_one_wins_the_other_gets_409(service: Service) -> None:
    service.user("li", "registrar", "handler")
    service.user("zhao", "handler")
    number = service.login("li").post("/api/v1/cases", json=NEW_CASE).json()["number"]
    first, second = service.login("li"), service.login("zhao")
    body = {"trigger": "consult_third_party", "party": "某公司", "expect_version": 1}
    answers = run_together(
        [
            lambda: first.post(f"/api/v1/cases/{number}/fire", json=body),
            lambda: second.post(f"/api/v1/cases/{number}/fire", json=body),
        ]
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    lost = next(answer for answer in answers if answer.status_code == 409).json()["error"]
    assert lost["code"] == "stale_case"
    assert lost["details"]["current_version"] == 2
    with service.application.database.reading() as session:
        events = session.scalar(select(func.count()).select_from(CaseEventRecord))
    assert events == 2  # the opening and one step: nothing lost, nothing doubled


DUE_BY = date(2026, 12, 31)


def _sweeps(url: str) -> list[SweepRunRecord]:
    application = make_app(url, agencies=False)
    try:
        with application.database.reading() as session:
            return list(session.scalars(select(SweepRunRecord)))
    finally:
        application.close()


@pytest.mark.postgres
@pytest.mark.integration
@pytest.mark.slow
def test_four_workers_each_with_a_scheduler_fire_each_due_timer_once(tmp_path: Path) -> None:
    with postgres_database() as url:
        application = make_app(url)
        for day in range(2, 22):
            application.cases.open(
                NewCase(
                    "zbgd", f"申请人{day}", "natural_person", "online", date(2026, 11, day), "预算"
                )
            )
        as_of = "2026-12-31"  # every case's answer reminders and overdue notices are due
        with application.database.reading() as session:
            due = session.scalar(
                select(func.count())
                .select_from(TimerRecord)
                .where(TimerRecord.status == "pending", TimerRecord.due_on <= DUE_BY)
            )
        application.close()
        assert due
        port = free_port()
        environ = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": as_of}
        command = [sys.executable, "-m", "workflow", "serve", "--port", str(port),
                   "--workers", "4"]  # fmt: skip
        process = subprocess.Popen(
            command, env=environ, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process, seconds=120)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                runs = _sweeps(url)
                if len(runs) >= 4 and all(run.finished_at for run in runs):
                    break
                time.sleep(0.5)
        finally:
            process.terminate()
            process.communicate(timeout=60)
        runs = _sweeps(url)
        assert len({(run.detail or {}).get("worker") for run in runs}) == 4  # one per worker
        # each due timer handled once, by one worker: sent, or replaced by a more urgent one
        handled = sum(
            run.timers_fired + (run.detail or {}).get("collapsed", 0) + run.dropped for run in runs
        )
        assert handled == due
        assert sum(run.errors for run in runs) == 0
        application = make_app(url, agencies=False)
        try:
            with application.database.reading() as session:
                pending = session.scalar(
                    select(func.count())
                    .select_from(TimerRecord)
                    .where(
                        TimerRecord.status == "pending", TimerRecord.due_on <= date(2026, 12, 31)
                    )
                )
        finally:
            application.close()
        assert pending == 0
