"""Driving cases and sweeps day by day with the fixed clock, and reading what came out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tests.stores import TestApplication
from workflow.cases.service import NewCase, find_case
from workflow.clock import FixedClock
from workflow.lifecycle import StepInput
from workflow.people import Person
from workflow.scheduling import NotificationConfig, Sweeper, SweepReport
from workflow.store.records import CaseEventRecord, CaseRecord, OutboxRecord, TimerRecord

HANDLER = "李四"
HEAD = "王主任"  # zbgd's head (tests/stores.py)


def to(name: str, agency: str = "zbgd") -> str:
    """The outbox's recipient for a person not in the notification config: ``zbgd/李四``."""
    return str(Person(agency, name))


def set_today(app: TestApplication, day: date) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.set(day)


def open_case(
    app: TestApplication, received: date, *, handler: str | None = HANDLER, **overrides: Any
) -> str:
    set_today(app, received)
    fields: dict[str, Any] = {
        "agency": "zbgd",
        "applicant": "张三",
        "applicant_type": "natural_person",
        "channel": "in_person",
        "received_on": received,
        "request": "2025年度部门预算",
        "handler": handler,
        "by": handler or "system",
    }
    fields.update(overrides)
    return app.cases.open(NewCase(**fields)).number


def act(app: TestApplication, number: str, trigger: str, on: date, **inputs: Any) -> str:
    """A handler fires a trigger on ``on`` (the clock is set to that day)."""
    set_today(app, on)
    return app.cases.fire(number, trigger, StepInput(on=on, by=HANDLER, **inputs)).dest


def sweep(app: TestApplication, on: date, config: NotificationConfig | None = None) -> SweepReport:
    set_today(app, on)
    return Sweeper(app.cases, config).sweep(on)


@dataclass(frozen=True, order=True)
class Sent:
    """A queued reminder, as the scripted tests compare them."""

    day: date  # the sweep day that queued it
    case: str
    clock: str
    name: str  # before_5, on_due, overdue, overdue_once
    recipient: str  # the outbox's: zbgd/李四 (files), an e-mail address, a URL


def reminders(app: TestApplication, after_id: int = 0) -> list[Sent]:
    """Reminders in the outbox.

    Key: ``reminder:<case id>:<clock>:v<n>@<due date>:<name>[:<date>]:<who>``.
    """
    with app.database.reading() as session:
        rows = session.execute(
            select(OutboxRecord, CaseRecord.number)
            .join(CaseRecord, CaseRecord.id == OutboxRecord.case_id)
            .where(OutboxRecord.kind == "reminder", OutboxRecord.id > after_id)
            .order_by(OutboxRecord.id)
        ).all()
    found: list[Sent] = []
    for row, number in rows:
        parts = row.key.split(":")
        found.append(Sent(row.created_at.date(), number, parts[2], parts[4], row.recipient))
    return found


def last_outbox_id(app: TestApplication) -> int:
    with app.database.reading() as session:
        return int(session.scalar(select(func.coalesce(func.max(OutboxRecord.id), 0))) or 0)


def lapse_events(app: TestApplication) -> list[tuple[str, str, date]]:
    """(case, trigger, legal date) of every step the scheduler fired."""
    with app.database.reading() as session:
        rows = session.execute(
            select(CaseRecord.number, CaseEventRecord.trigger, CaseEventRecord.occurred_on)
            .join(CaseRecord, CaseRecord.id == CaseEventRecord.case_id)
            .where(CaseEventRecord.actor == "scheduler")
            .order_by(CaseEventRecord.id)
        ).all()
    return [(number, trigger, on) for number, trigger, on in rows]


def timer_statuses(app: TestApplication, number: str) -> dict[str, str]:
    with app.database.reading() as session:
        case = find_case(session, number)
        rows = session.execute(
            select(TimerRecord.key, TimerRecord.status).where(TimerRecord.case_id == case.id)
        ).all()
    return {key.split(":", 1)[1]: status for key, status in rows}


def case_state(app: TestApplication, number: str) -> tuple[str, str | None]:
    with app.database.reading() as session:
        case = find_case(session, number)
        return case.state, case.outcome
