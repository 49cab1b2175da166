"""The calendar years a store counts with, kept in the store (``calendar_years``).

Every process on one store (commands, the scheduler, the web service, on any host)
counts deadlines with these rows, so a year imported once is used everywhere. A year
is kept with the text it was read from (a notice or a year file), the SHA-256 of its
days and notices, and who loaded it when. Writing a year and its audit rows is
``calendar_changes``'s.

The years are read as plain SQL (``read_years``, ``store.rows``): a command that only
reads a case imports no SQLAlchemy on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflow.deadlines import WorkingCalendar, YearSchedule
from workflow.deadlines.calendar_files import (
    content_hash,
    read_year_file,
    year_files,
    year_from_json,
)
from workflow.errors import CalendarFileError, CorruptData
from workflow.input_files import UnreadableFile, read_text
from workflow.store.rows import Rows, document, moment, rows_of

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

SHIPPED, NOTICE, FILE = "shipped", "notice", "file"
ORIGIN_LABELS = {SHIPPED: "shipped", NOTICE: "imported notice", FILE: "file"}


@dataclass(frozen=True)
class YearVersion:
    """One version of a year, with where it came from: in the store, or offered to it."""

    schedule: YearSchedule
    origin: str  # shipped | notice | file
    source_name: str  # the file or notice it was read from
    source_text: str
    loaded_by: str | None = None  # None: not (yet) in the store
    loaded_at: datetime | None = None

    @property
    def year(self) -> int:
        return self.schedule.year

    @cached_property
    def content_hash(self) -> str:
        return content_hash(self.schedule)

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS[self.origin]

    def describe(self) -> str:
        """'the imported notice 2027-notice.txt (hash 3f2a9c1d0b7e, loaded by 李四 at …)'"""
        loaded = f", loaded by {self.loaded_by} at {self.loaded_at:%Y-%m-%d %H:%M}"
        return (
            f"the {self.origin_label} {self.source_name} (hash {self.content_hash[:12]}"
            + (loaded if self.loaded_by and self.loaded_at else "")
            + ")"
        )


def year_files_in(
    directory: Path, origin: str, named_from: Path | None = None
) -> list[YearVersion]:
    """The year files of a directory (the shipped one, or ``--calendars DIR``), validated;
    named by their path relative to ``named_from`` if given."""
    return [
        year_file(path, origin, str(path.relative_to(named_from)) if named_from else None)
        for path in year_files(directory)
    ]


def year_file(path: Path, origin: str = FILE, name: str | None = None) -> YearVersion:
    schedule = read_year_file(path)
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        raise CalendarFileError(path, exc.reason) from exc
    return YearVersion(schedule, origin, name or str(path), text)


_YEARS = (
    "SELECT year, days, origin, source_name, source_text, content_hash, loaded_by, loaded_at"
    " FROM calendar_years ORDER BY year"
)


def read_years(reader: Rows | Session | Connection) -> list[YearVersion]:
    """The store's years, in order: plain SQL (``store.rows``), so a command that reads a
    case imports no SQLAlchemy on SQLite."""
    return [_version(*row) for row in rows_of(reader).all(_YEARS)]


def years_stamp(reader: Rows | Session | Connection) -> tuple[tuple[int, str], ...]:
    """What the store's years are now: it differs once a year is added or replaced."""
    rows = rows_of(reader).all("SELECT year, content_hash FROM calendar_years ORDER BY year")
    return tuple((int(year), str(digest)) for year, digest in rows)


def stamp_of(years: Iterable[YearVersion]) -> tuple[tuple[int, str], ...]:
    return tuple((version.year, version.content_hash) for version in years)


def calendar_of(years: Iterable[YearVersion]) -> WorkingCalendar:
    return WorkingCalendar.of(version.schedule for version in years)


def describe_years(years: Iterable[YearVersion]) -> list[dict[str, Any]]:
    """The data of ``workflow calendar years``: each year, its origin, hash and notices."""
    return [
        {
            "year": version.year,
            "working_days": version.schedule.working_day_count(),
            "off_days": len(version.schedule.off_days),
            "makeup_days": len(version.schedule.makeup_days),
            "origin": version.origin,
            "source": version.source_name,
            "content_hash": version.content_hash,
            "loaded_by": version.loaded_by,
            "loaded_at": version.loaded_at.isoformat() if version.loaded_at else None,
            "notices": [
                {
                    "title": notice.title,
                    "number": notice.number,
                    "date": notice.date.isoformat() if notice.date else None,
                    "source": notice.source,
                }
                for notice in version.schedule.notices
            ],
        }
        for version in years
    ]


def _version(
    year: int,
    days: Any,
    origin: str,
    source_name: str,
    source_text: str,
    digest: str,
    loaded_by: str,
    loaded_at: Any,
) -> YearVersion:
    where = f"<store: calendar year {year}>"
    schedule = year_from_json(document(days), where)
    version = YearVersion(schedule, origin, source_name, source_text, loaded_by, moment(loaded_at))
    # a row edited behind the engine's back would silently shift deadlines: refuse it
    if schedule.year != year or version.content_hash != digest:
        raise CorruptData(f"{where}: its days do not match its content hash; load it again")
    return version
