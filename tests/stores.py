"""Real stores for tests: a SQLite file, or a PostgreSQL database made (and dropped) per test.

PostgreSQL comes from ``WORKFLOW_TEST_PG`` (default the local server's ``test``
database); each test gets a database with a unique name, so nothing leaks between
runs. Without a server the postgres tests skip, unless ``WORKFLOW_REQUIRE_PG=1``
(CI), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workflow.application import Application
from workflow.cases.agencies import add_agency
from workflow.clock import Clock, FixedClock
from workflow.settings import Settings

PG_BASE = os.environ.get("WORKFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
TODAY = date(2026, 11, 26)


def _admin_url() -> str:
    return make_url(PG_BASE).set(drivername="postgresql+psycopg").render_as_string(False)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test; dropped afterwards."""
    name = f"workflow_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server here
        if os.environ.get("WORKFLOW_REQUIRE_PG") == "1":
            raise
        pytest.skip(f"PostgreSQL not available at {PG_BASE}: {exc}")
    url = make_url(_admin_url()).set(database=name).render_as_string(False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def store_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "postgres":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'workflow.db'}"


class TestApplication(Application):
    """The real application on a test store, with a fixed clock and no letter rendering
    unless asked for."""

    __test__ = False

    def __init__(self, settings: Settings, clock: Clock, *, letters: bool) -> None:
        super().__init__(settings, clock)
        self._with_letters = letters

    @cached_property
    def letters(self):  # type: ignore[no-untyped-def]
        return super().letters if self._with_letters else None


def make_app(
    url: str, *, today: date = TODAY, letters: bool = False, agencies: bool = True
) -> TestApplication:
    application = TestApplication(Settings(db_url=url), FixedClock(today), letters=letters)
    application.initialise("tests")
    if agencies:
        with application.database.transaction() as session:
            add_agency(
                session,
                "zbgd",
                "淄博高端装备及现代服务业产业园管理中心",
                short_name="淄高装",
                address="淄博市高新区古侯路4317号",
                phone="0533-8100167",
                reconsideration_body="淄博高新技术产业开发区管理委员会",
                court="淄博市张店区人民法院",
                head="王主任",
            )
            add_agency(session, "city", "某市人民政府", short_name="某市府")
    return application


STORES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


TEST_PASSWORD = "correct horse battery"


def add_staff(application: Application, name: str, *roles: str, agency: str | None = "zbgd") -> str:
    """A user of the service with the roles given (``handler``, ``head@city`` ...) and the
    test password, not a one-time one."""
    from workflow.access.accounts import GrantSpec, add_user, find_user, set_password

    now = application.clock.now()
    with application.database.transaction() as session:
        grants = [GrantSpec.parse(role) for role in roles]
        add_user(session, name, name, agency, grants, now)
        set_password(session, find_user(session, name), TEST_PASSWORD, now)
    return name
