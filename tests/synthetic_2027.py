"""A SYNTHETIC 2027 holiday notice, for tests only: NOT the State Council's published notice.

The 2027 notice is not out as of these tests' "today" (2026-11-26). To test what
happens once it is, the tests import the walk-through's made-up text: the seven
festivals a yearly notice must give, New Year's Day on 1-3 January 2027 (Friday to
Sunday) with no make-up day. Its dates are not the real ones; never copy it into
definitions/calendars.
"""

from __future__ import annotations

from pathlib import Path

from workflow.deadlines import WorkingCalendar, YearSchedule
from workflow.deadlines.calendar_files import dump_year
from workflow.deadlines.notice import parse_notice
from workflow.walkthrough import EXAMPLE_2027_NOTICE

NOTICE = EXAMPLE_2027_NOTICE


def schedule() -> YearSchedule:
    return parse_notice(NOTICE).schedule


def with_2027(calendar: WorkingCalendar) -> WorkingCalendar:
    """``calendar`` with the synthetic 2027 added."""
    return WorkingCalendar.of([*calendar.years.values(), schedule()])


def write_notice(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "2027-synthetic-notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    return path


def write_year_file(directory: Path) -> Path:
    """The synthetic 2027 as a year file in a calendars directory (``--calendars``)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "2027.yaml"
    path.write_text(dump_year(schedule()), encoding="utf-8")
    return path
