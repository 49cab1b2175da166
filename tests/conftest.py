from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli import run
from tests.stores import STORES, TestApplication, make_app, store_url
from workflow.deadlines import Holiday, WorkingCalendar, YearSchedule, load_calendar
from workflow.resources import calendars_dir


def _days(spec: str, year: int) -> tuple[date, ...]:
    """'01-01; 02-10..02-17' -> the dates they name."""
    days: list[date] = []
    for part in spec.split(";"):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition("..")
        start = date.fromisoformat(f"{year}-{first}")
        end = date.fromisoformat(f"{year}-{last}") if last else start
        while start <= end:
            days.append(start)
            start += timedelta(days=1)
    return tuple(days)


# DOMAIN.md §3, verbatim: the reference the shipped files are checked against.
DOMAIN_LISTS = {
    2024: (
        "01-01; 02-10..02-17; 04-04..04-06; 05-01..05-05; 06-10; 09-15..09-17; 10-01..10-07",
        "02-04; 02-18; 04-07; 04-28; 05-11; 09-14; 09-29; 10-12",
    ),
    2025: (
        "01-01; 01-28..02-04; 04-04..04-06; 05-01..05-05; 05-31..06-02; 10-01..10-08",
        "01-26; 02-08; 04-27; 09-28; 10-11",
    ),
    2026: (
        "01-01..01-03; 02-15..02-23; 04-04..04-06; 05-01..05-05; 06-19..06-21; 09-25..09-27; "
        "10-01..10-07",
        "01-04; 02-14; 02-28; 05-09; 09-20; 10-10",
    ),
}


def domain_calendar() -> WorkingCalendar:
    """2024-2026 built from the literal lists in DOMAIN.md, independent of the shipped files."""
    return WorkingCalendar.of(
        YearSchedule(year, (Holiday("listed", _days(off, year), _days(makeup, year)),))
        for year, (off, makeup) in DOMAIN_LISTS.items()
    )


@pytest.fixture(scope="session")
def literal_calendar() -> WorkingCalendar:
    return domain_calendar()


@pytest.fixture(scope="session")
def shipped_calendar() -> WorkingCalendar:
    return load_calendar([calendars_dir()])


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app(store_kind: str, tmp_path: Path) -> Iterator[TestApplication]:
    """The application on a fresh store (SQLite and PostgreSQL), clock fixed at TODAY."""
    with store_url(store_kind, tmp_path) as url:
        application = make_app(url)
        try:
            yield application
        finally:
            application.close()


@pytest.fixture
def db(
    store_kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[str]:
    """A store for command-line tests (SQLite and PostgreSQL): WORKFLOW_DB points at it, the
    schema is made and agency `zbgd` added with its letterhead; "today" is 2026-11-26."""
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    monkeypatch.delenv("WORKFLOW_LETTER_TEMPLATES", raising=False)
    monkeypatch.delenv("WORKFLOW_LETTER_FORMATS", raising=False)
    with store_url(store_kind, tmp_path) as url:
        monkeypatch.setenv("WORKFLOW_DB", url)
        assert run(capsys, "init").code == 0
        added = run(
            capsys, "agency", "add", "zbgd", "--name", "淄博高端装备中心", "--short-name",
            "淄高装", "--reconsideration-body", "淄博高新区管委会", "--court", "张店区人民法院",
        )  # fmt: skip
        assert added.code == 0, added
        yield url
