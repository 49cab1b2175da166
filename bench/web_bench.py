"""The service under load, from a second process on loopback.

``python -m bench web``: a store with N cases (``BENCH_CASES``, default 100,000; loaded
through the engine, letters off), then ``workflow serve --no-scheduler`` with one worker
and with one per core, driven by this process over keep-alive connections:

* ``POST /api/v1/cases`` (the acknowledgement letter issued) and ``POST .../fire``
  (``consult_third_party``): requests per second, 8 clients at once;
* ``GET /api/v1/cases/{number}`` and ``GET /api/v1/cases?open=true&limit=50`` (a page of
  50 with due dates): p50 and p99, one client;
* the HTTP layer's cost: the same step through the API and through ``CaseService`` in
  process, one at a time, in the same run;
* the console's queue and case page (``bench/console_bench.py``), first; ``BENCH_WEB=console``
  measures only those;
* the portal: ``POST /portal/apply`` with the agency confirming automatically (each one
  registers a case and issues its acknowledgement), submissions per second, 8 clients;
  then ``POST /portal/follow`` (number and query code) p50 and p99, one client. The
  portal's per-address limits are raised for the run (every request comes from one
  address); they are still counted and checked. ``BENCH_WEB=portal`` measures only these.

``BENCH_WEB=api`` measures only the API's figures (the first three).

At most a few thousand requests; the servers are stopped at the end. ``BENCH_PG=1``
runs the same on PostgreSQL (a fresh database on the tests' server).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timedelta
from functools import partial
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import select
from tests.stores import TestApplication, make_app, postgres_database

from bench import console_bench
from bench.sample_cases import TODAY, new_case
from workflow.access.accounts import GrantSpec
from workflow.access.tokens import create_token
from workflow.lifecycle import StepInput
from workflow.portal.agency_choices import AgencyChoice, choose
from workflow.portal.query_codes import new_token
from workflow.portal.throttle import ENVIRONMENT
from workflow.store.records import AgencyRecord

CONSOLE_ONLY = os.environ.get("BENCH_WEB") == "console"  # only the console's pages
PORTAL_ONLY = os.environ.get("BENCH_WEB") == "portal"  # only the portal's pages
API_ONLY = os.environ.get("BENCH_WEB") == "api"  # only the API's calls
CLIENTS = 8
WRITES = 400  # per phase
READS = 500
STEP = {"trigger": "consult_third_party", "party": "某科技有限公司", "on": TODAY.isoformat()}


def _load(application: TestApplication, count: int) -> list[str]:
    numbers: list[str] = []
    began = time.perf_counter()
    for start in range(0, count, 2000):
        with application.database.transaction() as session:
            numbers += [
                application.cases.open_in(session, new_case(i)).number
                for i in range(start, min(count, start + 2000))
            ]
    # PostgreSQL's statistics as autovacuum keeps them; none on SQLite, where the project
    # never runs ANALYZE (the lists' statements are written to need none).
    if not application.database.is_sqlite:
        with application.database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    print(f"  loaded {count:,} cases in {time.perf_counter() - began:.0f} s")
    return numbers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(url: str, workers: int, cwd: Path) -> Iterator[str]:
    with served(url, workers, cwd) as (base, _):
        yield base


@contextmanager
def served(
    url: str, workers: int, cwd: Path, src: str | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``workflow serve`` on ``url`` (the code of ``src``, a tree's ``src``, when given):
    its base URL and its process, once it answers."""
    port = _free_port()
    environ = {**os.environ, "WORKFLOW_DB": url, "WORKFLOW_TODAY": TODAY.isoformat()}
    environ |= dict.fromkeys(ENVIRONMENT.values(), "10000000")  # one address sends everything
    if src is not None:
        environ["PYTHONPATH"] = src
    command = [sys.executable, "-m", "workflow", "serve", "--port", str(port),
               "--workers", str(workers), "--no-scheduler"]  # fmt: skip
    process = subprocess.Popen(
        command, env=environ, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=60)


def _rate(calls: list[Callable[[], httpx.Response]], clients: int) -> float:
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda call: call(), calls))
    elapsed = time.perf_counter() - began
    bad = [answer.status_code for answer in answers if answer.status_code >= 300]
    assert not bad, f"{len(bad)} failed requests: {bad[:5]}"
    return len(calls) / elapsed


def _latencies(call: Callable[[], httpx.Response], count: int) -> tuple[float, float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.text
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def _drive(base: str, token: str, free: Iterator[str], label: str) -> tuple[float, float]:
    headers = {"Authorization": f"Bearer {token}"}
    local = __import__("threading").local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, headers=headers, timeout=60)
        return local.client  # type: ignore[no-any-return]

    body = {"agency": "zbgd", "applicant": "张三", "applicant_type": "natural_person",
            "channel": "online", "received_on": TODAY.isoformat(), "request": "预算"}  # fmt: skip
    opened: list[str] = []

    def open_one() -> httpx.Response:
        answer = client().post("/api/v1/cases", json=body)
        opened.append(answer.json().get("number", ""))
        return answer

    def fire_one(number: str) -> httpx.Response:
        return client().post(f"/api/v1/cases/{number}/fire", json=STEP)

    open_rate = _rate([open_one] * WRITES, CLIENTS)
    fire_rate = _rate([partial(fire_one, number) for number in opened], CLIENTS)
    print(f"  {label}: POST open {open_rate:,.0f}/s, POST fire {fire_rate:,.0f}/s "
          f"({CLIENTS} clients)")  # fmt: skip
    one = httpx.Client(base_url=base, headers=headers, timeout=60)
    number = next(free)
    case_p50, case_p99 = _latencies(lambda: one.get(f"/api/v1/cases/{number}"), READS)
    list_p50, list_p99 = _latencies(lambda: one.get("/api/v1/cases?open=true&limit=50"), READS)
    print(f"  {label}: GET case p50 {case_p50:.1f} ms, p99 {case_p99:.1f} ms; "
          f"GET list of 50 p50 {list_p50:.1f} ms, p99 {list_p99:.1f} ms")  # fmt: skip
    return open_rate, fire_rate


class _KeptConnection:
    """One keep-alive connection posting JSON, by the standard library's ``http.client``:
    the one-at-a-time comparison times the server, and httpx spent 0.5-1 ms of this
    process's CPU on each call, serially with it (measured), which it would count as the
    HTTP layer's."""

    def __init__(self, base: str, token: str) -> None:
        address = httpx.URL(base)
        self._connection = http.client.HTTPConnection(address.host, address.port, timeout=60)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict[str, str]) -> int:
        self._connection.request("POST", path, json.dumps(body), self._headers)
        answer = self._connection.getresponse()
        answer.read()
        return answer.status

    def close(self) -> None:
        self._connection.close()


def _http_cost(base: str, token: str, url: str, free: Iterator[str]) -> None:
    """The same step one at a time through the API and through the service in process,
    both issuing the step's letter (the server's application issues letters); in turns
    of 20 each, so a change in the machine's load weighs on both alike."""
    application = make_app(url, letters=True, agencies=False)
    one = _KeptConnection(base, token)
    step = StepInput(on=TODAY, by="bench", party="某科技有限公司")
    turns, each = 10, 20
    api_time = local_time = client_cpu = 0.0
    for _ in range(turns):
        api_cases = [next(free) for _ in range(each)]
        began, cpu = time.perf_counter(), time.process_time()
        for number in api_cases:
            assert one.post(f"/api/v1/cases/{number}/fire", STEP) == 200
        api_time += time.perf_counter() - began
        client_cpu += time.process_time() - cpu
        local_cases = [next(free) for _ in range(each)]
        began = time.perf_counter()
        for number in local_cases:
            application.cases.fire(number, "consult_third_party", step)
        local_time += time.perf_counter() - began
    one.close()
    application.close()
    api_rate, local_rate = turns * each / api_time, turns * each / local_time
    load, client_ms = os.getloadavg()[0], client_cpu / (turns * each) * 1000
    print(f"  one at a time: API step {api_rate:,.0f}/s, in-process step {local_rate:,.0f}/s: "
          f"the API at {api_rate / local_rate:.0%} (the client's CPU {client_ms:.2f} ms a "
          f"call; load average {load:.1f})")  # fmt: skip


PORTAL_FORM = {"agency": "zbgd", "applicant_type": "natural_person", "id_type": "resident_id",
               "id_number": "11010519491231002X", "phone": "13812345678", "carrier": "email",
               "delivery": "collect", "other_form_ok": "yes", "confirm": "yes"}  # fmt: skip
_CODE = re.compile(r"<code>([0-9A-Z-]{19})</code>")
_NUMBER = re.compile(r"<dt>申请编号</dt><dd>([^<]+)</dd>")


def _portal(base: str, label: str) -> None:
    local = __import__("threading").local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=60)
        return local.client  # type: ignore[no-any-return]

    issued: list[tuple[str, str]] = []

    def apply(i: int) -> httpx.Response:
        form = {**PORTAL_FORM, "name": f"{label}申请人{i}", "description": f"第{i}号文件的执行情况",
                "token": new_token()}  # fmt: skip
        answer = client().post("/portal/apply", data=form)
        code, number = _CODE.search(answer.text), _NUMBER.search(answer.text)
        assert code is not None and number is not None, answer.text[:300]  # noqa: PT018
        issued.append((number[1], code[1]))
        return answer

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(apply, range(WRITES)))
    rate = len(answers) / (time.perf_counter() - began)
    assert all(answer.status_code == 200 for answer in answers)
    one = httpx.Client(base_url=base, timeout=60)
    number, code = issued[len(issued) // 2]
    p50, p99 = _latencies(lambda: one.post("/portal/follow", data={"key": number, "code": code}),
                          READS)  # fmt: skip
    print(f"  {label}: portal POST apply {rate:,.0f}/s ({CLIENTS} clients, each registered); "
          f"POST follow p50 {p50:.1f} ms, p99 {p99:.1f} ms")  # fmt: skip


def _measure(label: str, store: Callable[[Path], AbstractContextManager[str]], count: int) -> None:
    print(f"-- {label}, {count:,} cases")
    with tempfile.TemporaryDirectory() as root, store(Path(root)) as url:
        application = make_app(url)  # letters off for the load; the servers issue them
        loaded = _load(application, count)
        theirs = console_bench.prepare(application, loaded)
        numbers = iter(loaded[: -len(theirs)])
        now = application.clock.now()
        grants = [GrantSpec.parse("registrar@zbgd"), GrantSpec.parse("handler@zbgd")]
        with application.database.transaction() as session:
            token = create_token(session, "bench", grants, now + timedelta(days=1), "bench", now)
        with application.database.transaction() as session:
            zbgd = session.scalars(select(AgencyRecord).where(AgencyRecord.code == "zbgd")).one()
            choose(session, zbgd.id, AgencyChoice(auto_confirm=True), "bench", now)
        with _server(url, 1, Path(root)) as base:
            if not PORTAL_ONLY and not API_ONLY:
                console_bench.measure(base, theirs, "1 worker")
            if not CONSOLE_ONLY and not PORTAL_ONLY:
                _drive(base, token, numbers, "1 worker")
                _http_cost(base, token, url, numbers)
            if not CONSOLE_ONLY and not API_ONLY:
                _portal(base, "1 worker")
        cores = os.cpu_count() or 1
        if cores > 1 and not CONSOLE_ONLY:
            with _server(url, cores, Path(root)) as base:
                if not PORTAL_ONLY:
                    _drive(base, token, numbers, f"{cores} workers")
                if not API_ONLY:
                    _portal(base, f"{cores} workers")
        application.close()


def run() -> None:
    count = int(os.environ.get("BENCH_CASES", "100000"))
    _measure("SQLite", lambda root: nullcontext(f"sqlite:///{root / 'web.db'}"), count)
    if os.environ.get("BENCH_PG"):
        _measure("PostgreSQL", lambda root: postgres_database(), count)
