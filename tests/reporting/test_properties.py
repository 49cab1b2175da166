"""Properties over generated multi-year case sets (SQLite): the SQL report equals a plain
count in Python, every identity holds, and this year's 二 is last year's 四.

Cases are written straight into the store with their recorded dates, so the as-of rules
are exercised too: with timely recording every check passes; with late recording the
report as of any date equals what was known on that date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reporting.casebook import AppealEntry, Entry, clear, write
from tests.stores import TODAY, TestApplication, make_app
from workflow.reporting import (
    AnnualReport,
    AppealsRule,
    ReportRequest,
    Status,
    annual_report,
    resolve_scope,
)
from workflow.reporting.format2021 import APPEAL_KINDS, APPLICANT_COLUMNS, COLUMNS

YEARS = range(2021, 2026)
FIRST, LAST = date(2021, 1, 1), date(2025, 12, 31)
OUTCOMES = ["disclosed.provided", "partially_disclosed", "withheld.state_secret",
            "unavailable.other_agency", "not_processed.duplicate", "other.withdrawn"]  # fmt: skip
ROWS = {"disclosed.provided": "3.1", "partially_disclosed": "3.2", "withheld.state_secret": "3.3.1",
        "unavailable.other_agency": "3.4.1", "not_processed.duplicate": "3.5.2",
        "other.withdrawn": "3.6.3"}  # fmt: skip


FIXTURE_REUSED = HealthCheck.function_scoped_fixture  # the module's store, emptied per example


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestApplication]:
    path = tmp_path_factory.mktemp("properties") / "workflow.db"
    application = make_app(f"sqlite:///{path}")
    yield application
    application.close()


def _day(offset: int) -> date:
    return FIRST + timedelta(days=offset)


@st.composite
def case_sets(draw: st.DrawFn, late: bool) -> tuple[list[Entry], list[AppealEntry]]:
    span = (LAST - FIRST).days
    lag = st.integers(0, 400) if late else st.just(0)
    entries, appeals = [], []
    for index in range(draw(st.integers(0, 25))):
        received = _day(draw(st.integers(0, span)))
        recorded = min(received + timedelta(days=draw(lag)), TODAY)
        closed = draw(st.one_of(st.none(), st.integers(0, 500)))
        closed_on = min(received + timedelta(days=closed), TODAY) if closed is not None else None
        number = f"zbgd-{received.year}-{index:04d}"
        entries.append(
            Entry(
                number,
                received,
                draw(st.sampled_from(APPLICANT_COLUMNS)),
                closed_on=closed_on,
                outcome=draw(st.sampled_from(OUTCOMES)) if closed_on else None,
                recorded_on=recorded,
                closed_recorded_on=(
                    max(min(closed_on + timedelta(days=draw(lag)), TODAY), recorded)
                    if closed_on
                    else None
                ),
            )
        )
        closed_recorded = entries[-1].closed_recorded_on
        if closed_on is not None and closed_recorded is not None and draw(st.booleans()):
            # An appeal is recorded no earlier than the decision it is about.
            filed = min(closed_on + timedelta(days=draw(st.integers(0, 60))), TODAY)
            filed_recorded = max(min(filed + timedelta(days=draw(lag)), TODAY), closed_recorded)
            decided = draw(st.one_of(st.none(), st.integers(0, 400)))
            decided_on = min(filed + timedelta(days=decided), TODAY) if decided else None
            appeals.append(
                AppealEntry(
                    number,
                    draw(st.sampled_from(list(APPEAL_KINDS))),
                    filed,
                    draw(st.sampled_from(["maintained", "corrected", "other"]))
                    if decided_on
                    else None,
                    decided_on,
                    filed_recorded_on=filed_recorded,
                    decided_recorded_on=(
                        max(min(decided_on + timedelta(days=draw(lag)), TODAY), filed_recorded)
                        if decided_on
                        else None
                    ),
                )
            )
    return entries, appeals


@dataclass(frozen=True)
class Oracle:
    """The counting rules, case by case, in plain Python."""

    entries: list[Entry]
    appeals: list[AppealEntry]

    def table3(self, year: int, cutoff: date) -> dict[str, dict[str, int]]:
        start, end = date(year, 1, 1), date(year, 12, 31)
        table = {code: dict.fromkeys(COLUMNS, 0) for code in ("1", "2", "3.7", "4", *ROWS.values())}
        for e in self.entries:
            if (e.recorded_on or e.received_on) > cutoff:
                continue
            closed = e.closed_on if e.closed_on and e.closed_recorded_on <= cutoff else None  # type: ignore[operator]
            counts = {
                "1": start <= e.received_on <= end,
                "2": e.received_on < start and not (closed and closed < start),
                "3.7": closed is not None and start <= closed <= end,
                "4": e.received_on <= end and not (closed and closed <= end),
            }
            if counts["3.7"]:
                counts[ROWS[str(e.outcome)]] = True
            for row, counted in counts.items():
                if counted:
                    table[row][e.applicant_type] += 1
                    table[row]["total"] += 1
        return table

    def carried_in(self, year: int, cutoff: date) -> dict[str, int]:
        return self.table3(year, cutoff)["2"]

    def table4(self, year: int, cutoff: date, rule: AppealsRule) -> dict[str, dict[str, int]]:
        start, end = date(year, 1, 1), date(year, 12, 31)
        table = {kind: dict.fromkeys(("maintained", "corrected", "other", "pending", "total"), 0)
                 for kind in APPEAL_KINDS}  # fmt: skip
        for a in self.appeals:
            if (a.filed_recorded_on or a.filed_on) > cutoff:
                continue
            known = a.decided_on if a.result and a.decided_recorded_on <= cutoff else None  # type: ignore[operator]
            if rule is AppealsRule.CONCLUDED:
                by_end = known if known and known <= end else None
                if a.filed_on > end or (by_end and by_end < start):
                    continue
                cell = a.result if by_end else "pending"
            else:
                if not start <= a.filed_on <= end:
                    continue
                limit = cutoff if rule is AppealsRule.FILED else end
                cell = a.result if known and known <= limit else "pending"
            table[a.kind][str(cell)] += 1
            table[a.kind]["total"] += 1
        return table


def _report(
    store: TestApplication, year: int, as_of: date | None = None, rule: str = "filed"
) -> AnnualReport:
    with store.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        request = ReportRequest(year, TODAY, as_of, appeals_rule=AppealsRule(rule))
        return annual_report(session, store.registry, scope, request)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case_sets(late=False))
def test_timely_records_pass_every_check_and_carry_over(
    store: TestApplication, generated: tuple[list[Entry], list[AppealEntry]]
) -> None:
    entries, appeals = generated
    clear(store.database)
    write(store.database, entries, appeals)
    oracle = Oracle(entries, appeals)
    reports = {year: _report(store, year) for year in YEARS}
    for year, report in reports.items():
        assert report.table3 == {**report.table3, **oracle.table3(year, TODAY)}
        assert report.table4 == oracle.table4(year, TODAY, AppealsRule.FILED)
        statuses = {check.code: check.status for check in report.checks}
        assert Status.FAILED not in statuses.values(), report.failed
        if year - 1 in reports:
            assert report.table3["2"] == reports[year - 1].table3["4"]
            if any(e.received_on <= date(year, 1, 31) for e in entries):
                assert statuses["carried_over"] is Status.PASSED


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    case_sets(late=True),
    st.sampled_from(list(YEARS)),
    st.integers(0, 1500),
    st.sampled_from([rule.value for rule in AppealsRule]),
)
def test_a_report_as_of_a_date_counts_what_was_known_then(
    store: TestApplication,
    generated: tuple[list[Entry], list[AppealEntry]],
    year: int,
    after: int,
    rule: str,
) -> None:
    entries, appeals = generated
    clear(store.database)
    write(store.database, entries, appeals)
    oracle = Oracle(entries, appeals)
    as_of = min(date(year, 1, 1) + timedelta(days=after), TODAY)
    report = _report(store, year, as_of, rule)
    assert report.table3 == {**report.table3, **oracle.table3(year, as_of)}
    assert report.table4 == oracle.table4(year, as_of, AppealsRule(rule))
    statuses = {check.code: check.status for check in report.checks}
    assert [statuses[code] for code in ("flow", "results", "columns", "appeals")] == [
        Status.PASSED
    ] * 4
    previous = min(date(year, 1, 31), as_of)
    held = any((e.recorded_on or e.received_on) <= previous for e in entries)
    differs = oracle.carried_in(year, as_of) != oracle.carried_in(year, previous)
    expected = Status.SKIPPED if not held else Status.FAILED if differs else Status.PASSED
    assert statuses["carried_over"] is expected
