"""Where a request's work runs: on the event loop for an app on SQLite, in the thread
pool on PostgreSQL (``web.worker_loop``); apps on both stores in one process each keep
their own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import anyio
import anyio.to_thread
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.stores import TEST_PASSWORD, TestApplication, add_staff, make_app
from workflow.access import accounts
from workflow.web import create_app


def _with_probes(application: TestApplication) -> FastAPI:
    app = create_app(application)

    def plain() -> int:  # FastAPI would hand it to the thread pool
        return threading.get_ident()

    async def on_the_loop() -> int:
        return threading.get_ident()

    app.add_api_route("/probe/plain", plain)
    app.add_api_route("/probe/loop", on_the_loop)
    return app


def test_a_plain_route_runs_on_the_loop_on_sqlite_and_in_the_pool_on_postgresql(
    app: TestApplication, store_kind: str
) -> None:
    with TestClient(_with_probes(app)) as client:
        plain = client.get("/probe/plain").json()
        loop = client.get("/probe/loop").json()
    assert (plain == loop) is (store_kind == "sqlite")


def test_work_outside_a_request_of_an_app_on_sqlite_still_goes_to_the_pool(
    tmp_path: Path,
) -> None:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(_with_probes(application)) as client:
        client.get("/probe/plain")  # the app is built: anyio's function is replaced

        async def elsewhere() -> tuple[int, int]:
            return threading.get_ident(), await anyio.to_thread.run_sync(threading.get_ident)

        # A loop of its own, in a thread of its own: the browser tests' driver keeps one
        # running in this thread.
        with ThreadPoolExecutor(1) as thread:
            loop, work = thread.submit(anyio.run, elsewhere).result(timeout=60)
    assert work != loop


@pytest.mark.parametrize("path", ["/auth/login", "/console/login"])
def test_a_login_checks_its_password_in_a_thread_not_on_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """argon2 takes 100-200 ms: on SQLite a login hands it to a thread, so the worker's
    other requests go on meanwhile."""
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    add_staff(application, "li", "handler")
    checked_in: list[int] = []

    class Hasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checked_in.append(threading.get_ident())
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_HASHER", Hasher())
    with TestClient(_with_probes(application)) as client:
        loop = client.get("/probe/loop").json()
        answer = client.post(
            path, data={"username": "li", "password": TEST_PASSWORD}, follow_redirects=False
        )
    assert answer.status_code in (200, 303), answer.text
    [checked] = checked_in
    assert checked != loop
