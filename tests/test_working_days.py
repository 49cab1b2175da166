"""Working-day arithmetic: DOMAIN.md §3's worked examples and the laws it must obey."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import domain_calendar
from workflow.deadlines import WorkingCalendar
from workflow.errors import CalendarNotPublished, InvalidInput

WORKED_EXAMPLES = [
    # (received, working days, due) from DOMAIN.md §3
    (date(2026, 2, 12), 7, date(2026, 2, 28)),  # Sat, a make-up working day
    (date(2026, 2, 12), 20, date(2026, 3, 18)),
    (date(2026, 9, 30), 20, date(2026, 11, 3)),
    (date(2025, 12, 31), 20, date(2026, 1, 29)),
    (date(2026, 1, 5), 40, date(2026, 3, 6)),
]


@pytest.mark.parametrize(("start", "days", "due"), WORKED_EXAMPLES)
@pytest.mark.parametrize("calendar_name", ["literal_calendar", "shipped_calendar"])
def test_worked_examples(
    start: date, days: int, due: date, calendar_name: str, request: pytest.FixtureRequest
) -> None:
    calendar: WorkingCalendar = request.getfixturevalue(calendar_name)
    assert calendar.add_working_days(start, days) == due
    assert calendar.working_days_between(start, due) == days


@pytest.mark.parametrize(("year", "count"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year(
    literal_calendar: WorkingCalendar, shipped_calendar: WorkingCalendar, year: int, count: int
) -> None:
    assert literal_calendar.years[year].working_day_count() == count
    assert (
        shipped_calendar.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == count
    )


def test_make_up_day_is_working_and_holiday_is_not(literal_calendar: WorkingCalendar) -> None:
    assert literal_calendar.is_working_day(date(2026, 2, 28))  # Saturday, make-up
    assert not literal_calendar.is_working_day(date(2026, 2, 16))  # Monday, Spring Festival
    assert not literal_calendar.is_working_day(date(2026, 3, 7))  # ordinary Saturday
    assert literal_calendar.is_working_day(date(2026, 3, 9))  # ordinary Monday


def test_next_and_previous_working_day(literal_calendar: WorkingCalendar) -> None:
    assert literal_calendar.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)  # make-up Sat
    assert literal_calendar.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert literal_calendar.previous_working_day(date(2026, 2, 24)) == date(2026, 2, 14)
    assert literal_calendar.subtract_working_days(date(2026, 3, 18), 20) == date(2026, 2, 12)


def test_unknown_year_is_refused_never_assumed_monday_to_friday(
    literal_calendar: WorkingCalendar,
) -> None:
    with pytest.raises(CalendarNotPublished, match="2027") as caught:
        literal_calendar.add_working_days(date(2027, 3, 1), 5)
    assert "import-notice" in str(caught.value)
    with pytest.raises(CalendarNotPublished, match="2027"):
        literal_calendar.add_working_days(date(2026, 12, 20), 20)  # runs past the last year
    with pytest.raises(CalendarNotPublished, match="2023"):
        literal_calendar.is_working_day(date(2023, 6, 1))


def test_gap_between_loaded_years_is_refused() -> None:
    full = domain_calendar()
    gapped = WorkingCalendar({2024: full.years[2024], 2026: full.years[2026]})
    with pytest.raises(CalendarNotPublished, match="2025"):
        gapped.add_working_days(date(2024, 12, 20), 20)
    with pytest.raises(CalendarNotPublished, match="2025"):
        gapped.working_days_between(date(2024, 12, 1), date(2026, 1, 10))


def test_negative_day_count_is_refused(literal_calendar: WorkingCalendar) -> None:
    with pytest.raises(InvalidInput, match="negative"):
        literal_calendar.add_working_days(date(2026, 1, 5), -1)


def test_describe_day_names_the_holiday(literal_calendar: WorkingCalendar) -> None:
    info = literal_calendar.describe_day(date(2026, 10, 10))
    assert (info.working, info.kind.value) == (True, "makeup")


# -- properties ---------------------------------------------------------------

FIRST, LAST = date(2024, 1, 1), date(2026, 9, 30)  # leave room for 60 WD inside 2026
starts = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=60)
CALENDAR = domain_calendar()


@given(starts, st.integers(min_value=1, max_value=60))
def test_result_is_always_a_working_day_after_the_start(start: date, days: int) -> None:
    result = CALENDAR.add_working_days(start, days)
    assert result > start
    assert CALENDAR.is_working_day(result)


@given(starts, counts, counts)
def test_monotonic_in_n(start: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert CALENDAR.add_working_days(start, low) <= CALENDAR.add_working_days(start, high)


@given(starts, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_addition_composes(start: date, a: int, b: int) -> None:
    assert CALENDAR.add_working_days(CALENDAR.add_working_days(start, a), b) == (
        CALENDAR.add_working_days(start, a + b)
    )


@given(starts, st.integers(min_value=1, max_value=60))
def test_between_inverts_add(start: date, days: int) -> None:
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, days)) == days


@settings(max_examples=50)
@given(starts, st.integers(min_value=1, max_value=60))
def test_matches_a_day_by_day_count(start: date, days: int) -> None:
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += CALENDAR.is_working_day(day)
    assert CALENDAR.add_working_days(start, days) == day
