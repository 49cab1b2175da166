"""The sweep run log: one ``sweep_runs`` row per sweep, written when it starts and finishes.

A run without ``finished_at`` either is still going or died (killed, power cut);
``workflow scheduler runs`` shows it as ``unfinished``. Nothing is lost with it: the
timers it had not committed are still pending and the next sweep fires them.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.store.database import Database
from workflow.store.records import SweepRunRecord

MAX_LISTED_FAILURES = 50  # per run, so one broken store cannot bloat the log


@dataclass
class SweepCounts:
    cases: int = 0  # cases whose due timers this sweep handled
    timers_fired: int = 0
    lapses_fired: int = 0
    reminders_queued: int = 0
    dropped: int = 0
    refused: int = 0
    rearmed: int = 0
    collapsed: int = 0
    busy: int = 0  # cases held by another sweeper or a handler's step: left to them / next sweep
    errors: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    refusals: list[dict[str, str]] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def start_run(database: Database, as_of: date, now: datetime) -> int:
    with database.transaction() as session:
        run = SweepRunRecord(
            as_of=as_of,
            started_at=now,
            timers_fired=0,
            lapses_fired=0,
            reminders_queued=0,
            dropped=0,
            errors=0,
            detail={"worker": worker_name()},
        )
        session.add(run)
        session.flush()
        return run.id


def finish_run(database: Database, run_id: int, counts: SweepCounts, now: datetime) -> None:
    with database.transaction() as session:
        run = session.get(SweepRunRecord, run_id)
        assert run is not None
        run.finished_at = now
        run.timers_fired = counts.timers_fired
        run.lapses_fired = counts.lapses_fired
        run.reminders_queued = counts.reminders_queued
        run.dropped = counts.dropped
        run.errors = counts.errors
        run.detail = {
            **(run.detail or {}),
            "cases": counts.cases,
            "refused": counts.refused,
            "rearmed": counts.rearmed,
            "collapsed": counts.collapsed,
            "busy": counts.busy,
            "failures": counts.failures[:MAX_LISTED_FAILURES],
            "refusals": counts.refusals[:MAX_LISTED_FAILURES],
        }


def run_view(run: SweepRunRecord) -> dict[str, Any]:
    """One run in the documented JSON form (``sweep --json``, ``scheduler runs --json``)."""
    detail = run.detail or {}
    return {
        "run": run.id,
        "as_of": run.as_of.isoformat(),
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "status": "finished" if run.finished_at else "unfinished",
        "worker": detail.get("worker"),
        "cases": detail.get("cases", 0),
        "timers_fired": run.timers_fired,
        "lapses_fired": run.lapses_fired,
        "reminders_queued": run.reminders_queued,
        "dropped": run.dropped,
        "refused": detail.get("refused", 0),
        "rearmed": detail.get("rearmed", 0),
        "collapsed": detail.get("collapsed", 0),
        "busy": detail.get("busy", 0),
        "errors": run.errors,
        "failures": detail.get("failures", []),
        "refusals": detail.get("refusals", []),
    }


def get_run(session: Session, run_id: int) -> dict[str, Any]:
    run = session.get(SweepRunRecord, run_id)
    assert run is not None
    return run_view(run)


def list_runs(session: Session, limit: int) -> list[dict[str, Any]]:
    """The newest runs first."""
    rows = session.scalars(select(SweepRunRecord).order_by(SweepRunRecord.id.desc()).limit(limit))
    return [run_view(run) for run in rows]
