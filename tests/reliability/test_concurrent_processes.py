"""Concurrency: several processes open cases and fire steps on shared cases at once.

Afterwards the store replays clean (`workflow verify`), every case's events are numbered
1..n without a gap, case and letter numbers of each agency are gapless and unique, and
every command that succeeded wrote exactly one event: nothing acknowledged was lost or
doubled, on both stores.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli import run
from tests.stores import make_app
from workflow.store.records import AgencyRecord, CaseEventRecord, CaseRecord, LetterRecord

pytestmark = pytest.mark.slow

PROCESSES = 4
COMMANDS = 40  # per process
SHARED = 4  # cases every process fires on
ROOT = Path(__file__).resolve().parents[2]
OPEN = [
    "case", "open", "--applicant", "张三", "--applicant-type", "natural_person",
    "--channel", "online", "--request", "2025年度财政预算执行情况", "--received",
    "2026-11-20", "--by", "李四", "--json",
]  # fmt: skip


def test_processes_firing_and_opening_at_once_lose_and_double_nothing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(db, agencies=False)
    assert run(capsys, "agency", "add", "city", "--name", "某市人民政府").code == 0
    shared = []
    for index in range(SHARED):
        opened = run(capsys, *OPEN, "--agency", ("zbgd", "city")[index % 2])
        assert opened.code == 0, opened
        shared.append(opened.json()["number"])
    env = {**os.environ, "WORKFLOW_DB": db, "WORKFLOW_TODAY": "2026-11-26"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.worker", f"w{i}", str(COMMANDS), *shared],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(PROCESSES)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err.decode()
        results.append(json.loads(out))
    assert run(capsys, "verify").code == 0

    with app.database.reading() as session:
        cases = session.execute(
            select(CaseRecord.id, CaseRecord.number, AgencyRecord.code).join(AgencyRecord)
        ).all()
        events = session.execute(select(CaseEventRecord.case_id, CaseEventRecord.seq)).all()
        letters = session.execute(
            select(LetterRecord.number, AgencyRecord.code).join(AgencyRecord)
        ).all()
    app.close()

    seqs: dict[int, list[int]] = defaultdict(list)
    for case_id, seq in events:
        seqs[case_id].append(seq)
    for case_id, numbers in seqs.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), case_id
    assert set(seqs) == {case_id for case_id, _, _ in cases}
    for agency in ("zbgd", "city"):
        case_seqs = [int(n.rsplit("-", 1)[1]) for _, n, code in cases if code == agency]
        assert sorted(case_seqs) == list(range(1, len(case_seqs) + 1)), agency
        letter_seqs = [int(re.findall(r"(\d+)号", n)[-1]) for n, code in letters if code == agency]
        assert sorted(letter_seqs) == list(range(1, len(letter_seqs) + 1)), agency

    opened_numbers = [number for result in results for number in result["opened"]]
    fired = [tuple(step) for result in results for step in result["fired"]]
    assert len(set(fired)) == len(fired)  # no two processes were told they wrote one event
    assert len(opened_numbers) + SHARED == len(cases)
    assert len(events) == len(cases) + len(fired)  # an opening event each, one per step
    refused = sum(sum(result["refused"].values()) for result in results)
    assert refused < PROCESSES * COMMANDS / 2, results  # the load was real, not all refused
    print(
        f"concurrency: {PROCESSES} processes, {len(opened_numbers)} opened and {len(fired)} steps "
        f"acknowledged, {refused} refused (stale or moved), {len(letters)} letters"
    )
