"""``workflow calendar ...`` from the shell: answers, JSON, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run

FIXTURES = Path(__file__).parent / "fixtures" / "holiday-notices"


def test_add_workdays_lands_on_a_make_up_saturday(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "calendar", "add-workdays", "2026-02-12", "7")
    assert (result.code, result.out) == (0, "2026-02-28\n")


def test_add_workdays_json_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "calendar", "add-workdays", "2026-02-12", "20", "--json")
    assert result.json() == {
        "start": "2026-02-12",
        "workdays": 20,
        "result": "2026-03-18",
        "weekday": "Wed",
        "kind": "weekday",
    }


def test_is_workday_explains(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "calendar", "is-workday", "2026-02-16")
    assert "not a working day: an official day off (春节)" in result.out
    data = run(capsys, "calendar", "is-workday", "2026-10-10", "--json").json()
    assert data == {
        "date": "2026-10-10",
        "working_day": True,
        "kind": "makeup",
        "holiday": "国庆节",
        "weekday": "Sat",
    }


def test_between_counts_after_start_through_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "calendar", "between", "2026-02-12", "2026-03-18").out == "20\n"


def test_explain_a_ledger_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.yaml"
    ledger.write_text(
        "clock: answer\nas_of: 2026-04-01\nentries:\n"
        "  - {start: 2026-02-12, days: 20}\n"
        "  - {pause: 2026-03-05, reason: third party}\n"
        "  - {resume: 2026-03-20}\n",
        encoding="utf-8",
    )
    data = run(capsys, "calendar", "explain", str(ledger), "--json").json()
    assert data["due_on"] == "2026-04-02"
    assert data["remaining_workdays"] == 1
    assert (
        data["explanation"][1]
        == "2026-03-05至2026-03-20暂停（third party）：已用11个工作日，剩余9个"
    )


def test_years_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    data = run(capsys, "calendar", "years", "--json").json()
    years = {row["year"]: row for row in data["years"]}
    assert set(years) >= set(range(2019, 2027))
    assert years[2026]["working_days"] == 248
    assert years[2026]["notices"][0]["number"] == "国办发明电〔2025〕7号"


def test_unknown_year_names_the_year_and_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "calendar", "add-workdays", "2027-03-01", "5")
    assert result.code == 4  # the operator loads a year's calendar
    assert "2027" in result.err
    assert "import-notice" in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calendar", "add-workdays", "2026-02-12", "--", "-3"), "cannot be negative"),
        (("calendar", "is-workday", "2026-02-30"), "not a date"),
        (("calendar", "explain"), "give a ledger file or --start"),
    ],
)
def test_bad_input_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    result = run(capsys, *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_malformed_ledger_names_the_entry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "bad.yaml"
    ledger.write_text("entries:\n  - {start: 2026-02-12}\n  - {pause: tomorrow}\n", "utf-8")
    result = run(capsys, "calendar", "explain", str(ledger))
    assert result.code == 2
    assert "entry 2: pause must be a YYYY-MM-DD date" in result.err


def test_malformed_year_file_is_refused_with_file_and_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nholidays:\n  - name: 元旦\n    makeup_workdays: [2027-01-04]\n", "utf-8"
    )
    result = run(capsys, "--calendars", str(tmp_path), "calendar", "years")
    assert result.code == 4  # the operator's file
    assert "2027.yaml" in result.err
    assert "2027-01-04" in result.err


def test_import_notice_adds_a_year_without_a_release(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Pretend 2026 was never shipped: import it into a user directory, then use it.
    result = run(
        capsys,
        "--calendars",
        str(tmp_path),
        "calendar",
        "import-notice",
        str(FIXTURES / "2026.txt"),
    )
    assert result.code == 0, result.err
    assert (tmp_path / "2026.yaml").is_file()
    again = run(
        capsys,
        "--calendars",
        str(tmp_path),
        "calendar",
        "import-notice",
        str(FIXTURES / "2026.txt"),
    )
    assert again.code == 2
    assert "--force" in again.err
    years = run(capsys, "--calendars", str(tmp_path), "calendar", "years", "--json").json()
    row = next(r for r in years["years"] if r["year"] == 2026)
    assert (row["origin"], row["source"]) == ("file", str(tmp_path / "2026.yaml"))
    assert row["working_days"] == 248
    assert years["store"] is False


def test_import_notice_refuses_an_unreadable_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (FIXTURES / "2026.txt").read_text("utf-8").replace("共3天。1月4日", "共4天。1月4日")
    notice = tmp_path / "2026.txt"
    notice.write_text(text, "utf-8")
    result = run(
        capsys, "--calendars", str(tmp_path / "cal"), "calendar", "import-notice", str(notice)
    )
    assert result.code == 2
    assert "元旦" in result.err
    assert not (tmp_path / "cal" / "2026.yaml").exists()


def test_import_notice_needs_a_target_directory(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "calendar", "import-notice", str(FIXTURES / "2026.txt"))
    assert result.code == 2
    assert "--calendars" in result.err
