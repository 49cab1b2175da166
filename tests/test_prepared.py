"""A step's prepared statements store and read exactly what SQLAlchemy's execution would,
raise the error tree's classes, and stay visible to statement listeners."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.stores import TestApplication
from tests.test_cases import open_case
from workflow.clock import CHINA
from workflow.codes import TimerStatus
from workflow.errors import ConstraintViolation, InvalidInput
from workflow.lifecycle import StepInput
from workflow.store.case_rows import insert_events, lock_case_row
from workflow.store.ledgers import load_ledgers
from workflow.store.records import EVENT_SEQUENCE, CaseRecord, ClockEntryRecord
from workflow.store.tables import CASE_EVENTS, TIMERS
from workflow.store.timers import insert_timers


def _case_id(app: TestApplication, number: str) -> int:
    with app.database.reading() as session:
        return int(session.scalars(select(CaseRecord.id).where(CaseRecord.number == number)).one())


def _timer(
    case_id: int, key: str, detail: dict[str, Any] | None, app: TestApplication
) -> dict[str, Any]:
    return {
        "key": key,
        "case_id": case_id,
        "clock": "answer",
        "clock_version": 2,
        "kind": "reminder",
        "name": "before_5",
        "trigger": None,
        "due_on": date(2026, 3, 23),
        "deadline_due_on": date(2026, 3, 30),
        "status": TimerStatus.PENDING,
        "created_at": app.clock.now(),
        "fired_at": None,
        "fired_on": None,
        "detail": detail,
    }


@pytest.mark.parametrize("detail", [None, {"rearmed_from": "1:answer:v1@2026-03-30:overdue"}])
def test_a_prepared_insert_stores_the_row_core_stores(
    app: TestApplication, detail: dict[str, Any] | None
) -> None:
    case_id = _case_id(app, open_case(app))
    with app.database.transaction() as session:
        connection = session.connection()
        insert_timers(connection, [_timer(case_id, "prepared", detail, app)])
        connection.execute(TIMERS.insert(), _timer(case_id, "core", detail, app))
    with app.database.engine.connect() as connection:  # the values as the driver keeps them
        columns = ", ".join(c.name for c in TIMERS.columns if c.name not in ("id", "key"))
        stored = connection.exec_driver_sql(
            f"SELECT {columns} FROM timers WHERE key IN ('prepared', 'core') ORDER BY key DESC"
        ).all()
    assert len(stored) == 2
    assert stored[0] == stored[1]


def test_prepared_reads_give_the_values_the_orm_gives(app: TestApplication) -> None:
    number = open_case(app)
    app.cases.fire(number, "extend", StepInput(on=date(2026, 3, 13), by="王", approver="王主任"))
    with app.database.transaction() as session:
        locked = lock_case_row(session.connection(), number)
        loaded = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one()
        assert locked is not None
        for column in CaseRecord.__table__.columns:
            assert getattr(locked, column.key) == getattr(loaded, column.key), column.key
        ledgers = load_ledgers(session.connection(), loaded.id)
        rows = session.scalars(
            select(ClockEntryRecord)
            .where(ClockEntryRecord.case_id == loaded.id)
            .order_by(ClockEntryRecord.clock, ClockEntryRecord.seq)
        ).all()
    assert [(clock, e.kind.value, e.on, e.days) for clock in ledgers for e in ledgers[clock]] == [
        (row.clock, row.kind, row.on, row.days) for row in rows
    ]
    assert ledgers["answer"][-1].approver == "王主任"


def test_a_driver_error_in_a_prepared_statement_is_the_error_trees(
    app: TestApplication,
) -> None:
    case_id = _case_id(app, open_case(app))
    with app.database.reading() as session:
        opening = session.execute(select(CASE_EVENTS).where(CASE_EVENTS.c.case_id == case_id))
        row = dict(opening.one()._mapping)
    del row["id"]
    with pytest.raises(ConstraintViolation) as refused, app.database.transaction() as session:
        insert_events(session.connection(), [row])  # the opening's number, again
    assert refused.value.constraint == EVENT_SEQUENCE


def test_statement_listeners_see_a_steps_prepared_statements(app: TestApplication) -> None:
    number = open_case(app)
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(app.database.engine, "before_cursor_execute", record)
    try:
        app.cases.fire(number, "extend", StepInput(on=date(2026, 3, 13), by="王", approver="王"))
    finally:
        event.remove(app.database.engine, "before_cursor_execute", record)
    written = [sql.split("(")[0].split(" SET")[0].strip() for sql in seen]
    for statement in (
        "UPDATE cases",
        "INSERT INTO case_events",
        "INSERT INTO clock_entries",
        "INSERT INTO clocks",
        "UPDATE timers",
        "INSERT INTO timers",
    ):
        assert statement in written, (statement, written)


def test_a_value_over_its_length_is_refused_as_core_refuses_it(app: TestApplication) -> None:
    case_id = _case_id(app, open_case(app))
    # a date refused as well, later in the row: the first refusal is the one raised
    row = {**_timer(case_id, "k" * 201, None, app), "fired_on": "not a date"}
    refusals = []
    for insert in (
        lambda connection: insert_timers(connection, [row]),
        lambda connection: connection.execute(TIMERS.insert(), row),
    ):
        with pytest.raises(InvalidInput) as refused, app.database.transaction() as session:
            insert(session.connection())
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]
    assert "timers.key is longer than 200 characters (201 given)" in refusals[0]


def test_a_datetime_for_a_date_is_stored_as_core_stores_it(app: TestApplication) -> None:
    case_id = _case_id(app, open_case(app))
    moment = datetime(2026, 3, 23, 17, 30, tzinfo=CHINA)
    with app.database.transaction() as session:
        connection = session.connection()
        insert_timers(connection, [{**_timer(case_id, "prepared", None, app), "due_on": moment}])
        connection.execute(
            TIMERS.insert(), {**_timer(case_id, "core", None, app), "due_on": moment}
        )
    with app.database.engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT due_on, detail FROM timers WHERE key IN ('prepared', 'core')"
        ).all()
    assert stored[0] == stored[1]
    assert str(stored[0][0]) == "2026-03-23"
