"""The case command line contract: outputs, JSON, and one-line errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli import one_line_error, run

OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-02-12",
    "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip


def test_init_is_idempotent(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init").out.startswith("schema is up to date")


def test_drive_a_case_through_the_cli(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    opened = run(capsys, *OPEN)
    assert (opened.code, opened.out) == (0, "zbgd-2026-0001\n")
    number = "zbgd-2026-0001"
    fired = run(
        capsys,
        "case",
        "fire",
        number,
        "extend",
        "--on",
        "2026-03-02",
        "--approver",
        "王主任",
        "--json",
    )
    assert fired.json() == {
        "number": number, "trigger": "extend", "from_state": "received", "to_state": "extended",
        "outcome": None, "event": 2, "version": 2, "warnings": [],
        "letters": [{"number": "淄高装公开〔2026〕2号", "kind": "extension_notice",
                     "title": "政府信息公开申请延期答复告知书"}],
    }  # fmt: skip
    decided = run(
        capsys, "case", "fire", number, "decide", "--on", "2026-03-10", "--outcome",
        "withheld.process_information", "--reason", "属于内部讨论记录",
    )  # fmt: skip
    assert decided.out.splitlines() == [
        f"{number}: 作出答复 [decide]: 延期办理中 [extended] → 已办结 [decided]，"
        "不予公开（属于四类过程性信息） [withheld.process_information]",
        "  文书：淄高装公开〔2026〕3号  政府信息公开申请答复书 [decision]",
    ]
    shown = run(capsys, "case", "show", number, "--as-of", "2026-03-10", "--json").json()
    for key in ("number", "agency", "state", "open", "outcome", "received_on", "deadlines",
                "allowed_triggers", "events", "appeals"):  # fmt: skip
        assert key in shown
    assert (shown["state"], shown["open"], shown["outcome"]) == (
        "decided",
        False,
        "withheld.process_information",
    )
    answer = shown["deadlines"]["answer"]
    assert set(answer) >= {
        "due_on",
        "running",
        "remaining_workdays",
        "overdue_workdays",
        "explanation",
    }
    assert answer["due_on"] == "2026-04-16"
    assert [e["trigger"] for e in shown["events"]] == ["open", "extend", "decide"]
    listed = run(capsys, "case", "list", "--json", "--as-of", "2026-03-10").json()
    assert [c["number"] for c in listed["cases"]] == [number]
    assert run(capsys, "verify").code == 0


def test_wrong_trigger_names_state_and_allowed(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, *OPEN)
    line = one_line_error(
        run(capsys, "case", "fire", "zbgd-2026-0001", "receive_payment", "--on", "2026-03-02")
    )
    assert "receive_payment is not allowed in state received" in line
    assert "allowed: request_correction, consult_third_party" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("case", "show", "zbgd-2026-0999"), "no case numbered 'zbgd-2026-0999'"),
        (("case", "fire", "zbgd-2026-0001", "decide", "--on", "2026-02-30"), "not a date"),
        (("case", "fire", "zbgd-2026-0001", "decide", "--on", "2026-03-02", "--outcome", "nope"),
         "unknown outcome 'nope'; known: disclosed.already_public (予以公开（已主动公开）), "),
        (("case", "fire", "zbgd-2026-0001", "extend", "--on", "2026-03-02", "--approver", "x",
          "--days", "30"), "1 to 20 WD"),
        (("case", "fire", "zbgd-2026-0001", "issue_fee_notice", "--on", "2026-03-02", "--amount",
          "abc"), "not an amount"),
        (("case", "fire", "zbgd-2026-0001", "decide", "--on", "2026-12-01", "--outcome",
          "disclosed.provided"), "in the future"),
        (("case", "open", "--agency", "nope", "--applicant", "a", "--applicant-type",
          "business", "--channel", "fax", "--received", "2026-03-01", "--request", "r"),
         "unknown agency 'nope'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(
    db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    run(capsys, *OPEN)
    assert message in one_line_error(run(capsys, *args))


def test_verify_reports_a_tampered_row(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, *OPEN)
    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE cases SET state = 'decided', outcome = 'other.other'"))
    engine.dispose()
    result = run(capsys, "verify")
    assert result.code != 0
    assert "zbgd-2026-0001: state: stored 'decided', replay gives 'received'" in result.out


def test_a_definition_changed_under_the_same_version_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from workflow.resources import definitions_dir

    run(capsys, *OPEN)  # registers the shipped version
    shipped = run(capsys, "case", "show", "zbgd-2026-0001", "--json").json()["definition"]
    version = shipped["version"]
    own = tmp_path / "definitions"
    own.mkdir()
    text_ = (definitions_dir() / "disclosure.yaml").read_text("utf-8")
    shorter = text_.replace("days: 20\n", "days: 15\n", 1)
    (own / "disclosure.yaml").write_text(shorter, "utf-8")
    (own / "disclosure-2007.yaml").write_text(  # the definition it names for older applications
        (definitions_dir() / "disclosure-2007.yaml").read_text("utf-8"), "utf-8"
    )
    line = one_line_error(run(capsys, "--definitions", str(own), *OPEN), 4)
    assert f"disclosure version {version} has changed since cases started on it" in line
    (own / "disclosure.yaml").write_text(
        shorter.replace(f"version: {version}", f"version: {version + 1}", 1), "utf-8"
    )
    assert run(capsys, "--definitions", str(own), *OPEN).code == 0
    shown = run(
        capsys, "--definitions", str(own), "case", "show", "zbgd-2026-0001", "--json"
    ).json()
    assert shown["definition"] == {"id": "disclosure", "version": version}  # keeps its version
    assert shown["deadlines"]["answer"]["due_on"] == "2026-03-18"  # 20 WD, as it started


def test_definition_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    validated = run(capsys, "definition", "validate").out
    assert "ok (disclosure version 3" in validated
    assert "ok (disclosure_2007 version 1" in validated
    assert run(capsys, "definition", "diagram").out.startswith("stateDiagram-v2")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nversion: 1\ninitial: a\nstates: {a: {label: A}}\ntriggers: {}\nclocks: {}\n"
        "outcomes: {}\nextra: 1\n",
        "utf-8",
    )
    result = run(capsys, "definition", "validate", str(bad))
    assert result.code == 2
    assert f"{bad}:8: extra: unknown key" in result.err


def test_a_store_without_the_schema_or_a_server_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    for command in (["case", "list"], ["calendar", "recompute"], ["sweep"]):
        line = one_line_error(run(capsys, "--db", empty, *command), 6)
        assert "run `workflow init` to create or upgrade it" in line
    nobody = "postgresql://postgres@127.0.0.1:9/test"  # nothing listens on port 9
    line = one_line_error(run(capsys, "--db", nobody, "case", "list"), 6)
    assert line.startswith("error: the store cannot be used: connection failed")
