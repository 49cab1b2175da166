"""Workflow engine for disclosure-on-request applications (政府信息公开条例, 2019)."""

from workflow.clock import Clock, FixedClock, SystemClock
from workflow.deadlines import ClockEntry, WorkingCalendar, load_calendar
from workflow.errors import WorkflowError

__all__ = [
    "Clock",
    "ClockEntry",
    "FixedClock",
    "SystemClock",
    "WorkflowError",
    "WorkingCalendar",
    "load_calendar",
]
