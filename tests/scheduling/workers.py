"""Sweepers for the concurrency tests: each one its own application, as separate processes are.

Importable by spawned processes (``multiprocessing`` with the ``spawn`` start method).
"""

from __future__ import annotations

import multiprocessing
from datetime import date
from multiprocessing.synchronize import Barrier
from typing import Any

from tests.stores import TestApplication
from workflow.clock import FixedClock
from workflow.scheduling import Sweeper
from workflow.settings import Settings


def sweeper_app(url: str, today: date) -> TestApplication:
    """An application on an existing store, as another process would build it."""
    return TestApplication(Settings(db_url=url), FixedClock(today), letters=False)


def sweep_once(url: str, as_of: date) -> dict[str, Any]:
    app = sweeper_app(url, as_of)
    try:
        return Sweeper(app.cases).sweep(as_of).view
    finally:
        app.close()


def sweep_in_process(
    url: str, as_of: date, start: Barrier | None, results: multiprocessing.Queue[Any] | None
) -> None:
    """A process's body: wait for the others, sweep, report the run."""
    if start is not None:
        start.wait(timeout=60)
    view = sweep_once(url, as_of)
    if results is not None:
        results.put(view)
