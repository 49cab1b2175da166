"""What issuing letters adds to a persisted step: the same steps with letters off and on.

Each case is opened (acknowledgement) and driven through consult a third party (two
letters), the reply, extend (extension notice), decide (decision) and appeal, each step
its own transaction through ``CaseService``; with letters on, every letter is numbered,
rendered to HTML and text, and archived (one letter row, two document rows).

Reported: the time spent inside the issuer per letter (the cost a step pays, measured
directly, so other load on the machine does not blur it: numbering, context and archive
in each of the command's attempts, and the rendering between them, ``letters/ahead.py``),
the ms per step with letters off and on (best of two rounds each), and the first DOCX and
PDF of a letter, derived from the archive on request (after a first one has loaded
python-docx, WeasyPrint and the fonts).

Then a handler's step with its letters, in process: ``consult_third_party`` (two letters,
to the third party and to the applicant) fired on ``BENCH_STEPS`` open cases (default
400), one command each, with letters off and on in alternation (two rounds each): steps
per second and the CPU time of a step (the process's, which other processes' load blurs
less than the wall clock).

``BENCH_CASES`` sets the number of cases (default 500); ``BENCH_PG`` (any value) adds
PostgreSQL (a scratch database on the test server, as the tests use).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from tests.stores import make_app, postgres_database

from bench.sample_cases import PATH, TODAY, new_case
from workflow.cases.service import CaseService
from workflow.letters import Format
from workflow.letters.ahead import LettersAhead
from workflow.letters.archive import letter_document
from workflow.letters.issuing import ArchivingIssuer
from workflow.lifecycle import StepInput

LETTERS_PER_CASE = 5  # acknowledgement, two consultation letters, extension, decision


class _TimedIssuer(ArchivingIssuer):
    """The real issuer, with a stopwatch round ``issue`` and its commands' attempts."""

    spent = 0.0

    def issue(self, *args: Any, **kwargs: Any) -> None:
        began = time.perf_counter()
        try:
            super().issue(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - began

    def ahead(self) -> LettersAhead:
        return _TimedAhead(self, self.turns)


class _TimedAhead(LettersAhead):
    """A command's attempts, timed where they number, build, render and archive letters."""

    issuer: _TimedIssuer

    def issue(self, *args: Any, **kwargs: Any) -> None:
        began = time.perf_counter()
        try:
            super().issue(*args, **kwargs)
        finally:
            self.issuer.spent += time.perf_counter() - began

    def render_wanted(self) -> None:
        began = time.perf_counter()
        try:
            super().render_wanted()
        finally:
            self.issuer.spent += time.perf_counter() - began


def _drive(url: str, cases: int, letters: bool) -> tuple[float, float, int, str]:
    """Seconds for ``cases`` cases (open + the path), seconds inside the issuer, the steps
    taken, the last case's number."""
    app = make_app(url, today=TODAY)
    issuer = _TimedIssuer(app.calendar, app.clock) if letters else None
    service = CaseService(app.database, app.registry, app.calendar, app.clock, issuer)
    try:
        service.open(new_case(-1))  # warm caches: templates, definition, statements
        if issuer is not None:
            issuer.spent = 0.0
        began = time.perf_counter()
        for i in range(cases):
            number = service.open(new_case(i)).number
            for trigger, inputs, on in PATH:
                service.fire(number, trigger, StepInput(on=on, by="bench", **inputs))  # type: ignore[arg-type]
        spent = issuer.spent if issuer is not None else 0.0
        return time.perf_counter() - began, spent, cases * (1 + len(PATH)), number
    finally:
        app.close()


def _first_request(url: str, number: str) -> str:
    app = make_app(url, today=TODAY, letters=True, agencies=False)
    try:
        times = []
        for fmt in (Format.DOCX, Format.PDF):
            letter_document(app.database, app.clock, "zbgd-2026-0001", fmt)  # imports, fonts
            began = time.perf_counter()
            letter_document(app.database, app.clock, number, fmt)
            times.append(f"{fmt.value} {1000 * (time.perf_counter() - began):.0f} ms")
        return ", ".join(times)
    finally:
        app.close()


def _measure(label: str, store: Callable[[str], AbstractContextManager[str]], cases: int) -> None:
    issued = cases * LETTERS_PER_CASE
    runs: dict[bool, list[tuple[float, float, int, str]]] = {False: [], True: []}
    for round_ in range(2):
        for letters in (False, True):
            with store(f"{'on' if letters else 'off'}{round_}") as url:
                runs[letters].append(_drive(url, cases, letters))
                if letters and round_ == 1:
                    first = _first_request(url, runs[True][-1][3])
    off = min(run[0] for run in runs[False])
    on = min(run[0] for run in runs[True])
    inside = min(run[1] for run in runs[True])
    steps = runs[True][0][2]
    print(
        f"{label}: {issued:,} letters issued in {steps:,} steps: "
        f"{1000 * inside / issued:.2f} ms per letter inside the issuer; "
        f"letters off {1000 * off / steps:.2f} ms/step, on {1000 * on / steps:.2f} ms/step",
        flush=True,
    )
    print(f"{label}: first request of a letter: {first}", flush=True)


def _handler_steps(url: str, steps: int, letters: bool) -> tuple[float, float]:
    """Steps per second and CPU seconds per step: ``consult_third_party`` on ``steps``
    open cases, each its own command (after a tenth as many to warm caches)."""
    app = make_app(url, today=TODAY, letters=letters)
    try:
        warm = max(steps // 10, 1)
        numbers = [app.cases.open(new_case(i)).number for i in range(warm + steps)]
        step = StepInput(on=TODAY, by="bench", party="某科技有限公司")
        for number in numbers[:warm]:
            app.cases.fire(number, "consult_third_party", step)
        began, cpu = time.perf_counter(), time.process_time()
        for number in numbers[warm:]:
            app.cases.fire(number, "consult_third_party", step)
        return steps / (time.perf_counter() - began), (time.process_time() - cpu) / steps
    finally:
        app.close()


def _measure_handler_step(
    label: str, store: Callable[[str], AbstractContextManager[str]], steps: int
) -> None:
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for round_ in range(2):
        for letters in (False, True):
            with store(f"step-{'on' if letters else 'off'}{round_}") as url:
                runs[letters].append(_handler_steps(url, steps, letters))
    for letters in (False, True):
        rate = max(run[0] for run in runs[letters])
        cpu = min(run[1] for run in runs[letters])
        print(
            f"{label}: a handler's consult_third_party step, letters {'on' if letters else 'off'}: "
            f"{rate:,.0f} steps/s, CPU {1000 * cpu:.2f} ms a step (best of 2, {steps} steps)",
            flush=True,
        )


def run() -> None:
    cases = int(os.environ.get("BENCH_CASES", "500"))
    steps = int(os.environ.get("BENCH_STEPS", "400"))
    with tempfile.TemporaryDirectory(prefix="workflow-letters-") as scratch:

        @contextmanager
        def sqlite_file(name: str) -> Iterator[str]:
            yield f"sqlite:///{Path(scratch) / name}.db"

        _measure("SQLite", sqlite_file, cases)
        _measure_handler_step("SQLite", sqlite_file, steps)
    if os.environ.get("BENCH_PG"):
        _measure("PostgreSQL", lambda _name: postgres_database(), cases)
        _measure_handler_step("PostgreSQL", lambda _name: postgres_database(), steps)
