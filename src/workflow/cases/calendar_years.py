"""The calendar years a store counts with, kept in the store (``calendar_years``).

Every process on one store (commands, the scheduler, the web service, on any host)
counts deadlines with these rows, so a year imported once is used everywhere. A year
is kept with the text it was read from (a notice or a year file), the SHA-256 of its
days and notices, and who loaded it when; ``calendar_changes`` records every load,
replacement, release correction or release year not applied, with the due dates the
recompute that followed moved.

The years are read with a Core statement (``read_years``): a command that only reads a
case imports no ORM record; the functions that write or audit import the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select, update

from workflow.deadlines import WorkingCalendar, YearSchedule
from workflow.deadlines.calendar_files import (
    content_hash,
    read_year_file,
    year_files,
    year_from_json,
    year_json,
)
from workflow.errors import CalendarFileError, CorruptData
from workflow.input_files import UnreadableFile, read_text
from workflow.store.tables import CALENDAR_YEARS

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from workflow.store.records import CalendarChangeRecord

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


def read_years(session: Session | Connection) -> list[YearVersion]:
    """The store's years, in order. A Core statement: a command that reads a case maps
    no record (see ``views.show_case``)."""
    rows = session.execute(select(CALENDAR_YEARS).order_by(CALENDAR_YEARS.c.year))
    return [_version(row) for row in rows]


def years_stamp(session: Session) -> tuple[tuple[int, str], ...]:
    """What the store's years are now: it differs once a year is added or replaced."""
    rows = session.execute(
        select(CALENDAR_YEARS.c.year, CALENDAR_YEARS.c.content_hash).order_by(CALENDAR_YEARS.c.year)
    )
    return tuple((year, digest) for year, digest in rows)


def stamp_of(years: Iterable[YearVersion]) -> tuple[tuple[int, str], ...]:
    return tuple((version.year, version.content_hash) for version in years)


def calendar_of(years: Iterable[YearVersion]) -> WorkingCalendar:
    return WorkingCalendar.of(version.schedule for version in years)


def write_year(
    session: Session, version: YearVersion, by: str, now: datetime, *, replacing: bool
) -> None:
    """Insert the year, or replace the store's version of it."""
    from workflow.store.records import CalendarYearRecord

    values: dict[str, Any] = {
        "days": year_json(version.schedule),
        "origin": version.origin,
        "source_name": version.source_name[:300],
        "source_text": version.source_text,
        "content_hash": version.content_hash,
        "loaded_by": by[:100],
        "loaded_at": now,
    }
    if replacing:
        session.execute(
            update(CalendarYearRecord)
            .where(CalendarYearRecord.year == version.year)
            .values(**values)
        )
    else:
        session.add(CalendarYearRecord(year=version.year, **values))
        session.flush()


def record_change(
    session: Session,
    version: YearVersion,
    action: str,
    previous: YearVersion | None,
    by: str,
    now: datetime,
    note: str | None = None,
) -> int:
    """An audit row for what was done with an offered year; its id, for the due dates."""
    from workflow.store.records import CalendarChangeRecord

    record = CalendarChangeRecord(
        year=version.year,
        action=action,
        origin=version.origin,
        source_name=version.source_name[:300],
        previous_hash=previous.content_hash if previous is not None else None,
        content_hash=version.content_hash,
        by=by[:100],
        at=now,
        detail={"note": note} if note else None,
    )
    session.add(record)
    session.flush()
    return record.id


def already_recorded(session: Session, version: YearVersion, action: str) -> bool:
    """Whether this very version was already recorded with this action (e.g. kept)."""
    from workflow.store.records import CalendarChangeRecord

    found = session.scalar(
        select(CalendarChangeRecord.id).where(
            CalendarChangeRecord.year == version.year,
            CalendarChangeRecord.action == action,
            CalendarChangeRecord.content_hash == version.content_hash,
        )
    )
    return found is not None


def unfinished_loads(session: Session, actions: Iterable[str]) -> list[int]:
    """The audit rows of loads whose recompute never finished (no due dates attached).

    The due dates are attached when the recompute after a load is done; a load killed
    during its recompute (or given ``--no-recompute``) leaves its row without them, and the
    next load finishes that recompute.
    """
    from workflow.store.records import CalendarChangeRecord

    rows = session.execute(
        select(CalendarChangeRecord.id, CalendarChangeRecord.detail).where(
            CalendarChangeRecord.action.in_(list(actions))
        )
    )
    return [change_id for change_id, detail in rows if "deadlines" not in (detail or {})]


def attach_deadlines(
    session: Session, change_ids: Sequence[int], deadlines: list[dict[str, Any]]
) -> None:
    """Name, on the audit rows of a load, the due dates the recompute after it moved."""
    from workflow.store.records import CalendarChangeRecord

    for record in session.scalars(
        select(CalendarChangeRecord).where(CalendarChangeRecord.id.in_(change_ids))
    ):
        record.detail = {**(record.detail or {}), "deadlines": deadlines}


def changes_of(session: Session, year: int | None = None) -> list[CalendarChangeRecord]:
    """The audit rows, oldest first (of one year, or all)."""
    from workflow.store.records import CalendarChangeRecord

    query = select(CalendarChangeRecord).order_by(CalendarChangeRecord.id)
    if year is not None:
        query = query.where(CalendarChangeRecord.year == year)
    return list(session.scalars(query))


def history_rows(session: Session, year: int | None = None) -> list[dict[str, Any]]:
    """``workflow calendar history``: each change, by whom, and the due dates it moved."""
    return [
        {
            "year": row.year,
            "action": row.action,
            "origin": row.origin,
            "source": row.source_name,
            "previous_hash": row.previous_hash,
            "content_hash": row.content_hash,
            "by": row.by,
            "at": row.at.isoformat(),
            "note": (row.detail or {}).get("note"),
            "deadlines": (row.detail or {}).get("deadlines", []),
        }
        for row in changes_of(session, year)
    ]


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


def _version(row: Row[Any]) -> YearVersion:
    where = f"<store: calendar year {row.year}>"
    schedule = year_from_json(row.days, where)
    version = YearVersion(
        schedule, row.origin, row.source_name, row.source_text, row.loaded_by, row.loaded_at
    )
    # a row edited behind the engine's back would silently shift deadlines: refuse it
    if schedule.year != row.year or version.content_hash != row.content_hash:
        raise CorruptData(f"{where}: its days do not match its content hash; load it again")
    return version
