"""Official working days: weekends and holidays off, make-up days on.

Pure and stdlib-only. A ``WorkingCalendar`` is built from the years the State
Council has published (``YearSchedule``); it never assumes Monday to Friday for a
year it was not given, it raises ``CalendarNotPublished`` instead.

Counting follows the general Chinese period rule: the start day is never
counted; day 1 is the first working day *after* the start.

Speed: every query is a lookup in a per-day index built once, so
``add_working_days`` costs the same for 1 day or 60 (see ``bench/``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from workflow.errors import CalendarNotPublished, InvalidInput


@dataclass(frozen=True)
class Notice:
    """The published notice a year's days came from."""

    title: str
    number: str | None = None
    date: date | None = None
    source: str | None = None


@dataclass(frozen=True)
class Holiday:
    """One paragraph of a notice: a festival's days off and its make-up working days."""

    name: str
    off: tuple[date, ...]
    makeup: tuple[date, ...] = ()
    notice: str | None = None  # the number (文号) or title of the notice it came from


@dataclass(frozen=True)
class YearSchedule:
    """One year's official arrangement."""

    year: int
    holidays: tuple[Holiday, ...]
    notices: tuple[Notice, ...] = ()
    origin: str = ""  # the file it was read from, for `calendar years`

    @property
    def off_days(self) -> frozenset[date]:
        return frozenset(day for holiday in self.holidays for day in holiday.off)

    @property
    def makeup_days(self) -> frozenset[date]:
        return frozenset(day for holiday in self.holidays for day in holiday.makeup)

    def working_day_count(self) -> int:
        start = date(self.year, 1, 1).toordinal()
        end = date(self.year, 12, 31).toordinal()
        off, makeup = self.off_days, self.makeup_days
        return sum(
            1
            for ordinal in range(start, end + 1)
            if _is_working(date.fromordinal(ordinal), off, makeup)
        )


def _is_working(day: date, off: frozenset[date], makeup: frozenset[date]) -> bool:
    if day in makeup:
        return True
    if day in off:
        return False
    return day.weekday() < 5


class DayKind(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # an official day off
    MAKEUP = "makeup"  # a weekend day worked in exchange for a holiday (调休上班)


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    kind: DayKind
    holiday: str | None


@dataclass(frozen=True)
class _Span:
    """A run of consecutive loaded years, indexed by day ordinal."""

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    # worked_through[i]: how many working days fall in base..base+i inclusive
    worked_through: tuple[int, ...]
    # ordinals of the working days in order
    working_ordinals: tuple[int, ...]


@dataclass(frozen=True)
class WorkingCalendar:
    """The loaded official years and the arithmetic over them."""

    years: Mapping[int, YearSchedule]
    _spans: dict[int, _Span] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spans: dict[int, _Span] = {}
        for span in _build_spans(self.years):
            for year in range(span.first_year, span.last_year + 1):
                spans[year] = span
        object.__setattr__(self, "_spans", spans)

    @classmethod
    def of(cls, schedules: Iterable[YearSchedule]) -> WorkingCalendar:
        return cls({schedule.year: schedule for schedule in schedules})

    def _span(self, day: date) -> _Span:
        span = self._spans.get(day.year)
        if span is None:
            raise CalendarNotPublished(day.year)
        return span

    def covers(self, day: date) -> bool:
        return day.year in self._spans

    def loaded_through(self, day: date) -> date:
        """The last day of the run of consecutive loaded years that ``day`` falls in."""
        return date(self._span(day).last_year, 12, 31)

    def is_working_day(self, day: date) -> bool:
        span = self._span(day)
        i = day.toordinal() - span.base
        before = span.worked_through[i - 1] if i else 0
        return span.worked_through[i] != before

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise InvalidInput(f"a number of working days cannot be negative (got {days})")
        span = self._span(start)
        if days == 0:
            return start
        position = span.worked_through[start.toordinal() - span.base] + days - 1
        if position >= len(span.working_ordinals):
            raise CalendarNotPublished(span.last_year + 1)
        return date.fromordinal(span.working_ordinals[position])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days strictly after ``start`` up to and including ``end``.

        Negative when ``end`` is before ``start``, so that
        ``working_days_between(a, b) == -working_days_between(b, a)``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        first, last = self._span(start), self._span(end)
        if first is not last:
            # a year between them is missing: name the first one
            year = first.last_year + 1
            raise CalendarNotPublished(year)
        return (
            last.worked_through[end.toordinal() - last.base]
            - first.worked_through[start.toordinal() - first.base]
        )

    def describe_day(self, day: date) -> DayInfo:
        """Why a day is or is not a working day."""
        self._span(day)
        for holiday in self.years[day.year].holidays:
            if day in holiday.makeup:
                return DayInfo(day, True, DayKind.MAKEUP, holiday.name)
            if day in holiday.off:
                return DayInfo(day, False, DayKind.HOLIDAY, holiday.name)
        if day.weekday() >= 5:
            return DayInfo(day, False, DayKind.WEEKEND, None)
        return DayInfo(day, True, DayKind.WEEKDAY, None)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        span = self._span(day)
        ordinal = day.toordinal()
        index = bisect_right(span.working_ordinals, ordinal - 1) - 1
        if index < 0:
            raise CalendarNotPublished(span.first_year - 1)
        return date.fromordinal(span.working_ordinals[index])

    def subtract_working_days(self, end: date, days: int) -> date:
        """The date ``d`` such that ``add_working_days(d, days) == end`` for a working ``end``.

        For reminders "N working days before the due date": the N-th working day
        before ``end``.
        """
        if days < 0:
            raise InvalidInput(f"a number of working days cannot be negative (got {days})")
        if days == 0:
            return end
        span = self._span(end)
        # working days strictly before `end`
        count_before = bisect_right(span.working_ordinals, end.toordinal() - 1)
        position = count_before - days
        if position < 0:
            raise CalendarNotPublished(span.first_year - 1)
        return date.fromordinal(span.working_ordinals[position])


def _build_spans(years: Mapping[int, YearSchedule]) -> list[_Span]:
    spans: list[_Span] = []
    run: list[int] = []
    for year in sorted(years):
        if run and year != run[-1] + 1:
            spans.append(_index(run, years))
            run = []
        run.append(year)
    if run:
        spans.append(_index(run, years))
    return spans


def _index(run: list[int], years: Mapping[int, YearSchedule]) -> _Span:
    off: set[date] = set()
    makeup: set[date] = set()
    for year in run:
        off |= years[year].off_days
        makeup |= years[year].makeup_days
    frozen_off, frozen_makeup = frozenset(off), frozenset(makeup)
    base = date(run[0], 1, 1).toordinal()
    end = date(run[-1], 12, 31).toordinal()
    worked_through: list[int] = []
    working: list[int] = []
    for ordinal in range(base, end + 1):
        if _is_working(date.fromordinal(ordinal), frozen_off, frozen_makeup):
            working.append(ordinal)
        worked_through.append(len(working))
    return _Span(run[0], run[-1], base, tuple(worked_through), tuple(working))
