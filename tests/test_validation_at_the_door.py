"""Bad values are refused where they come in, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import one_line_error, run
from workflow.resources import definitions_dir

OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-11-20",
    "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip
HEADER = "number,agency,applicant_name,applicant_type,channel,received_on,request\n"


def test_a_correction_period_of_zero_days_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, *OPEN)
    line = one_line_error(
        run(
            capsys, "case", "fire", "zbgd-2026-0001", "request_correction", "--on",
            "2026-11-23", "--days", "0", "--reason", "请补正身份证明",
        )
    )  # fmt: skip
    assert "--days" in line


def test_lengths_are_the_same_on_both_stores(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(run(capsys, "agency", "add", "long", "--name", "局" * 120_000))
    assert "agencies.name is longer than 200 characters (120000 given)" in line
    opening = [("张" * 201 if arg == "张三" else arg) for arg in OPEN]
    line = one_line_error(run(capsys, *opening))
    assert "applicants.name is longer than 200 characters" in line
    assert run(capsys, "case", "list", "--json").json()["cases"] == []  # nothing half-written


@pytest.mark.parametrize("text", ["20261120", "2026-W47-5", "2026-11-20T00:00", "2026-1-20"])
def test_dates_are_yyyy_mm_dd_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    line = one_line_error(run(capsys, "calendar", "is-workday", text))
    assert "is not a date in YYYY-MM-DD form" in line


@pytest.mark.parametrize(
    ("code", "name", "problem"),
    [
        ("zb_gd", "淄博", "ASCII letters and digits"),
        ("淄博", "淄博", "ASCII letters and digits"),
        ("zb--gd", "淄博", "ASCII letters and digits"),
        ("zbgd-", "淄博", "ASCII letters and digits"),
        ("city", "  ", "name cannot be empty"),
        ("city", "市\x07政府", "no control characters"),
        ("city", "市政府\u2028", "no control characters"),
    ],
)
def test_agency_codes_and_names_are_checked(
    db: str, capsys: pytest.CaptureFixture[str], code: str, name: str, problem: str
) -> None:
    line = one_line_error(run(capsys, "agency", "add", code, "--name", name))
    assert problem in line


def test_a_letter_number_pattern_of_fifty_megabytes_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = one_line_error(
        run(capsys, "agency", "set", "zbgd", "--letter-number-pattern", "{seq:>50000000}")
    )
    assert "is too complex" in line


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("    days: 20\n", "    days: -5\n", "clocks.answer.days"),
        ("    max_extension: 20\n", "    max_extension: -1\n", "clocks.answer.max_extension"),
    ],
)
def test_definition_validate_refuses_negative_clock_lengths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, problem: str
) -> None:
    shipped = (definitions_dir() / "disclosure.yaml").read_text("utf-8")
    assert old in shipped
    path = tmp_path / "disclosure.yaml"
    path.write_text(shipped.replace(old, new, 1), "utf-8")
    line = one_line_error(run(capsys, "definition", "validate", str(path)))  # the file given
    assert problem in line


def test_an_import_row_with_more_cells_than_the_header_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER + "old-1,zbgd,王五,natural_person,online,2026-03-02,预算,extra\n", "utf-8"
    )
    result = run(capsys, "import", "cases", str(path), "--by", "李四")
    assert result.code == 2
    assert "row 2: row: 8 cells; the header names 7" in result.err


def test_a_fifo_is_refused_not_waited_on(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "cases.csv"
    os.mkfifo(fifo)
    line = one_line_error(run(capsys, "import", "cases", str(fifo), "--by", "李四"))
    assert "not a regular file" in line
    notice = tmp_path / "notice.txt"
    os.mkfifo(notice)
    calendars = ["--calendars", str(tmp_path)]
    line = one_line_error(run(capsys, *calendars, "calendar", "import-notice", str(notice)))
    assert "not a regular file" in line
