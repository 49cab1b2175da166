"""The as-of columns: revision 0002 gives the models' schema on both stores, and the recorded
dates are derived from the event log, whatever wrote the rows."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, update

from tests.stores import TODAY, TestApplication
from workflow.cases.service import NewCase
from workflow.clock import FixedClock
from workflow.lifecycle import StepInput
from workflow.reporting import catch_up
from workflow.store import schema
from workflow.store.records import AppealRecord, CaseRecord, every_table


def test_migrations_give_exactly_the_models_schema(app: TestApplication) -> None:
    assert schema.current_revision(app.database) == schema.head_revision()
    with app.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, every_table()) == []


def test_recorded_dates_come_from_the_events_not_the_legal_dates(app: TestApplication) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.set(date(2026, 3, 2))
    number = app.cases.open(
        NewCase(
            agency="zbgd",
            applicant="申请人",
            applicant_type="natural_person",
            channel="in_person",
            received_on=date(2026, 2, 27),  # registered three days late
            request="某信息",
        )
    ).number
    clock.set(date(2026, 4, 1))
    app.cases.fire(number, "decide", StepInput(on=date(2026, 3, 20), outcome="disclosed.provided"))
    clock.set(date(2026, 4, 10))
    app.cases.fire(number, "appeal", StepInput(on=date(2026, 4, 8), kind="reconsideration"))
    clock.set(date(2026, 6, 3))
    app.cases.fire(number, "resolve_appeal", StepInput(on=date(2026, 6, 1), result="corrected"))
    app.cases.fire(number, "reopen", StepInput(on=date(2026, 6, 3), reason="复议纠正"))
    app.cases.fire(number, "decide", StepInput(on=date(2026, 6, 3), outcome="other.other"))
    clock.set(TODAY)

    # the steps stamped their recorded dates; a store from before that is caught up
    assert catch_up(app.database, app.registry) == 0
    stamped = _recorded(app)
    with app.database.transaction() as session:
        session.execute(update(CaseRecord).values(recorded_on=None, first_closed_recorded_on=None))
        session.execute(
            update(AppealRecord).values(filed_recorded_on=None, decided_recorded_on=None)
        )
    assert catch_up(app.database, app.registry) == 1
    assert catch_up(app.database, app.registry) == 0  # nothing left to stamp
    assert _recorded(app) == stamped
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord)).one()
        appeal = session.scalars(select(AppealRecord)).one()
    assert (case.received_on, case.recorded_on) == (date(2026, 2, 27), date(2026, 3, 2))
    # the first closure counts, not the decision re-made after the corrected appeal
    assert (case.first_closed_on, case.first_closed_recorded_on) == (
        date(2026, 3, 20),
        date(2026, 4, 1),
    )
    assert case.first_outcome == "disclosed.provided"
    assert (appeal.filed_recorded_on, appeal.decided_recorded_on) == (
        date(2026, 4, 10),
        date(2026, 6, 3),
    )
    assert case.version == 6  # stamping is not a step: the lock version is untouched


def _recorded(app: TestApplication) -> tuple[object, ...]:
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord)).one()
        appeal = session.scalars(select(AppealRecord)).one()
        return (
            case.recorded_on,
            case.first_closed_recorded_on,
            appeal.filed_recorded_on,
            appeal.decided_recorded_on,
        )
