"""add_working_days over 100,000 random (start, N) pairs, against a plain timedelta loop.

The baseline does the cheapest possible day-by-day loop (Monday to Friday only,
no holidays), so the ratio shows what the official calendar costs over a
naive count that would be wrong.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from workflow.deadlines import load_calendar
from workflow.resources import calendars_dir

CALLS = 100_000


def _naive_add(start: date, days: int) -> date:
    day = start
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def run() -> None:
    calendar = load_calendar([calendars_dir()])
    rng = random.Random(20260212)
    first = date(2019, 1, 1).toordinal()
    last = date(2026, 9, 30).toordinal()  # keep start + 60 WD inside the loaded years
    cases = [(date.fromordinal(rng.randint(first, last)), rng.randint(1, 60)) for _ in range(CALLS)]

    add = calendar.add_working_days
    began = time.perf_counter()
    for start, days in cases:
        add(start, days)
    ours = time.perf_counter() - began

    began = time.perf_counter()
    for start, days in cases:
        _naive_add(start, days)
    naive = time.perf_counter() - began

    print(f"add_working_days: {ours / CALLS * 1e6:.2f} µs/call over {CALLS:,} calls (N in 1..60)")
    print(f"naive timedelta loop: {naive / CALLS * 1e6:.2f} µs/call")
    print(f"ratio ours/naive: {ours / naive:.2f}")
