"""The service starts, says whether it can work, and answers errors as JSON."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvloop
from fastapi.testclient import TestClient

from tests.stores import make_app
from workflow.application import Application
from workflow.scheduling.sweeper import Sweeper
from workflow.settings import Settings
from workflow.web import create_app
from workflow.web.server import listener


def test_health_reports_store_migrations_calendar_and_last_sweep(tmp_path: Path) -> None:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(create_app(application)) as client:
        answer = client.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["store"]
    assert body["migrations_current"]
    assert 2026 in body["calendar_years"]
    assert body["calendar_covers_today"]
    assert body["last_sweep_at"] is None


def test_health_gives_the_last_sweep_as_an_instant_with_its_offset(tmp_path: Path) -> None:
    # SQLite keeps no offset: the instant is read back in China time, with +08:00.
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    Sweeper(application.cases).sweep()
    with TestClient(create_app(application)) as client:
        last = datetime.fromisoformat(client.get("/health").json()["last_sweep_at"])
    assert last == application.clock.now()
    assert last.utcoffset() == timedelta(hours=8)


def test_health_is_503_on_a_store_without_the_schema(tmp_path: Path) -> None:
    application = Application(Settings(db_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    with TestClient(create_app(application)) as client:
        answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.json()["migrations_current"] is False


def test_unknown_routes_are_json_errors(tmp_path: Path) -> None:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(create_app(application)) as client:
        answer = client.get("/api/v1/no-such-thing")
    assert answer.status_code == 404
    assert answer.json() == {"error": {"code": "not_found", "message": "Not Found", "details": {}}}


def test_the_docs_page_is_served_without_anything_from_outside(tmp_path: Path) -> None:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(create_app(application)) as client:
        page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/v1/openapi.json" in page.text
    assert "http://" not in page.text
    assert "https://" not in page.text
    assert "<script" not in page.text
    # Each operation names its answer, linked to the answer's fields and their types.
    assert "<td><code>open_case</code></td>" in page.text
    assert '<a href="#Case">Case</a></td></tr>' in page.text
    assert '<h3 id="Case">' in page.text
    assert "<td><code>received_on</code></td><td>string (date)</td><td>是</td>" in page.text
    assert (
        '<td><code>deadlines</code></td><td>{string: <a href="#Deadline">Deadline</a>}' in page.text
    )


def test_the_environment_cannot_turn_on_telemetry_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # From these FastAPI would set up OTLP exporters at start-up (here, with no
    # OpenTelemetry SDK installed, it tries and logs its failure): requests' paths and
    # queries, an applicant's name in a search among them, must not leave the machine.
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.invalid:4318")
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    with caplog.at_level(logging.DEBUG), TestClient(create_app(application)) as client:
        assert client.get("/health").status_code == 200
    assert not [record for record in caplog.records if "telemetry" in record.getMessage()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], seconds: float = 120
) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            return httpx.get(f"{url}/health", timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer in time")


@pytest.mark.integration
def test_workflow_serve_creates_the_store_and_serves(tmp_path: Path) -> None:
    port = free_port()
    environ = {**os.environ, "WORKFLOW_DB": f"sqlite:///{tmp_path / 'new.db'}"}
    environ.pop("WORKFLOW_TODAY", None)
    command = [sys.executable, "-m", "workflow", "serve", "--port", str(port), "--no-scheduler"]
    process = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        answer = wait_healthy(f"http://127.0.0.1:{port}", process)
        assert answer.json()["store"] is True
        assert answer.json()["migrations_current"] is True
    finally:
        process.terminate()
        out, _err = process.communicate(timeout=20)
    assert b"schema empty -> " in out
    assert f"http://127.0.0.1:{port}/".encode() in out


@pytest.mark.parametrize("run", [uvloop.run, asyncio.run], ids=["uvloop", "asyncio"])
def test_connections_accepted_by_the_workers_listener_send_without_delay(
    run: Callable[[Coroutine[Any, Any, int]], int],
) -> None:
    """Nagle's algorithm off on every accepted connection (TCP_NODELAY), on the loop the
    service runs on and on asyncio's: a keep-alive response is not held back waiting for
    the client's delayed ACK."""
    sock = listener("127.0.0.1", 0)

    async def accepted_nodelay() -> int:
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[int] = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Probe, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    # A loop of its own, in a thread of its own: the browser tests' driver keeps one running
    # in this thread.
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(run, accepted_nodelay()).result(timeout=60) != 0


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environ = {**os.environ, "WORKFLOW_DB": f"sqlite:///{tmp_path / 'new.db'}"}
        command = [sys.executable, "-m", "workflow", "serve", "--port", str(port),
                   "--no-scheduler"]  # fmt: skip
        done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
