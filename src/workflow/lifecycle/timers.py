"""Which reminders and automatic lapses a clock's deadline calls for (pure).

A timer's key carries the clock's version, so when the clock changes (pause,
extension, restart) the old timers are superseded by new ones and a stale
reminder is never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow.deadlines import ClockStatus, Deadline, WorkingCalendar
from workflow.definition.model import Overdue, WorkflowDefinition

REMINDER = "reminder"
LAPSE = "lapse"


@dataclass(frozen=True)
class TimerPlan:
    key: str
    clock: str
    clock_version: int
    kind: str  # REMINDER | LAPSE
    name: str  # before_5, on_due, overdue, overdue_once, lapse
    due_on: date
    trigger: str | None = None


def timer_key(case_id: int, clock: str, version: int, name: str) -> str:
    return f"{case_id}:{clock}:v{version}:{name}"


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

    def add(kind: str, name: str, on: date, trigger: str | None = None) -> None:
        plans.append(
            TimerPlan(
                timer_key(case_id, clock, version, name), clock, version, kind, name, on, trigger
            )
        )

    reminder = definition.reminders.get(clock)
    if reminder is not None:
        for days in reminder.before:
            on = calendar.subtract_working_days(due, days)
            if on >= changed_on:
                add(REMINDER, f"before_{days}", on)
        if reminder.on_due and due >= changed_on:
            add(REMINDER, "on_due", due)
        if reminder.overdue is not Overdue.NONE:
            name = "overdue" if reminder.overdue is Overdue.DAILY else "overdue_once"
            add(REMINDER, name, max(calendar.next_working_day(due), changed_on))
    trigger = definition.lapses.get(clock)
    if trigger is not None:
        add(LAPSE, "lapse", max(calendar.next_working_day(due), changed_on), trigger)
    return plans
