"""Several sweepers over the same due timers, as threads and as processes, and one killed.

Every timer must be fired exactly once and every outbox key written once, on
PostgreSQL (``FOR UPDATE SKIP LOCKED``) and on SQLite (``BEGIN IMMEDIATE``). The
proof is the sweepers' own counts: the timers they fired or collapsed add up to the
due timers done, so no timer was handled by two of them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.scheduling.casework import act, open_case
from tests.scheduling.workers import sweep_in_process, sweep_once
from tests.stores import TestApplication
from workflow.store.records import CaseEventRecord, OutboxRecord, SweepRunRecord, TimerRecord

RECEIVED = date(2026, 2, 12)  # answer due 03-18; a correction asked 02-13 lapses on 03-13
AS_OF = date(2026, 3, 20)
SPAWN = multiprocessing.get_context("spawn")  # no forked copies of open connections


@dataclass(frozen=True)
class Population:
    corrections: int
    done: int  # due timers a sweep marks done: fired, or replaced by a more urgent one
    messages: int


def populate(app: TestApplication, cases: int) -> Population:
    """Half answer reminders only, half lapsing corrections.

    An answer case has 4 due reminders: the most urgent goes to handler and head (2
    messages), the other 3 are replaced. A correction's lapse fires first and closes
    the case: its 2 due reminders are superseded, never sent.
    """
    numbers = [open_case(app, RECEIVED) for _ in range(cases)]
    corrections = numbers[::2]
    for number in corrections:
        act(app, number, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    answers = cases - len(corrections)
    return Population(len(corrections), answers * 4 + len(corrections), answers * 2)


def count(app: TestApplication, query: Any) -> int:
    with app.database.reading() as session:
        return int(session.scalar(query) or 0)


def done_timers(app: TestApplication) -> int:
    return count(
        app, select(func.count()).select_from(TimerRecord).where(TimerRecord.status == "done")
    )


def handled(run: dict[str, Any]) -> int:
    """The timers a run marked done."""
    return int(run["timers_fired"]) + int(run["collapsed"])


def assert_each_fired_once(app: TestApplication, population: Population, done: int) -> None:
    assert done == population.done
    assert done_timers(app) == population.done
    due_left = select(func.count()).where(
        TimerRecord.status == "pending", TimerRecord.due_on <= AS_OF
    )
    assert count(app, due_left) == 0
    assert count(app, select(func.count()).select_from(OutboxRecord)) == population.messages
    assert count(app, select(func.count(func.distinct(OutboxRecord.key)))) == population.messages
    lapses = select(CaseEventRecord.case_id, func.count()).where(
        CaseEventRecord.actor == "scheduler"
    )
    with app.database.reading() as session:
        per_case = session.execute(lapses.group_by(CaseEventRecord.case_id)).all()
    assert len(per_case) == population.corrections
    assert {n for _, n in per_case} == {1}


@pytest.mark.parametrize("sweepers", [2, 4])
def test_sweeper_threads_fire_each_timer_once(app: TestApplication, sweepers: int) -> None:
    population = populate(app, 30)
    start = threading.Barrier(sweepers)

    def work(_: int) -> dict[str, Any]:
        start.wait(timeout=30)
        return sweep_once(app.settings.db_url, AS_OF)

    with ThreadPoolExecutor(sweepers) as pool:
        runs = list(pool.map(work, range(sweepers)))
    assert [run["errors"] for run in runs] == [0] * sweepers
    assert sum(run["reminders_queued"] for run in runs) == population.messages
    assert sum(run["lapses_fired"] for run in runs) == population.corrections
    assert_each_fired_once(app, population, sum(handled(run) for run in runs))


@pytest.mark.slow
@pytest.mark.parametrize("sweepers", [2, 4])
def test_sweeper_processes_fire_each_timer_once(app: TestApplication, sweepers: int) -> None:
    population = populate(app, 30)
    start = SPAWN.Barrier(sweepers)
    results: multiprocessing.Queue[Any] = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=sweep_in_process, args=(app.settings.db_url, AS_OF, start, results))
        for _ in range(sweepers)
    ]
    for process in processes:
        process.start()
    runs = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert len({run["worker"] for run in runs}) == sweepers  # really separate processes
    assert [run["errors"] for run in runs] == [0] * sweepers
    assert_each_fired_once(app, population, sum(handled(run) for run in runs))


@pytest.mark.slow
def test_a_sweeper_killed_mid_run_loses_nothing_and_doubles_nothing(app: TestApplication) -> None:
    population = populate(app, 160)
    process = SPAWN.Process(target=sweep_in_process, args=(app.settings.db_url, AS_OF, None, None))
    process.start()
    deadline = time.monotonic() + 120
    while done_timers(app) < 10:  # let it commit a few cases, then kill it mid-run
        assert process.is_alive()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=30)
    assert process.exitcode == -signal.SIGKILL
    committed = done_timers(app)
    assert 0 < committed < population.done

    restarted = sweep_once(app.settings.db_url, AS_OF)
    assert restarted["errors"] == 0
    assert_each_fired_once(app, population, committed + handled(restarted))
    with app.database.reading() as session:
        runs = session.scalars(select(SweepRunRecord).order_by(SweepRunRecord.id)).all()
    assert [run.finished_at is None for run in runs] == [True, False]  # the killed run shows
