"""Year files: ``definitions/calendars/cn/YYYY.yaml``, read, validated and written.

A file holds one year's official arrangement and the notices it came from::

    year: 2026
    notices:
      - title: 国务院办公厅关于2026年部分节假日安排的通知
        number: 国办发明电〔2025〕7号
        date: 2025-11-04
        source: https://www.gov.cn/zhengce/content/202511/content_7047090.htm
    holidays:
      - name: 元旦
        notice: 国办发明电〔2025〕7号
        days_off: [2026-01-01, 2026-01-02, 2026-01-03]
        makeup_workdays: [2026-01-04]

The store keeps each year it counts with in ``year_json``'s form, with its
``content_hash``; files (the shipped ones, ``--calendars DIR``) are how years get
there, and what a machine with no store counts with.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, cast

import yaml

from workflow import bounded_yaml
from workflow.deadlines.calendar import Holiday, Notice, WorkingCalendar, YearSchedule
from workflow.errors import CalendarFileError
from workflow.input_files import UnreadableFile

_YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")
_TOP_KEYS = {"year", "notices", "holidays"}
_NOTICE_KEYS = {"title", "number", "date", "source"}
_HOLIDAY_KEYS = {"name", "notice", "days_off", "makeup_workdays"}


def load_calendar(directories: Iterable[Path]) -> WorkingCalendar:
    """Load every year file; a later directory overrides an earlier one's year."""
    schedules: dict[int, YearSchedule] = {}
    for directory in directories:
        for path in year_files(directory):
            schedule = read_year_file(path)
            schedules[schedule.year] = schedule
    return WorkingCalendar(schedules)


def year_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise CalendarFileError(directory, "calendar directory does not exist")
    return sorted(path for path in directory.iterdir() if _YEAR_FILE.match(path.name))


def read_year_file(path: Path) -> YearSchedule:
    try:
        data = bounded_yaml.read(path)
    except UnreadableFile as exc:
        raise CalendarFileError(path, exc.reason) from exc
    match = _YEAR_FILE.match(path.name)
    expected_year = int(match.group(1)) if match else None
    return parse_year(data, path, expected_year)


def parse_year(data: Any, path: Path | str, expected_year: int | None = None) -> YearSchedule:
    """Validate a year file's data and build the schedule; every problem names the file."""
    if not isinstance(data, dict):
        raise CalendarFileError(path, "expected a mapping with year, notices and holidays")
    _refuse_unknown(data, _TOP_KEYS, path, "")
    year = data.get("year")
    if not isinstance(year, int):
        raise CalendarFileError(path, "`year` must be a four-digit number")
    if expected_year is not None and year != expected_year:
        raise CalendarFileError(path, f"file is named for {expected_year} but says year {year}")
    notices = tuple(_notice(item, path) for item in _list(data, "notices", path))
    holidays = tuple(_holiday(item, year, path) for item in _list(data, "holidays", path))
    seen_off: dict[date, str] = {}
    seen_makeup: dict[date, str] = {}
    for holiday in holidays:
        for day in holiday.off:
            if day in seen_makeup:
                raise CalendarFileError(path, f"{day} is both a day off and a make-up working day")
            seen_off[day] = holiday.name
        for day in holiday.makeup:
            if day in seen_off:
                raise CalendarFileError(path, f"{day} is both a day off and a make-up working day")
            seen_makeup[day] = holiday.name
    known = {n.number for n in notices if n.number} | {n.title for n in notices}
    for holiday in holidays:
        if holiday.notice is not None and holiday.notice not in known:
            raise CalendarFileError(
                path, f"holiday {holiday.name!r} cites notice {holiday.notice!r}, not listed"
            )
    return YearSchedule(year=year, holidays=holidays, notices=notices, origin=str(path))


def dump_year(schedule: YearSchedule) -> str:
    """The YAML text of a year file, in the shape ``read_year_file`` reads."""
    header = f"# Official working-day calendar for {schedule.year} (off days and make-up days)\n"
    body = yaml.safe_dump(
        _year_data(schedule), allow_unicode=True, sort_keys=False, default_flow_style=None
    )
    return header + body


def year_json(schedule: YearSchedule) -> dict[str, Any]:
    """A year as JSON-ready data (dates as YYYY-MM-DD): the form the store keeps."""
    return cast(dict[str, Any], json.loads(json.dumps(_year_data(schedule), default=str)))


def year_from_json(data: Any, where: str) -> YearSchedule:
    """The schedule ``year_json`` gave, validated as a year file is (problems name ``where``)."""
    if not isinstance(data, dict):
        raise CalendarFileError(where, "expected a mapping with year, notices and holidays")
    try:
        parsed = {
            **data,
            "notices": [
                {**n, "date": date.fromisoformat(n["date"])} if n.get("date") else n
                for n in data.get("notices", [])
            ],
            "holidays": [
                {
                    **h,
                    **{
                        key: [date.fromisoformat(day) for day in h[key]]
                        for key in ("days_off", "makeup_workdays")
                        if key in h
                    },
                }
                for h in data.get("holidays", [])
            ],
        }
    except (TypeError, ValueError, AttributeError) as exc:
        raise CalendarFileError(where, f"not a stored calendar year: {exc}") from exc
    return parse_year(parsed, where, data.get("year"))


def content_hash(schedule: YearSchedule) -> str:
    """SHA-256 of a year's days and notices, whatever file or text they were read from."""
    canonical = json.dumps(year_json(schedule), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def same_days(one: YearSchedule, other: YearSchedule) -> bool:
    """Whether two versions of a year give the same working days (notices aside)."""
    return (one.off_days, one.makeup_days) == (other.off_days, other.makeup_days)


def _year_data(schedule: YearSchedule) -> dict[str, Any]:
    return {
        "year": schedule.year,
        "notices": [
            {
                key: value
                for key, value in (
                    ("title", notice.title),
                    ("number", notice.number),
                    ("date", notice.date),
                    ("source", notice.source),
                )
                if value is not None
            }
            for notice in schedule.notices
        ],
        "holidays": [
            {
                key: value
                for key, value in (
                    ("name", holiday.name),
                    ("notice", holiday.notice),
                    ("days_off", sorted(holiday.off)),
                    ("makeup_workdays", sorted(holiday.makeup) or None),
                )
                if value is not None
            }
            for holiday in schedule.holidays
        ],
    }


def _list(data: dict[str, Any], key: str, path: Path | str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CalendarFileError(path, f"`{key}` must be a list")
    return value


def _refuse_unknown(data: dict[str, Any], allowed: set[str], path: Path | str, where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise CalendarFileError(
            path,
            f"{where}unknown key(s) {', '.join(map(str, unknown))}; allowed: "
            + ", ".join(sorted(allowed)),
        )


def _notice(item: Any, path: Path | str) -> Notice:
    if not isinstance(item, dict) or not isinstance(item.get("title"), str):
        raise CalendarFileError(path, "each notice needs a `title`")
    _refuse_unknown(item, _NOTICE_KEYS, path, f"notice {item['title']!r}: ")
    issued = item.get("date")
    if issued is not None and not isinstance(issued, date):
        raise CalendarFileError(path, f"notice {item['title']!r}: `date` must be YYYY-MM-DD")
    number = item.get("number")
    source = item.get("source")
    return Notice(
        title=item["title"],
        number=str(number) if number is not None else None,
        date=issued,
        source=str(source) if source is not None else None,
    )


def _holiday(item: Any, year: int, path: Path | str) -> Holiday:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise CalendarFileError(path, "each holiday needs a `name`")
    name = item["name"]
    _refuse_unknown(item, _HOLIDAY_KEYS, path, f"holiday {name!r}: ")
    off = _days(item.get("days_off", []), year, path, f"holiday {name!r} days_off")
    makeup = _days(item.get("makeup_workdays", []), year, path, f"holiday {name!r} makeup_workdays")
    for day in makeup:
        if day.weekday() < 5:
            raise CalendarFileError(
                path,
                f"{day} ({name}) is listed as a make-up working day but is a weekday; "
                "make-up days are Saturdays or Sundays",
            )
    notice = item.get("notice")
    return Holiday(
        name=name, off=off, makeup=makeup, notice=None if notice is None else str(notice)
    )


def _days(value: Any, year: int, path: Path | str, where: str) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise CalendarFileError(path, f"{where}: expected a list of dates")
    days: list[date] = []
    for item in value:
        if not isinstance(item, date):
            raise CalendarFileError(path, f"{where}: {item!r} is not a date (YYYY-MM-DD)")
        if item.year != year:
            raise CalendarFileError(path, f"{where}: {item} is outside the year {year}")
        days.append(item)
    return tuple(days)
