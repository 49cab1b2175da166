"""The service in process, on a real store, with a fixed clock that tests move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.stores import TEST_PASSWORD, TestApplication, add_staff, make_app, store_url
from workflow.access.accounts import GrantSpec
from workflow.access.tokens import create_token
from workflow.clock import FixedClock
from workflow.web import create_app

PASSWORD = TEST_PASSWORD


@dataclass
class Service:
    application: TestApplication
    client: TestClient

    @property
    def clock(self) -> FixedClock:
        assert isinstance(self.application.clock, FixedClock)
        return self.application.clock

    def user(self, name: str, *roles: str, agency: str | None = "zbgd") -> str:
        """A user with a chosen password (no one-time password left to change)."""
        return add_staff(self.application, name, *roles, agency=agency)

    def token(self, name: str, *roles: str, days: int = 30) -> str:
        from datetime import timedelta

        now = self.clock.now()
        with self.application.database.transaction() as session:
            grants = [GrantSpec.parse(role) for role in roles]
            return create_token(session, name, grants, now + timedelta(days=days), "test", now)

    def login(self, name: str, password: str = PASSWORD) -> TestClient:
        """A client of its own, logged in as ``name``, sending the CSRF token."""
        client = TestClient(self.client.app)
        answer = client.post("/auth/login", data={"username": name, "password": password})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client


@pytest.fixture
def service(store_kind: str, tmp_path: Path) -> Iterator[Service]:
    with store_url(store_kind, tmp_path) as url:
        application = make_app(url)
        with TestClient(create_app(application)) as client:
            yield Service(application, client)


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[Service]:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(create_app(application)) as client:
        yield Service(application, client)


@pytest.fixture
def letters_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """On SQLite, with letters issued and archived (HTML and text at issue)."""
    monkeypatch.delenv("WORKFLOW_LETTER_FORMATS", raising=False)
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}", letters=True)
    with TestClient(create_app(application)) as client:
        yield Service(application, client)


NEW_CASE = {
    "agency": "zbgd",
    "applicant": "张三",
    "applicant_type": "natural_person",
    "channel": "online",
    "received_on": "2026-11-20",
    "request": "2025年度财政预算执行情况",
    "contact": "13812345678",
}
