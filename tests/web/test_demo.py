"""``workflow serve --demo``: a store with every state, outcome, appeal and channel, and a login
per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.cli import one_line_error, run
from workflow.access.roles import Role
from workflow.application import Application
from workflow.cases.registry import DEFAULT_DEFINITION
from workflow.cases.verify import verify_cases
from workflow.codes import AppealKind, AppealResult, Channel
from workflow.settings import Settings
from workflow.store.records import AppealRecord, CaseRecord
from workflow.web import create_app
from workflow.web.demo import USERS
from workflow.web.server import prepare_store

PRINTED: list[str] = []  # what `serve --demo` printed for the module's store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Application]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'workflow.db'}"
    application = Application(Settings(db_url=url))
    lines = prepare_store(application, demo=True)
    PRINTED[:] = lines
    assert any("demo data" in line for line in lines)
    assert all(name in "\n".join(lines) for name, _ in USERS.values())
    assert not any("one-time password" in line for line in lines)  # no administrator to change
    yield application
    application.close()


def test_the_demo_fills_every_state_outcome_appeal_and_channel(demo: Application) -> None:
    definition = demo.registry.latest(DEFAULT_DEFINITION)
    with demo.database.transaction() as session:
        cases = list(session.scalars(select(CaseRecord)))
        appeals = list(session.scalars(select(AppealRecord)))
    assert 40 <= len(cases) <= 60
    assert {case.received_on.year for case in cases} == {2025, 2026}
    assert {case.state for case in cases} == set(definition.states)
    decided = {case.first_outcome for case in cases} | {case.outcome for case in cases}
    assert decided - {None} == set(definition.outcomes)
    assert {case.channel for case in cases} == Channel.codes()
    assert {appeal.kind for appeal in appeals} == AppealKind.codes()
    for kind in AppealKind:
        results = {appeal.result for appeal in appeals if appeal.kind == kind}
        assert results == AppealResult.codes() | {None}, kind  # None: still pending


def test_the_demo_store_replays_clean_and_is_the_same_every_time(
    demo: Application, tmp_path: Path
) -> None:
    with demo.database.transaction() as session:
        assert list(verify_cases(session, demo.registry, demo.calendar)) == []
        first = [
            (c.number, c.state, c.outcome, c.request) for c in session.scalars(select(CaseRecord))
        ]
    again = Application(Settings(db_url=f"sqlite:///{tmp_path / 'again.db'}"))
    prepare_store(again, demo=True)
    with again.database.transaction() as session:
        second = [
            (c.number, c.state, c.outcome, c.request) for c in session.scalars(select(CaseRecord))
        ]
    again.close()
    assert first == second


def test_each_demo_user_logs_in_without_a_password_change(demo: Application) -> None:
    with TestClient(create_app(demo)) as client:
        for role, (name, password) in USERS.items():
            answer = client.post("/auth/login", data={"username": name, "password": password})
            assert answer.status_code == 200, (role, answer.text)
            me = client.get("/auth/me").json()
            assert me["must_change_password"] is False, role
            client.cookies.clear()


def test_the_demo_handler_starts_on_a_queue_of_their_open_cases(demo: Application) -> None:
    name, password = USERS[Role.HANDLER]
    with TestClient(create_app(demo)) as client:
        client.post("/console/login", data={"username": name, "password": password})
        queue = client.get("/console/")
    assert queue.url.path == "/console/cases"
    assert "<h1>待办</h1>" in queue.text
    assert "没有符合条件的案件" not in queue.text
    assert "个工作日" in queue.text


def test_demo_on_a_store_with_cases_is_refused_in_one_line(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
        "natural_person", "--channel", "online", "--received", str(date(2026, 11, 26)),
        "--request", "某文件")  # fmt: skip
    line = one_line_error(run(capsys, "serve", "--demo"))
    assert line.endswith(
        "--demo loads an empty store only, and this one has cases (1): "
        "point WORKFLOW_DB at a new file"
    )


def test_the_demo_fills_the_heads_reporters_and_admins_pages(demo: Application) -> None:
    pages = {
        "head": ["/console/deadlines", "/console/bulk", "/console/calendar"],
        "reporter": ["/console/reports?year=2025"],
        "admin": ["/console/admin", "/console/admin/audit", "/console/admin/agencies/zbgd"],
    }
    with TestClient(create_app(demo)) as client:
        for role, paths in pages.items():
            name, password = next(login for r, login in USERS.items() if r.value == role)
            assert client.post("/auth/login", data={"username": name, "password": password})
            for path in paths:
                answer = client.get(path)
                assert answer.status_code == 200, (path, answer.text[-500:])
            client.cookies.clear()
        client.post(
            "/auth/login",
            data={"username": USERS[Role.REPORTER][0], "password": USERS[Role.REPORTER][1]},
        )
        report = client.get("/console/reports?year=2025").text
        months = report.split('id="chart-months"')[1].split("<h3")[0]
        assert '<th scope="row">合计</th><td class="number">0</td>' not in months


def test_the_printed_portal_case_is_followed_with_its_query_code(demo: Application) -> None:
    printed = next(line for line in PRINTED if line.startswith("demo portal:"))
    found = re.search(r"with (\S+) and query code (\S+);", printed)
    assert found is not None, printed
    number, code = found.groups()
    assert re.fullmatch(r"zbgd-2026-\d{4}", number), printed
    with TestClient(create_app(demo)) as client:
        progress = client.post("/portal/follow", data={"key": number, "code": code})
    assert progress.status_code == 200, progress.text
    assert number in progress.text
