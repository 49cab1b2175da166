"""The migrations build exactly the schema the models declare, on both stores."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text

from tests.stores import STORES, make_app, store_url
from workflow.store import schema
from workflow.store.database import Database
from workflow.store.records import every_table


@pytest.mark.parametrize("kind", STORES)
def test_the_migrated_schema_is_the_declared_one(kind: str, tmp_path: Path) -> None:
    with store_url(kind, tmp_path) as url:
        app = make_app(url)
        try:
            with app.database.engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection), every_table()
                )
            assert differences == []
            assert schema.current_revision(app.database) == schema.head_revision()
        finally:
            app.close()


@pytest.mark.parametrize("kind", STORES)
def test_timers_get_their_deadline_and_fired_day_as_columns(kind: str, tmp_path: Path) -> None:
    """0011 moves what a timer's key and detail held into columns; a key without a due
    date (a format no release wrote) takes it from the clocks row of its version."""
    with store_url(kind, tmp_path) as url:
        database = Database(url)
        try:
            config = schema.alembic_config()
            with database.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "0010")
                _old_rows(connection)
            schema.upgrade(database)
            with database.engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT key, deadline_due_on, fired_on, detail FROM timers ORDER BY id")
                ).all()
        finally:
            database.dispose()
    found = [(key, _day(due), _day(fired), _json(detail)) for key, due, fired, detail in rows]
    assert found == [
        ("1:answer:v1@2026-03-30:on_due", date(2026, 3, 30), date(2026, 3, 30), {"messages": []}),
        ("1:answer:v1:before_5", date(2026, 3, 30), None, None),
    ]


def _old_rows(connection: Connection) -> None:
    statements = [
        "INSERT INTO agencies (id, code, name, short_name) VALUES (1, 'zbgd', '某局', '某局')",
        "INSERT INTO applicants (id, name, type) VALUES (1, '张三', 'natural_person')",
        "INSERT INTO cases (id, number, agency_id, applicant_id, applicant_type, channel, "
        "received_on, request, definition_id, definition_version, state, event_count, "
        "last_event_on, version, imported, recorded_on) VALUES (1, 'zbgd-2026-0001', 1, 1, "
        "'natural_person', 'online', '2026-03-02', '预算', 'disclosure', 3, 'received', 1, "
        "'2026-03-02', 1, false, '2026-03-02')",
        "INSERT INTO clocks (case_id, name, status, due_on, extended_by, version) "
        "VALUES (1, 'answer', 'running', '2026-03-30', 0, 1)",
        "INSERT INTO timers (key, case_id, clock, clock_version, kind, name, due_on, status, "
        "created_at, detail) VALUES ('1:answer:v1@2026-03-30:on_due', 1, 'answer', 1, "
        "'reminder', 'on_due', '2026-03-30', 'done', '2026-03-02 09:00:00', "
        """'{"as_of": "2026-03-30", "messages": []}')""",
        "INSERT INTO timers (key, case_id, clock, clock_version, kind, name, due_on, status, "
        "created_at) VALUES ('1:answer:v1:before_5', 1, 'answer', 1, 'reminder', "
        "'before_5', '2026-03-23', 'pending', '2026-03-02 09:00:00')",
    ]
    for statement in statements:
        connection.execute(text(statement))


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value
