"""What a reminder or digest says about a deadline, as plain data for the templates.

How a deadline stands is always computed for the day the message goes out, not
the day it was planned for: a reminder sent late after downtime says how many
working days are left (or overdue) now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.deadlines import WorkingCalendar
from workflow.definition import WorkflowDefinition
from workflow.store.records import (
    AgencyRecord,
    ApplicantRecord,
    CaseRecord,
    ClockRecord,
    TimerRecord,
)

REQUEST_PREVIEW = 80  # characters of the request text quoted in a reminder


@dataclass(frozen=True)
class Standing:
    position: str  # before | today | after
    remaining: int  # working days after the day up to the due date
    overdue: int  # working days after the due date up to the day


def standing(calendar: WorkingCalendar, on: date, due_on: date) -> Standing:
    if on < due_on:
        return Standing("before", max(0, calendar.working_days_between(on, due_on)), 0)
    if on == due_on:
        return Standing("today", 0, 0)
    return Standing("after", 0, max(0, calendar.working_days_between(due_on, on)))


def occasion(timer_name: str) -> tuple[str, int | None]:
    """``before_5`` -> ("before", 5); ``on_due``, ``overdue``, ``overdue_once`` as they are."""
    if timer_name.startswith("before_") and timer_name[7:].isdigit():
        return "before", int(timer_name[7:])
    return timer_name, None


def planned(timer: TimerRecord) -> dict[str, Any]:
    """Which reminder a timer is, for the templates: its occasion and planned day."""
    kind, days_before = occasion(timer.name)
    return {"occasion": kind, "days_before": days_before, "planned_on": timer.due_on}


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= REQUEST_PREVIEW else flat[: REQUEST_PREVIEW - 1] + "…"


def reminder_context(
    calendar: WorkingCalendar,
    definition: WorkflowDefinition,
    case: CaseRecord,
    agency: AgencyRecord,
    applicant: ApplicantRecord,
    clock: ClockRecord,
    timer: TimerRecord,
    as_of: date,
    replaces: Sequence[TimerRecord] = (),
) -> dict[str, Any]:
    """The variables of ``reminder.j2`` except ``recipient`` and ``role``.

    ``replaces``: the same clock's reminders, due in the same sweep, this one is sent for.
    """
    assert clock.due_on is not None  # a running clock has a due date
    spec = definition.clocks.get(timer.clock)
    now = standing(calendar, as_of, clock.due_on)
    return {
        "case": {
            "number": case.number,
            "agency": agency.name,
            "applicant": applicant.name,
            "request": preview(case.request),
            "state_label": definition.states[case.state].label,
        },
        "clock": {
            "name": timer.clock,
            "label": spec.label if spec else timer.clock,
            "basis": spec.basis if spec else "",
            "due_on": clock.due_on,
        },
        "reminder": {**planned(timer), "late": as_of > timer.due_on},
        "replaces": [planned(replaced) for replaced in replaces],
        "as_of": as_of,
        "position": now.position,
        "remaining": now.remaining,
        "overdue": now.overdue,
    }
