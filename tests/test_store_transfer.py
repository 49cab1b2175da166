"""``workflow export`` / ``workflow import store``: a store moves whole, to the same kind of
store or from SQLite to PostgreSQL, and carries on where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import one_line_error, run
from tests.stores import postgres_database

OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant-type", "natural_person", "--channel",
    "online", "--received", "2026-06-01", "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip


def fill(capsys: pytest.CaptureFixture[str]) -> None:
    """Cases with events, clocks, timers and a sweep behind them."""
    for applicant in ("张三", "李\u2028四"):  # U+2028 is a line break to str.splitlines
        assert run(capsys, *OPEN, "--applicant", applicant).code == 0
    fired = run(
        capsys, "case", "fire", "zbgd-2026-0001", "request_correction", "--reason", "缺少身份证明",
        "--on", "2026-06-03", "--by", "李四",
    )  # fmt: skip
    assert fired.code == 0, fired
    assert run(capsys, "sweep", "--as-of", "2026-06-20").code == 0


def export(capsys: pytest.CaptureFixture[str], url: str, path: Path) -> list[str]:
    result = run(capsys, "--db", url, "export", "-o", str(path))
    assert result.code == 0, result
    return path.read_text("utf-8").split("\n")


def move(capsys: pytest.CaptureFixture[str], source: str, target: str, tmp_path: Path) -> None:
    before = export(capsys, source, tmp_path / "before.jsonl")
    assert run(capsys, "--db", target, "init").code == 0
    imported = run(capsys, "--db", target, "import", "store", str(tmp_path / "before.jsonl"))
    assert imported.code == 0, imported
    assert run(capsys, "--db", target, "verify").code == 0
    # every table's rows are equal: the target exports the same lines
    assert export(capsys, target, tmp_path / "after.jsonl") == before
    assert before[0].startswith('{"format":"workflow-store","revision":')
    # numbering and ids carry on (PostgreSQL's sequences were moved past the imported ids)
    third = run(capsys, "--db", target, *OPEN, "--applicant", "王五", "--json")
    assert third.code == 0, third
    assert third.json()["number"] == "zbgd-2026-0003"
    assert run(capsys, "--db", target, "verify").code == 0


def test_a_store_moves_to_a_new_store_of_its_kind(
    db: str, store_kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(capsys)
    if store_kind == "postgres":
        with postgres_database() as target:
            move(capsys, db, target, tmp_path)
    else:
        move(capsys, db, f"sqlite:///{tmp_path / 'moved.db'}", tmp_path)


@pytest.mark.postgres
def test_a_sqlite_office_moves_to_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    source = f"sqlite:///{tmp_path / 'office.db'}"
    assert run(capsys, "--db", source, "init").code == 0
    added = run(
        capsys, "--db", source, "agency", "add", "zbgd", "--name", "淄博高端装备中心",
        "--reconsideration-body", "淄博高新区管委会", "--court", "张店区人民法院",
    )  # fmt: skip
    assert added.code == 0
    monkeypatch.setenv("WORKFLOW_DB", source)
    fill(capsys)
    with postgres_database() as target:
        move(capsys, source, target, tmp_path)


def test_an_import_into_a_store_with_data_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(capsys)
    export(capsys, db, tmp_path / "store.jsonl")
    refused = run(capsys, "import", "store", str(tmp_path / "store.jsonl"))
    assert "the store is not empty (table agencies has rows)" in one_line_error(refused)


def test_a_bad_line_is_named_and_nothing_is_imported(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(capsys)
    lines = export(capsys, db, tmp_path / "store.jsonl")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert run(capsys, "--db", target, "init").code == 0
    fresh = export(capsys, target, tmp_path / "fresh.jsonl")  # the release's calendar only
    broken = tmp_path / "broken.jsonl"
    bad = [*lines[:5], '{"table": "cases", "row": {"nonsense": 1}}', *lines[5:]]
    broken.write_text("\n".join(bad), "utf-8")
    refused = run(capsys, "--db", target, "import", "store", str(broken))
    assert one_line_error(refused) == "error: line 6: cases has no column nonsense"
    assert export(capsys, target, tmp_path / "after.jsonl") == fresh
    header = tmp_path / "other.jsonl"
    header.write_text('{"format":"workflow-store","revision":"0001"}\n', "utf-8")
    assert "schema revision 0001" in one_line_error(
        run(capsys, "--db", target, "import", "store", str(header))
    )
