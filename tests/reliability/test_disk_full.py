"""Disk full on SQLite: a command that cannot write says so in one line and loses nothing.

Each command runs in its own process under a file size limit (``RLIMIT_FSIZE``) a little
above the store's size, so that its writes soon fail as on a full disk (the kernel answers
EFBIG; SQLite reports a failed write, SQLITE_IOERR_WRITE; a disk truly full gives
SQLITE_FULL, handled alike). Every command acknowledged before is still there afterwards,
the failed ones left nothing (no case, no event, no gap in the numbers), and once space
returns the store verifies clean and the next case takes the next number.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cli import run
from tests.stores import make_app
from workflow.store.records import CaseEventRecord, CaseRecord

pytestmark = pytest.mark.slow

MARGIN = 48 * 1024  # bytes the store's files may grow by: a few commands
OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--request", "2025年度财政预算执行情况" * 40,
    "--received", "2026-11-20", "--by", "李四", "--json",
]  # fmt: skip


def test_a_full_disk_gives_one_line_and_loses_nothing_acknowledged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "workflow.db"
    url = f"sqlite:///{path}"
    app = make_app(url)
    app.close()
    files = [path, path.with_name(path.name + "-wal")]
    limit = max(file.stat().st_size for file in files if file.exists()) + MARGIN

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": "2026-11-26"}
    env.pop("WORKFLOW_LETTER_TEMPLATES", None)
    acknowledged: list[str] = []
    failures: list[subprocess.CompletedProcess[str]] = []
    for _ in range(40):
        done = subprocess.run(
            [sys.executable, "-m", "workflow", *OPEN],
            env=env,
            capture_output=True,
            text=True,
            preexec_fn=limited,
            timeout=120,
        )
        if done.returncode == 0:
            assert not failures, "a command succeeded on the full disk after one failed"
            acknowledged.append(done.stdout.split('"number": "')[1].split('"')[0])
        else:
            failures.append(done)
            if len(failures) == 3:
                break
    assert acknowledged, "the limit left no room for one command: the test proves nothing"
    assert len(failures) == 3, "the store never filled up"
    for failure in failures:
        assert "Traceback" not in failure.stderr
        errors = [line for line in failure.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, failure.stderr
        assert "could not write to its disk" in errors[0]
        assert "nothing of this command was stored" in errors[0]
        assert failure.returncode == 6

    # Space returns: nothing acknowledged is lost, nothing failed is half there.
    monkeypatch.setenv("WORKFLOW_DB", url)
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    assert run(capsys, "verify").code == 0
    app = make_app(url, agencies=False)
    with app.database.reading() as session:
        numbers = list(session.scalars(select(CaseRecord.number).order_by(CaseRecord.id)))
        events = session.scalar(select(func.count()).select_from(CaseEventRecord))
    assert numbers == acknowledged
    assert events == len(acknowledged)
    app.close()
    after = run(capsys, *OPEN)
    assert after.code == 0, after
    assert after.json()["number"] == f"zbgd-2026-{len(acknowledged) + 1:04d}"
    assert run(capsys, "verify").code == 0
    print(f"disk full: {len(acknowledged)} acknowledged, then {len(failures)} refused in one line")
