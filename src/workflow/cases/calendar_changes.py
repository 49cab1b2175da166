"""What was done with the store's calendar years: writing a year, and the audit rows of
every load, replacement, release correction or release year not applied
(``calendar_changes``), with the due dates the recompute that followed moved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.cases.calendar_years import YearVersion
from workflow.deadlines.calendar_files import year_json
from workflow.store.records import CalendarChangeRecord, CalendarYearRecord


def write_year(
    session: Session, version: YearVersion, by: str, now: datetime, *, replacing: bool
) -> None:
    """Insert the year, or replace the store's version of it."""
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
    for record in session.scalars(
        select(CalendarChangeRecord).where(CalendarChangeRecord.id.in_(change_ids))
    ):
        record.detail = {**(record.detail or {}), "deadlines": deadlines}


def changes_of(session: Session, year: int | None = None) -> list[CalendarChangeRecord]:
    """The audit rows, oldest first (of one year, or all)."""
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
