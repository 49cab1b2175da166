"""``make run``: a walk-through of what the project does, on the embedded defaults.

It drives the real command line, so every step shown is a command a user can
type. It grows with each capability that lands.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from workflow.cli import cli


def step(title: str, args: Sequence[str]) -> None:
    print(f"\n### {title}\n$ workflow {shlex.join(args)}", flush=True)
    try:
        cli.main(args=list(args), prog_name="workflow", standalone_mode=False)
    except Exception as exc:  # the walk-through shows refusals as a user would see them
        print(f"error: {exc}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="workflow-walkthrough-") as scratch:
        ledger = Path(scratch) / "answer-ledger.yaml"
        ledger.write_text(
            "clock: answer\n"
            "as_of: 2026-04-01\n"
            "entries:\n"
            "  - {start: 2026-02-12, days: 20}\n"
            "  - {pause: 2026-03-05, reason: third-party consultation}\n"
            "  - {resume: 2026-03-20}\n"
            "  - {extend: 2026-03-25, days: 20, approver: 办公室主任}\n",
            encoding="utf-8",
        )
        print("Official working-day calendar and statutory clocks (Regulation Art. 33).")
        step("Loaded calendar years and their notices", ["calendar", "years"])
        step(
            "Received Thu 2026-02-12: the 7-WD correction deadline is a make-up Saturday",
            ["calendar", "add-workdays", "2026-02-12", "7"],
        )
        step("Is that Saturday a working day?", ["calendar", "is-workday", "2026-02-28"])
        step("The 20-WD answer deadline", ["calendar", "add-workdays", "2026-02-12", "20"])
        step(
            "A clock paused for a third party, resumed, then extended: due date with its reasons",
            ["calendar", "explain", str(ledger)],
        )
        step(
            "A date in a year with no published calendar is refused, never guessed",
            ["calendar", "add-workdays", "2027-03-01", "5"],
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
