"""The shipped year files and the year-file validation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from workflow.deadlines.calendar_files import (
    dump_year,
    load_calendar,
    read_year_file,
    year_files,
)
from workflow.errors import CalendarFileError
from workflow.resources import calendars_dir

SHIPPED = range(2019, 2027)
WORKING_DAYS = {
    2019: 250,
    2020: 249,
    2021: 250,
    2022: 249,
    2023: 249,
    2024: 251,
    2025: 248,
    2026: 248,
}


def _days(text: str, year: int) -> set[date]:
    """DOMAIN.md's "01-01; 02-10..02-17" notation."""
    days: set[date] = set()
    for part in text.split(";"):
        first, _, last = part.strip().partition("..")
        start = date.fromisoformat(f"{year}-{first}")
        end = date.fromisoformat(f"{year}-{last}") if last else start
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return days


# DOMAIN.md §3
DOMAIN = {
    2024: (
        "01-01; 02-10..02-17; 04-04..04-06; 05-01..05-05; 06-10; 09-15..09-17; 10-01..10-07",
        "02-04; 02-18; 04-07; 04-28; 05-11; 09-14; 09-29; 10-12",
    ),
    2025: (
        "01-01; 01-28..02-04; 04-04..04-06; 05-01..05-05; 05-31..06-02; 10-01..10-08",
        "01-26; 02-08; 04-27; 09-28; 10-11",
    ),
    2026: (
        "01-01..01-03; 02-15..02-23; 04-04..04-06; 05-01..05-05; 06-19..06-21; 09-25..09-27;"
        " 10-01..10-07",
        "01-04; 02-14; 02-28; 05-09; 09-20; 10-10",
    ),
}


def test_every_shipped_year_is_there() -> None:
    assert [path.name for path in year_files(calendars_dir())] == [f"{y}.yaml" for y in SHIPPED]
    assert sorted(load_calendar([calendars_dir()]).years) == list(SHIPPED)


@pytest.mark.parametrize("year", SHIPPED)
def test_shipped_year_loads_in_canonical_shape(year: int) -> None:
    path = calendars_dir() / f"{year}.yaml"
    schedule = read_year_file(path)
    assert schedule.year == year
    # written by dump_year, so re-dumping changes nothing
    assert dump_year(schedule) == path.read_text(encoding="utf-8")
    for notice in schedule.notices:
        assert notice.number, notice
        assert notice.date, notice
        assert notice.source, notice
        assert notice.source.startswith("https://www.gov.cn/zhengce/")
    assert all(
        holiday.notice and holiday.notice.startswith("国办发明电") for holiday in schedule.holidays
    )


@pytest.mark.parametrize(("year", "expected"), sorted(WORKING_DAYS.items()))
def test_working_days_per_year(year: int, expected: int) -> None:
    assert read_year_file(calendars_dir() / f"{year}.yaml").working_day_count() == expected


@pytest.mark.parametrize("year", sorted(DOMAIN))
def test_days_equal_the_domain_reference(year: int) -> None:
    schedule = read_year_file(calendars_dir() / f"{year}.yaml")
    off, makeup = DOMAIN[year]
    assert schedule.off_days == _days(off, year)
    assert schedule.makeup_days == _days(makeup, year)


def test_2020_carries_the_spring_festival_extension() -> None:
    schedule = read_year_file(calendars_dir() / "2020.yaml")
    assert {date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2)} <= schedule.off_days
    # the 02-01 make-up day was cancelled; 02-03 (a Monday) was never one
    assert schedule.makeup_days == {
        date(2020, 1, 19),
        date(2020, 4, 26),
        date(2020, 5, 9),
        date(2020, 6, 28),
        date(2020, 9, 27),
        date(2020, 10, 10),
    }
    extension = [h for h in schedule.holidays if h.notice == "国办发明电〔2020〕1号"]
    assert [h.off for h in extension] == [(date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2))]


def test_2022_carries_the_first_day_of_the_2023_new_year_holiday() -> None:
    schedule = read_year_file(calendars_dir() / "2022.yaml")
    assert date(2022, 12, 31) in schedule.off_days
    assert "国办发明电〔2022〕16号" in {n.number for n in schedule.notices}
    # chinese_calendar's 2023-12-30/31 are not in the 2024 notice
    assert {date(2023, 12, 30), date(2023, 12, 31)}.isdisjoint(
        read_year_file(calendars_dir() / "2023.yaml").off_days
    )


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (date(2026, 2, 12), 7, date(2026, 2, 28)),
        (date(2026, 2, 12), 20, date(2026, 3, 18)),
        (date(2026, 9, 30), 20, date(2026, 11, 3)),
        (date(2025, 12, 31), 20, date(2026, 1, 29)),
        (date(2026, 1, 5), 40, date(2026, 3, 6)),
    ],
)
def test_domain_worked_examples(received: date, days: int, due: date) -> None:
    assert load_calendar([calendars_dir()]).add_working_days(received, days) == due


# --- validation ------------------------------------------------------------------

# `off` is quoted: unquoted, YAML 1.1 (PyYAML) reads the key as the boolean false
VALID = """\
year: 2026
notices:
  - title: 国务院办公厅关于2026年部分节假日安排的通知
    number: 国办发明电〔2025〕7号
holidays:
  - name: 元旦
    notice: 国办发明电〔2025〕7号
    days_off: [2026-01-01, 2026-01-02, 2026-01-03]
    makeup_workdays: [2026-01-04]
"""


def _write(tmp_path: Path, text: str, name: str = "2026.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_reads(tmp_path: Path) -> None:
    schedule = read_year_file(_write(tmp_path, VALID))
    assert schedule.makeup_days == {date(2026, 1, 4)}


@pytest.mark.parametrize(
    ("text", "name", "problem"),
    [
        pytest.param(
            VALID.replace("[2026-01-01,", "[2025-12-31, 2026-01-01,"),
            "2026.yaml",
            "2025-12-31 is outside the year 2026",
            id="date-outside-year",
        ),
        pytest.param(
            VALID.replace("makeup_workdays: [2026-01-04]", "makeup_workdays: [2026-01-05]"),
            "2026.yaml",
            "2026-01-05 (元旦) is listed as a make-up working day but is a weekday",
            id="weekday-make-up-day",
        ),
        pytest.param(
            VALID
            + "  - name: 春节\n    notice: 国办发明电〔2025〕7号\n    days_off: [2026-01-04]\n",
            "2026.yaml",
            "2026-01-04 is both a day off and a make-up working day",
            id="off-and-make-up",
        ),
        pytest.param(
            VALID.replace("makeup_workdays:", "make_up:"),
            "2026.yaml",
            "unknown key(s) make_up",
            id="unknown-key",
        ),
        pytest.param(VALID, "2025.yaml", "named for 2025 but says year 2026", id="wrong-year"),
        pytest.param(
            VALID.replace("[2026-01-01,", "[2026-01-01,,"),
            "2026.yaml",
            "not valid YAML",
            id="not-yaml",
        ),
        pytest.param("- just\n- a list\n", "2026.yaml", "expected a mapping", id="not-a-mapping"),
        pytest.param(
            VALID.replace("notice: 国办发明电〔2025〕7号", "notice: 国办发明电〔2025〕8号"),
            "2026.yaml",
            "cites notice '国办发明电〔2025〕8号', not listed",
            id="unlisted-notice",
        ),
    ],
)
def test_invalid_file_is_refused_naming_file_and_problem(
    tmp_path: Path, text: str, name: str, problem: str
) -> None:
    path = _write(tmp_path, text, name)
    with pytest.raises(CalendarFileError) as caught:
        read_year_file(path)
    assert caught.value.path == str(path)
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: ")
