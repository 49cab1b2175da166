"""Concurrency through the service: two API clients on one case, eight clients at once on
one SQLite worker, and four workers each running the scheduler on one PostgreSQL store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import func, select

from tests.stores import TODAY, make_app, postgres_database
from tests.test_concurrency import run_together
from tests.web.conftest import NEW_CASE, Service
from tests.web.test_serve import free_port, wait_healthy
from workflow.access.accounts import GrantSpec
from workflow.access.tokens import create_token
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


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


@pytest.mark.integration
def test_a_sqlite_worker_serves_eight_clients_at_once_on_its_loop(tmp_path: Path) -> None:
    """``workflow serve`` on SQLite runs each request's work on the worker's event loop
    (``web.worker_loop``): eight clients opening and advancing cases at once each get
    their own case and step, and the worker starts no thread for them."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    application = make_app(url)
    now = application.clock.now()
    grants = [GrantSpec.parse("registrar@zbgd"), GrantSpec.parse("handler@zbgd")]
    with application.database.transaction() as session:
        token = create_token(session, "portal", grants, now + timedelta(days=1), "test", now)
    application.close()
    port = free_port()
    environ = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": TODAY.isoformat()}
    command = [sys.executable, "-m", "workflow", "serve", "--port", str(port), "--no-scheduler"]
    process = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        threads = _threads(process.pid)
        headers = {"Authorization": f"Bearer {token}"}
        step = {"trigger": "consult_third_party", "party": "某公司", "expect_version": 1}

        def open_and_fire() -> list[int]:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                opened = [client.post("/api/v1/cases", json=NEW_CASE) for _ in range(5)]
                numbers = [answer.json()["number"] for answer in opened]
                fired = [client.post(f"/api/v1/cases/{n}/fire", json=step) for n in numbers]
            return [answer.status_code for answer in opened + fired]

        answers = run_together([open_and_fire] * 8)
        during = _threads(process.pid)
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=20)
    assert answers == [[201] * 5 + [200] * 5] * 8
    assert during == threads
    assert b"requests run on the worker's event loop (SQLite)" in err
    application = make_app(url, agencies=False)
    try:
        with application.database.reading() as session:
            events = session.scalar(select(func.count()).select_from(CaseEventRecord))
    finally:
        application.close()
    assert events == 80  # forty openings, forty steps


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
