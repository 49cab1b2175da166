"""Where an API request's CPU goes, layer by layer; and two trees' servers in turns.

``python -m bench api_cost``: a SQLite store of N cases (``BENCH_CASES``, default 100,000,
loaded through the engine), then for an opening (its acknowledgement issued) and a
handler's ``consult_third_party`` (its two letters), the CPU one takes:

* in ``CaseService``, in process, one at a time; and how long it holds the store's write
  lock (``BEGIN IMMEDIATE`` to its commit);
* through the app in process (httpx's ASGI transport; on SQLite the app runs its work on
  its loop, so one thread's CPU time is the whole request's): the service and FastAPI's
  routing, validation, the caller, the answer, no sockets;
* in ``workflow serve`` (one worker) over loopback, from one client and from 8 at once:
  the server process's own CPU time (``/proc``), per request.

``BENCH_API_BASELINE=DIR`` (another tree's ``src``, e.g. a worktree of an earlier commit):
that tree's server and this one's on the same store, driven in turns of 100 requests from
8 clients, six rounds, openings then steps: each tree's median requests per second and CPU
a request. Runs an hour apart on a virtual machine differ by more than most changes do;
turns do not.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import event
from tests.stores import make_app

from bench.sample_cases import TODAY, new_case
from bench.web_bench import STEP, _load, served
from workflow.access.accounts import GrantSpec
from workflow.access.tokens import create_token
from workflow.lifecycle import StepInput
from workflow.web import create_app

BASELINE = os.environ.get("BENCH_API_BASELINE")
CALLS = 200  # per figure
CLIENTS = 8
OPEN = {"agency": "zbgd", "applicant": "张三", "applicant_type": "natural_person",
        "channel": "online", "received_on": TODAY.isoformat(), "request": "预算"}  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a live process, from ``/proc/PID/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _in_process(url: str) -> None:
    application = make_app(url, letters=True, agencies=False)
    held: list[float] = []
    began: dict[int, float] = {}

    def begin(connection: Any) -> None:
        if not connection.get_execution_options().get("workflow_read_only", False):
            began[id(connection)] = time.perf_counter()

    def commit(connection: Any) -> None:
        started = began.pop(id(connection), None)
        if started is not None:
            held.append(time.perf_counter() - started)

    engine = application.database.engine
    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", commit)
    step = StepInput(on=TODAY, by="bench", party="某科技有限公司")
    try:
        application.cases.fire(application.cases.open(new_case(-1)).number, STEP["trigger"], step)
        held.clear()
        cpu = time.process_time()
        numbers = [application.cases.open(new_case(i)).number for i in range(CALLS)]
        open_cpu, open_held = (time.process_time() - cpu) / CALLS, statistics.median(held)
        held.clear()
        cpu = time.process_time()
        for number in numbers:
            application.cases.fire(number, STEP["trigger"], step)
        fire_cpu, fire_held = (time.process_time() - cpu) / CALLS, statistics.median(held)
    finally:
        application.close()
    print(f"  CaseService in process: open {1000 * open_cpu:.2f} ms of CPU, the write lock held "
          f"{1000 * open_held:.2f} ms (median); fire {1000 * fire_cpu:.2f} ms, the lock "
          f"{1000 * fire_held:.2f} ms")  # fmt: skip


def _through_the_app(url: str, token: str) -> None:
    application = make_app(url, letters=True, agencies=False)
    headers = {"Authorization": f"Bearer {token}"}

    async def drive() -> tuple[float, float]:
        transport = httpx.ASGITransport(app=create_app(application))
        client = httpx.AsyncClient(transport=transport, base_url="http://app", headers=headers)
        async with client:
            numbers = []
            for _ in range(CALLS + 1):
                answer = await client.post("/api/v1/cases", json=OPEN)
                assert answer.status_code == 201, answer.text
                numbers.append(answer.json()["number"])
            await client.post(f"/api/v1/cases/{numbers.pop()}/fire", json=STEP)
            cpu = time.process_time()
            for _ in range(CALLS):
                assert (await client.post("/api/v1/cases", json=OPEN)).status_code == 201
            open_cpu = (time.process_time() - cpu) / CALLS
            cpu = time.process_time()
            for number in numbers:
                answer = await client.post(f"/api/v1/cases/{number}/fire", json=STEP)
                assert answer.status_code == 200, answer.text
            return open_cpu, (time.process_time() - cpu) / CALLS

    try:
        open_cpu, fire_cpu = asyncio.run(drive())
    finally:
        application.close()
    print(f"  the app in process (ASGI, its work on the loop): open {1000 * open_cpu:.2f} ms of "
          f"CPU, fire {1000 * fire_cpu:.2f} ms")  # fmt: skip


class _Clients:
    """Keep-alive clients, one per thread and server."""

    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}"}
        self.local = threading.local()

    def of(self, base: str) -> httpx.Client:
        clients: dict[str, httpx.Client] = self.local.__dict__.setdefault("clients", {})
        if base not in clients:
            clients[base] = httpx.Client(base_url=base, headers=self.headers, timeout=60)
        return clients[base]


def _requests(
    clients: _Clients, base: str, pid: int, opened: list[str], kind: str, count: int, at_once: int
) -> tuple[float, float]:
    """``count`` openings or steps (on cases of ``opened``) from ``at_once`` clients:
    requests per second and the server's CPU seconds a request."""

    def open_one() -> httpx.Response:
        return clients.of(base).post("/api/v1/cases", json=OPEN)

    def fire_one(number: str) -> httpx.Response:
        return clients.of(base).post(f"/api/v1/cases/{number}/fire", json=STEP)

    if kind == "open":
        calls: list[Callable[[], httpx.Response]] = [open_one] * count
    else:
        calls = [partial(fire_one, opened.pop()) for _ in range(count)]
    cpu, began = _cpu_seconds(pid), time.perf_counter()
    with ThreadPoolExecutor(at_once) as pool:
        answers = list(pool.map(lambda call: call(), calls))
    elapsed, spent = time.perf_counter() - began, _cpu_seconds(pid) - cpu
    bad = [answer.text for answer in answers if answer.status_code >= 300]
    assert not bad, bad[:3]
    if kind == "open":
        opened.extend(answer.json()["number"] for answer in answers)
    return count / elapsed, spent / count


def _over_loopback(url: str, token: str, root: Path) -> None:
    clients, opened = _Clients(token), list[str]()
    with served(url, 1, root) as (base, process):
        _requests(clients, base, process.pid, opened, "open", 50, CLIENTS)  # warm
        for kind in ("open", "fire"):
            for at_once in (1, CLIENTS):
                rate, cpu = _requests(clients, base, process.pid, opened, kind, CALLS, at_once)
                print(f"  the server over loopback, {at_once} client{'s' if at_once > 1 else ''}:"
                      f" {kind} {rate:,.0f}/s, {1000 * cpu:.2f} ms of the server's CPU a "
                      f"request")  # fmt: skip


def _in_turns(url: str, token: str, root: Path, baseline: str) -> None:
    clients, opened = _Clients(token), list[str]()
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with served(url, 1, root) as this, served(url, 1, root, src=baseline) as that:
        trees = {"this tree": this, "baseline": that}
        for base, process in trees.values():
            _requests(clients, base, process.pid, opened, "open", 50, CLIENTS)  # warm
        for round_ in range(6):
            order = list(trees.items()) if round_ % 2 == 0 else list(trees.items())[::-1]
            for kind in ("open", "fire"):
                for name, (base, process) in order:
                    figure = _requests(clients, base, process.pid, opened, kind, 100, CLIENTS)
                    figures.setdefault((name, kind), []).append(figure)
    for (name, kind), runs in sorted(figures.items()):
        rates = ", ".join(f"{rate:.0f}" for rate, _ in runs)
        print(f"  in turns, {name}: {kind} {statistics.median(r for r, _ in runs):,.0f}/s "
              f"median ({rates}), {1000 * statistics.median(c for _, c in runs):.2f} ms of "
              f"the server's CPU a request")  # fmt: skip


def run() -> None:
    count = int(os.environ.get("BENCH_CASES", "100000"))
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        url = f"sqlite:///{root / 'api.db'}"
        application = make_app(url)  # letters off for the load
        _load(application, count)
        now = application.clock.now()
        grants = [GrantSpec.parse("registrar@zbgd"), GrantSpec.parse("handler@zbgd")]
        with application.database.transaction() as session:
            token = create_token(session, "bench", grants, now + timedelta(days=1), "bench", now)
        application.close()
        _in_process(url)
        _through_the_app(url, token)
        _over_loopback(url, token, root)
        if BASELINE is not None:
            _in_turns(url, token, root, BASELINE)
