"""Start-up: whole ``workflow`` processes, against ``python -c pass`` in the same run.

A command's time is mostly start-up: the interpreter, the imports, the store and the
definition. Each run starts a new process, from its start to its exit, as an officer's
shell does; the three commands run in turn (pass, --help, case show, pass, ...) so a
machine that slows down during the run slows all three alike. Medians of ``RUNS``.

The children run without ``PYTHONDONTWRITEBYTECODE``, whatever the benchmark's own
environment says: a user's machine writes the bytecode of the installed modules on the
first run and reads it after, and the warm-up run here writes it. With the variable set,
every run would compile the project's modules again (about 45 ms on the build machine).

``BENCH_STARTUP_BASELINE=DIR`` (another tree's ``src``, e.g. a worktree of the commit
before a change) times that tree's two commands too, in the same turns, on the same
store: on a shared machine only figures from one run compare.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "21"))
TODAY = "2026-04-20"
NO_BYTECODE = "PYTHONDONTWRITEBYTECODE"  # left out of the children's environment
BASELINE = os.environ.get("BENCH_STARTUP_BASELINE")


def _workflow(*args: str) -> list[str]:
    return [sys.executable, "-m", "workflow", *args]


def _prepare(environment: dict[str, str]) -> str:
    """A store with one agency and one case; returns the case's number."""
    steps = [
        ("init",),
        ("agency", "add", "zbgd", "--name", "淄博高端装备中心", "--short-name", "淄高装"),
        ("case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type", "自然人",
         "--channel", "互联网", "--received", "2026-02-12", "--request", "财政预算执行情况"),
    ]  # fmt: skip
    out = ""
    for step in steps:
        out = subprocess.run(
            _workflow(*step), env=environment, capture_output=True, text=True, check=True
        ).stdout
    return out.strip()


def _time(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the kernel's own accounting): on a
    shared machine the wall time includes waiting for a core, the CPU time does not."""
    began = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def run() -> None:
    with tempfile.TemporaryDirectory() as directory:
        environment = {
            **{name: value for name, value in os.environ.items() if name != NO_BYTECODE},
            "WORKFLOW_DB": f"sqlite:///{Path(directory) / 'workflow.db'}",
            "WORKFLOW_TODAY": TODAY,
            "WORKFLOW_USER": "李四",
        }
        number = _prepare(environment)
        commands = {
            "python -c pass": ([sys.executable, "-c", "pass"], environment),
            "workflow --help": (_workflow("--help"), environment),
            f"workflow case show {number}": (_workflow("case", "show", number), environment),
        }
        if BASELINE is not None:
            baseline = {**environment, "PYTHONPATH": BASELINE}
            commands["baseline: workflow --help"] = (_workflow("--help"), baseline)
            commands[f"baseline: workflow case show {number}"] = (
                _workflow("case", "show", number),
                baseline,
            )
        for command, env in commands.values():  # warm the file cache, write the bytecode
            _time(command, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, (command, env) in commands.items():
                times[name].append(_time(command, env))
    base_wall, base_cpu = _medians(times["python -c pass"])
    print(f"{RUNS} runs each, in turn; medians (wall: min..max)")
    if BASELINE is not None:
        print(f"baseline: the tree in {BASELINE}")
    for name, runs in times.items():
        wall, cpu = _medians(runs)
        low, high = min(w for w, _ in runs), max(w for w, _ in runs)
        print(
            f"{name}: wall {wall * 1000:.0f} ms ({low * 1000:.0f}..{high * 1000:.0f}), "
            f"cpu {cpu * 1000:.0f} ms; over python -c pass: wall {(wall - base_wall) * 1000:+.0f}"
            f" ms, cpu {(cpu - base_cpu) * 1000:+.0f} ms"
        )


def _medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
