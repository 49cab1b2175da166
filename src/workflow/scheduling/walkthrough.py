"""The scheduler's part of ``make run``: commands a user can type, on the walk-through's store.

``scheduler_part(step, root, lapsing)`` runs after the cases part, on the same store
and the same fixed "today": the scheduler was not running while those applications
aged, so its first sweep catches up (late reminders, the automatic lapse of
``lapsing``, whose correction period ran out), a second sweep fires nothing twice,
and the outbox is delivered into files under ``root``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Step = Callable[..., object]  # step(title, *args): runs `workflow *args` and shows it


def scheduler_part(step: Step, root: Path, lapsing: str) -> None:
    notify = root / "notify.yaml"
    notify.write_text(
        "# who gets reminders, and how; see the README (--notify / WORKFLOW_NOTIFY)\n"
        "file: {directory: outbox}\n",
        encoding="utf-8",
    )
    print("\n## 4. The scheduler: reminders and automatic lapses, each fired once")
    step("The scheduler was not running: its first sweep fires all that fell due, once", "sweep")
    step("A second sweep finds nothing left to fire", "sweep")
    step("The reminders wait in the outbox", "outbox", "list")
    step(
        f"Deliver them: one file per message in {root / 'outbox'}, named by its key",
        "outbox",
        "deliver",
        "--notify",
        str(notify),
    )
    step("The unanswered correction notice lapsed: the scheduler closed it", "case", "show",
         lapsing)  # fmt: skip
    step("Every sweep is logged", "scheduler", "runs")
    step("The daily digest for each handler and head", "scheduler", "digest")
    step("In production: sweep every N minutes, daily digest", "scheduler", "run", "--help")
