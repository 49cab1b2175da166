"""The console's pages under ``python -m bench web``: the queue and the case page.

A member of staff (``desk``, handler at zbgd) is given ``CONSOLE_OPEN`` of the store's open
cases; the queue's default view (their own open cases, the most urgent first, a page of
50 with each row's clock) then has that many candidates, in a store of all the loaded
cases. Logged in through the login form (a cookie session, as a browser), one client
reads ``/console/cases`` and ``/console/cases/{number}`` ``READS`` times each over a
keep-alive connection on loopback: p50 and p99, as the server answers them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import httpx2 as httpx
from sqlalchemy import select, update
from tests.stores import TEST_PASSWORD, TestApplication, add_staff

from workflow.store.records import CaseRecord

CONSOLE_OPEN = 5_000
READS = 200
DESK = "desk"


def prepare(application: TestApplication, numbers: list[str]) -> list[str]:
    """``desk`` and their cases: the last ``CONSOLE_OPEN`` loaded (untouched by the API phases)."""
    add_staff(application, DESK, "handler")
    theirs = numbers[-CONSOLE_OPEN:]
    with application.database.transaction() as session:
        for start in range(0, len(theirs), 500):
            session.execute(
                update(CaseRecord)
                .where(CaseRecord.number.in_(theirs[start : start + 500]))
                .values(handler=DESK)
                .execution_options(synchronize_session=False)
            )
        total = session.scalar(select(CaseRecord.id).order_by(CaseRecord.id.desc()).limit(1))
    print(f"  console: {len(theirs):,} open cases of {DESK} in a store of {total:,}")
    return theirs


def _times(call: Callable[[], httpx.Response], count: int, marker: str) -> tuple[float, float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.status_code
        assert marker in answer.text
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def measure(base: str, theirs: list[str], label: str) -> None:
    client = httpx.Client(base_url=base, timeout=120)
    login = {"username": DESK, "password": TEST_PASSWORD}
    assert client.post("/console/login", data=login).status_code in (200, 303)
    listed = f"共{len(theirs)}件"
    queue_p50, queue_p99 = _times(lambda: client.get("/console/cases"), READS, listed)
    number = theirs[len(theirs) // 2]
    case_p50, case_p99 = _times(lambda: client.get(f"/console/cases/{number}"), READS, number)
    print(f"  {label}: console queue (a page of 50 of {len(theirs):,}) p50 {queue_p50:.1f} ms, "
          f"p99 {queue_p99:.1f} ms; case page p50 {case_p50:.1f} ms, "
          f"p99 {case_p99:.1f} ms")  # fmt: skip
