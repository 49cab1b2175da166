"""Working days and statutory clocks: the official calendar and the clock ledger."""

from workflow.codes import ClockStatus
from workflow.deadlines.calendar import Holiday, Notice, WorkingCalendar, YearSchedule
from workflow.deadlines.calendar_files import load_calendar
from workflow.deadlines.entries import ClockEntry, Deadline, EntryKind
from workflow.deadlines.ledger import derive, status_of

__all__ = [
    "ClockEntry",
    "ClockStatus",
    "Deadline",
    "EntryKind",
    "Holiday",
    "Notice",
    "WorkingCalendar",
    "YearSchedule",
    "derive",
    "load_calendar",
    "status_of",
]
