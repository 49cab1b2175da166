"""The core imports nothing heavy, and only SystemClock reads the wall clock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "workflow"
CORE = [
    "workflow.deadlines",
    "workflow.definition",
    "workflow.deadlines.notice",
    "workflow.lifecycle",
]
FORBIDDEN = ["sqlalchemy", "apscheduler", "jinja2", "alembic", "weasyprint", "docx"]


def test_core_imports_no_storage_scheduler_or_templates() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in CORE)
        + f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_only_the_system_clock_reads_the_wall_clock() -> None:
    pattern = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time)\(")
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if pattern.search(line) and path.name != "clock.py"
    ]
    assert offenders == []


def test_only_the_lifecycle_machine_imports_transitions() -> None:
    pattern = re.compile(r"^\s*(from|import) transitions\b", re.M)
    importers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if pattern.search(path.read_text("utf-8"))
    )
    assert importers == ["lifecycle/machine.py"]
