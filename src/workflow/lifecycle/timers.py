"""Which reminders and automatic lapses a clock's deadline calls for (pure).

A timer serves one deadline: its clock, the clock's version and the due date
(columns of the timer row; its unique key, ``<case id>:<clock>:v<version>@<due
date>:<name>``, says the same). When the clock changes (pause, extension, restart)
or a corrected calendar moves its due date, the old timers are superseded by new
ones, so a stale reminder is never sent.

A timer is planned only on a day the calendar can tell: a clock whose due date
waits for a year's calendar (flagged) gets none, and a reminder or lapse that
falls on the first working day of an unloaded year (the day after a due date on
31 December) waits for ``workflow calendar recompute`` to plan it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from workflow.deadlines import ClockStatus, Deadline, WorkingCalendar
from workflow.definition.model import Overdue, WorkflowDefinition
from workflow.errors import CalendarNotPublished

REMINDER = "reminder"
LAPSE = "lapse"
DAILY_OVERDUE = "overdue"  # re-armed for the next working day each time it is sent
# In a sent daily overdue reminder's detail: the year whose calendar its re-arming waits for.
REARM_WAITS_FOR = "rearm_waits_for"


@dataclass(frozen=True, slots=True)
class TimerPlan:
    key: str
    clock: str
    clock_version: int
    kind: str  # REMINDER | LAPSE
    name: str  # before_5, on_due, overdue, overdue_once, lapse
    due_on: date
    trigger: str | None = None
    deadline_due_on: date | None = None  # the due date of the deadline it serves


def timer_key(case_id: int, clock: str, version: int, due_on: date, name: str) -> str:
    """The unique key of a timer: the deadline it serves and its name."""
    return f"{case_id}:{clock}:v{version}@{due_on.isoformat()}:{name}"


def rearm(
    case_id: int,
    clock: str,
    version: int,
    deadline_due_on: date,
    sent_on: date,
    calendar: WorkingCalendar,
) -> TimerPlan:
    """The next daily overdue reminder after one sent on ``sent_on``: the next working day.

    Raises ``CalendarNotPublished`` when that day lies in a year not loaded yet; the
    sweeper then marks the sent reminder, and recompute re-arms it once the year is in.
    """
    next_day = calendar.next_working_day(sent_on)
    base = timer_key(case_id, clock, version, deadline_due_on, DAILY_OVERDUE)
    return TimerPlan(
        f"{base}:{next_day.isoformat()}",
        clock,
        version,
        REMINDER,
        DAILY_OVERDUE,
        next_day,
        deadline_due_on=deadline_due_on,
    )


def plan_timers(
    case_id: int,
    clock: str,
    deadline: Deadline,
    definition: WorkflowDefinition,
    calendar: WorkingCalendar,
    changed_on: date,
) -> list[TimerPlan]:
    """Timers for a running clock; none for a paused or stopped one.

    Reminders dated before ``changed_on`` (the step that set this deadline) are
    not planned: "5 WD left" is not sent once fewer are left.
    """
    if deadline.status is not ClockStatus.RUNNING or deadline.due_on is None:
        return []
    due = deadline.due_on
    version = deadline.version
    plans: list[TimerPlan] = []

    def add(kind: str, name: str, on: date | None, trigger: str | None = None) -> None:
        if on is not None:
            key = timer_key(case_id, clock, version, due, name)
            plans.append(TimerPlan(key, clock, version, kind, name, on, trigger, due))

    after_due = known_day(partial(calendar.next_working_day, due))
    first_after = None if after_due is None else max(after_due, changed_on)
    reminder = definition.reminders.get(clock)
    if reminder is not None:
        for days in reminder.before:
            on = known_day(partial(calendar.subtract_working_days, due, days))
            if on is not None and on >= changed_on:
                add(REMINDER, f"before_{days}", on)
        if reminder.on_due and due >= changed_on:
            add(REMINDER, "on_due", due)
        if reminder.overdue is not Overdue.NONE:
            name = DAILY_OVERDUE if reminder.overdue is Overdue.DAILY else "overdue_once"
            add(REMINDER, name, first_after)
    trigger = definition.lapses.get(clock)
    if trigger is not None:
        add(LAPSE, "lapse", first_after, trigger)
    return plans


def known_day(day: Callable[[], date]) -> date | None:
    """The day ``day`` computes, or None when it lies in a year with no loaded calendar."""
    try:
        return day()
    except CalendarNotPublished:
        return None
