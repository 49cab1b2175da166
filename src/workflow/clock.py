"""Where "now" comes from. Nothing else in the project reads the wall clock.

Business dates (receipt, decisions, deadlines) are ``datetime.date`` in China
Standard Time; ``recorded_at`` audit stamps are timezone-aware datetimes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...

    def today(self) -> date:
        """Today's date in China Standard Time."""
        ...


class SystemClock:
    """The real clock, in Asia/Shanghai (China has no daylight saving time)."""

    def now(self) -> datetime:
        return datetime.now(CHINA)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock that says what it is told: for tests, replays and back-dated runs."""

    def __init__(self, instant: datetime | date) -> None:
        self._instant = _as_instant(instant)

    def now(self) -> datetime:
        return self._instant

    def today(self) -> date:
        return self._instant.astimezone(CHINA).date()

    def set(self, instant: datetime | date) -> None:
        self._instant = _as_instant(instant)

    def advance(self, delta: timedelta) -> None:
        self._instant += delta


def in_china(instant: datetime) -> datetime:
    """A stored instant in China time. SQLite keeps no offset: the store writes every
    instant there as China wall time, so a naive one read back is China time."""
    return instant.replace(tzinfo=CHINA) if instant.tzinfo is None else instant.astimezone(CHINA)


def china_date(instant: datetime) -> date:
    """The China date of a stored instant."""
    return in_china(instant).date()


def _as_instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        return value
    return datetime(value.year, value.month, value.day, 9, 0, tzinfo=CHINA)
