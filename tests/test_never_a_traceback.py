"""Inputs that once printed a traceback: each is now one clear line and a non-zero exit.

Each case below feeds one of them to the real command line on a SQLite store (the
store whose limits they hit), and checks the line says what is wrong, not that
something internal broke.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli import Result, run
from workflow.resources import definitions_dir

OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-11-20",
    "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip
REPORT = ["report", "annual", "--year", "2026", "--agency", "zbgd", "--as-of", "2026-11-26"]
NUMBER = "zbgd-2026-0001"


def deep_yaml(levels: int = 5000) -> str:
    return "a:\n" + "".join("  " * depth + "b:\n" for depth in range(1, levels))


def alias_bomb() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@dataclass
class Scene:
    tmp: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    db: Path

    def run(self, *args: str) -> Result:
        return run(self.capsys, *args)

    def definitions(self, text: str | bytes) -> Path:
        directory = self.tmp / "definitions"
        directory.mkdir(exist_ok=True)
        for shipped in definitions_dir().glob("*.yaml"):
            (directory / shipped.name).write_bytes(shipped.read_bytes())
        target = directory / "disclosure.yaml"
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return directory


@pytest.fixture
def scene(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Scene:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    monkeypatch.delenv("WORKFLOW_LETTER_TEMPLATES", raising=False)
    monkeypatch.delenv("WORKFLOW_LETTER_FORMATS", raising=False)
    db = tmp_path / "workflow.db"
    monkeypatch.setenv("WORKFLOW_DB", f"sqlite:///{db}")
    assert run(capsys, "init").code == 0
    assert run(capsys, "agency", "add", "zbgd", "--name", "淄博高端装备中心").code == 0
    assert run(capsys, *OPEN).out == f"{NUMBER}\n"
    return Scene(tmp_path, capsys, monkeypatch, db)


def _year_zero(s: Scene) -> Result:
    return s.run("report", "annual", "--year", "0", "--agency", "zbgd")


def _full_disk(s: Scene) -> Result:
    return s.run(*REPORT, "-o", "/dev/full")


def _missing_directory(s: Scene) -> Result:
    return s.run(*REPORT, "-o", str(s.tmp / "no" / "such" / "dir.md"))


def _unknown_store(s: Scene) -> Result:
    return s.run("--db", "nonsense://x", "case", "list")


def _huge_limit(s: Scene) -> Result:
    return s.run("case", "list", "--limit", str(10**20))


def _huge_days(s: Scene) -> Result:
    return s.run(
        "case", "fire", NUMBER, "request_correction", "--on", "2026-11-25", "--days",
        str(10**30), "--reason", "请补正",
    )  # fmt: skip


def _not_utf8_argument(s: Scene) -> Result:
    return s.run("case", "show", b"zbgd-\xff".decode("utf-8", "surrogateescape"))


def _held_lock(s: Scene) -> Result:
    s.monkeypatch.setenv("WORKFLOW_LOCK_WAIT", "0.2")
    holder = sqlite3.connect(s.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        return s.run(*OPEN)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _huge_import_cell(s: Scene) -> Result:
    path = s.tmp / "cases.csv"
    path.write_text("number,request\nzbgd-2025-0001," + "长" * (130 * 1024) + "\n", "utf-8")
    return s.run("import", "cases", str(path), "--by", "李四")


def _unknown_encoding(s: Scene) -> Result:
    path = s.tmp / "cases.csv"
    path.write_text("number\n", "utf-8")
    return s.run("import", "cases", str(path), "--by", "李四", "--encoding", "nonsense-42")


def _definition_not_utf8(s: Scene) -> Result:
    return s.run("--definitions", str(s.definitions(b"id: disclosure\nname: \xff\xfe\n")), *OPEN)


def _deep_definition(s: Scene) -> Result:
    return s.run("--definitions", str(s.definitions(deep_yaml())), *OPEN)


def _alias_bomb_definition(s: Scene) -> Result:
    return s.run("--definitions", str(s.definitions(alias_bomb())), *OPEN)


def _deep_year_file(s: Scene) -> Result:
    calendars = s.tmp / "calendars"
    calendars.mkdir()
    (calendars / "2027.yaml").write_text(deep_yaml(), "utf-8")
    return s.run("calendar", "load", str(calendars / "2027.yaml"))


def _deep_figures(s: Scene) -> Result:
    figures = s.tmp / "figures.yaml"
    figures.write_text(deep_yaml(), "utf-8")
    return s.run(
        "report", "draft", "--year", "2026", "--agency", "zbgd", "--as-of", "2026-11-26",
        "--figures", str(figures), "-o", str(s.tmp / "draft.html"),
    )  # fmt: skip


def _deep_notify_config(s: Scene) -> Result:
    notify = s.tmp / "notify.yaml"
    notify.write_text(deep_yaml(), "utf-8")
    return s.run("outbox", "deliver", "--notify", str(notify))


def _impossible_yaml_date(s: Scene) -> Result:
    notify = s.tmp / "notify.yaml"
    notify.write_text("file: 0000-01-01\n", "utf-8")  # PyYAML reads a date Python cannot hold
    return s.run("outbox", "deliver", "--notify", str(notify))


def _impossible_definition_date(s: Scene) -> Result:
    return s.run("--definitions", str(s.definitions("id: disclosure\nname: 2026-02-30\n")), *OPEN)


def _template_extending_itself(s: Scene) -> Result:
    overrides = s.tmp / "templates" / "zbgd"
    overrides.mkdir(parents=True)
    (overrides / "acknowledgement.j2").write_text("{% extends 'acknowledgement.j2' %}", "utf-8")
    s.monkeypatch.setenv("WORKFLOW_LETTER_TEMPLATES", str(overrides.parent))
    return s.run(*OPEN)


def _huge_template_string(s: Scene) -> Result:
    overrides = s.tmp / "templates" / "zbgd"
    overrides.mkdir(parents=True)
    (overrides / "acknowledgement.j2").write_text("<h1>{{ 'x' * 10**10 }}</h1>", "utf-8")
    s.monkeypatch.setenv("WORKFLOW_LETTER_TEMPLATES", str(overrides.parent))
    return s.run(*OPEN)


INPUTS: dict[str, tuple[Callable[[Scene], Result], str]] = {
    "report annual --year 0": (_year_zero, "--year"),
    "-o /dev/full": (_full_disk, "cannot write /dev/full"),
    "-o no/such/dir.md": (_missing_directory, "No such file or directory"),
    "--db nonsense://x": (_unknown_store, "not a store URL"),
    "--limit 10**20": (_huge_limit, "--limit"),
    "--days 10**30": (_huge_days, "--days"),
    "an argument that is not UTF-8": (_not_utf8_argument, "is not UTF-8 text"),
    "a lock held past the wait": (_held_lock, "the store is busy"),
    "an import cell over 128 KiB": (_huge_import_cell, "row 2"),
    "--encoding nonsense-42": (_unknown_encoding, "unknown text encoding 'nonsense-42'"),
    "a definition that is not UTF-8": (_definition_not_utf8, "not utf-8 text"),
    "a definition nested 5000 deep": (_deep_definition, "levels deep"),
    "an alias bomb in a definition": (_alias_bomb_definition, "aliases counted"),
    "a year file nested 5000 deep": (_deep_year_file, "levels deep"),
    "a figures file nested 5000 deep": (_deep_figures, "levels deep"),
    "a notify config nested 5000 deep": (_deep_notify_config, "levels deep"),
    "a template computing a huge string": (_huge_template_string, "at most 1000000 characters"),
    "a template extending itself (Hypothesis found it)": (
        _template_extending_itself,
        "recurses without end",
    ),
    "a YAML date in year 0 (Hypothesis found it)": (_impossible_yaml_date, "year 0 is out of"),
    "a YAML date 2026-02-30 in a definition": (_impossible_definition_date, "day is out of range"),
}


@pytest.mark.parametrize("name", INPUTS)
def test_a_hostile_input_is_one_clear_line(scene: Scene, name: str) -> None:
    feed, expected = INPUTS[name]
    result = feed(scene)
    assert result.code not in (0, 70), result
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert lines, result
    assert lines[0].startswith("error: "), lines
    assert expected in result.err, result.err
    if name != "an import cell over 128 KiB":  # an import lists its rows below the line
        assert len(lines) == 1, lines
    assert "internal error" not in result.err
    assert os.environ.get("WORKFLOW_DEBUG") != "1"
