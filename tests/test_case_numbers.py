"""Case numbers never collide: patterns are checked when set, never overlap between agencies,
imports stay in their agency's numbering, and `case open` steps past a number already taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli import one_line_error, run
from workflow.definition.number_patterns import check_pattern, overlap
from workflow.errors import InvalidInput
from workflow.store.database import Database


def open_case(capsys: pytest.CaptureFixture[str], agency: str) -> str:
    result = run(
        capsys, "case", "open", "--agency", agency, "--applicant", "张三", "--applicant-type",
        "natural_person", "--channel", "online", "--received", "2026-11-20", "--request",
        "2025年度财政预算执行情况", "--by", "李四",
    )  # fmt: skip
    assert result.code == 0, result
    return result.out.strip()


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{x}-{seq}", "unknown field {x}"),
        ("{agency}-{year}", "needs {seq} exactly once"),
        ("{seq:>50000000}", "is not a format the number can take"),
        ("{seq:010d}", "is not a format the number can take"),
        ("{year:>9}-{seq}", "is not a format the number can take"),
        ("{seq}-{seq}", "needs {seq} exactly once"),
        ("{seq!r}", "unknown field"),
        ("{agency", "case number pattern"),
    ],
)
def test_a_pattern_that_cannot_number_cases_is_refused(pattern: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem.replace("{", r"\{").replace("}", r"\}")):
        check_pattern(pattern)


def test_overlapping_patterns_are_found_with_a_number_both_make() -> None:
    default = "{agency}-{year}-{seq:04d}"
    assert overlap(("{agency}-{year}-{seq:04d}", "city"), (default, "zbgd")) is None
    assert overlap((default, "city"), (default, "city-2")) is None
    assert overlap((default, "a"), ("a-2026-{seq}", "b")) == "a-2026-0000"
    assert overlap(("{agency}{seq}", "ab"), ("{agency}b{seq}", "a")) == "ab0"
    assert overlap(("{agency}-{seq:04d}", "x"), ("x-1{seq}", "y")) == "x-1000"
    assert overlap(("C{year}{seq:03d}", "c"), ("C2026{seq}", "d")) == "C2026000"


def test_agency_patterns_that_would_collide_are_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "agency", "add", "city", "--name", "市政府").code == 0
    line = one_line_error(
        run(capsys, "agency", "set", "city", "--case-number-pattern", "zbgd-{year}-{seq:04d}")
    )
    assert "could be agency zbgd's too" in line
    assert "'zbgd-" in line
    line = one_line_error(
        run(capsys, "agency", "set", "zbgd", "--case-number-pattern", "{x}-{seq}")
    )
    assert "unknown field {x}" in line
    assert open_case(capsys, "city") == "city-2026-0001"  # nothing was changed


def test_an_import_into_another_agencys_numbering_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "agency", "add", "city", "--name", "市政府").code == 0
    path = tmp_path / "cases.csv"
    path.write_text(
        "number,agency,applicant_name,applicant_type,channel,received_on,request\n"
        "city-2026-0002,zbgd,王五,natural_person,online,2026-03-02,预算\n",
        "utf-8",
    )
    result = run(capsys, "import", "cases", str(path), "--by", "李四")
    assert result.code == 2, result
    assert "row 2: number: city-2026-0002 is in agency city's numbering" in result.err
    assert [open_case(capsys, "city") for _ in range(3)] == [
        "city-2026-0001", "city-2026-0002", "city-2026-0003",
    ]  # fmt: skip


def test_case_open_steps_past_a_number_already_taken(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store from before the checks may hold another agency's number: open never collides."""
    assert run(capsys, "agency", "add", "city", "--name", "市政府").code == 0
    first = open_case(capsys, "zbgd")
    database = Database(db)
    try:
        with database.transaction() as session:  # as an import into zbgd once wrote it
            session.execute(
                text("UPDATE cases SET number = 'city-2026-0001' WHERE number = :n"), {"n": first}
            )
    finally:
        database.dispose()
    assert open_case(capsys, "city") == "city-2026-0002"
    assert run(capsys, "verify").code == 0
