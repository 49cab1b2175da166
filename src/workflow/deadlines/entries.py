"""A clock's ledger entries, and the deadline they derive to (``ledger.derive``).

``ClockEntry`` is one dated fact about a clock, as the store keeps it; ``Deadline`` is
what the entries mean as of the calendar: due date, status, the working days left,
and the explanation a person reads, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from workflow.codes import ClockStatus
from workflow.deadlines.calendar import WorkingCalendar


class EntryKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    RESTART = "restart"
    EXTEND = "extend"
    SET_DUE = "set_due"
    STOP = "stop"


@dataclass(frozen=True, slots=True)
class ClockEntry:
    """One dated fact about a clock."""

    kind: EntryKind
    on: date
    days: int | None = None  # start: length; extend: added days
    due_on: date | None = None  # set_due: the explicit date
    reason: str | None = None  # pause, set_due, stop
    approver: str | None = None  # extend

    @classmethod
    def start(cls, on: date, days: int) -> ClockEntry:
        return cls(EntryKind.START, on, days=days)

    @classmethod
    def pause(cls, on: date, reason: str) -> ClockEntry:
        return cls(EntryKind.PAUSE, on, reason=reason)

    @classmethod
    def resume(cls, on: date) -> ClockEntry:
        return cls(EntryKind.RESUME, on)

    @classmethod
    def restart(cls, on: date, days: int | None = None) -> ClockEntry:
        """Count again in full from ``on``; ``days`` replaces the length (a period an
        appeal decision set for the re-decision)."""
        return cls(EntryKind.RESTART, on, days=days)

    @classmethod
    def extend(cls, on: date, days: int, approver: str) -> ClockEntry:
        return cls(EntryKind.EXTEND, on, days=days, approver=approver)

    @classmethod
    def set_due(cls, on: date, due_on: date, reason: str) -> ClockEntry:
        return cls(EntryKind.SET_DUE, on, due_on=due_on, reason=reason)

    @classmethod
    def stop(cls, on: date, reason: str) -> ClockEntry:
        return cls(EntryKind.STOP, on, reason=reason)


@dataclass(frozen=True, slots=True)
class Step:
    """One line of an explanation, with the due date as it stood after the step."""

    on: date
    kind: EntryKind
    text: str
    due_on: date | None


@dataclass(frozen=True, slots=True)
class Deadline:
    """What a clock's ledger means: its due date, status and explanation."""

    status: ClockStatus
    due_on: date | None
    length: int  # the statutory length in WD as started
    remaining_at_pause: int | None  # WD left when paused or stopped (negative: overdue)
    extended_by: int
    status_since: date
    version: int  # number of entries: any change gives a new version (timer idempotency)
    steps: tuple[Step, ...] = field(default=())
    # Flagged: the count runs into this year, whose schedule is not loaded (due_on is None).
    awaiting_year: int | None = None
    # While a flagged clock runs: the due date is the counted_days-th WD after counted_from.
    counted_from: date | None = None
    counted_days: int | None = None

    @property
    def running(self) -> bool:
        return self.status is ClockStatus.RUNNING

    @property
    def explanation(self) -> list[str]:
        return [step.text for step in self.steps]

    def remaining_workdays(self, calendar: WorkingCalendar, as_of: date) -> int:
        """WD left after ``as_of`` up to the due date; 0 when due today or overdue.

        Exact for a flagged clock too: its due date is unknown, its count is not.
        """
        return max(0, self._left(calendar, as_of))

    def overdue_workdays(self, calendar: WorkingCalendar, as_of: date) -> int:
        """WD elapsed since the due date (for a stopped clock: how late it stopped)."""
        return max(0, -self._left(calendar, as_of))

    def _left(self, calendar: WorkingCalendar, as_of: date) -> int:
        if self.status is not ClockStatus.RUNNING:
            assert self.remaining_at_pause is not None
            return self.remaining_at_pause
        if self.counted_from is not None and self.counted_days is not None:
            # the due date is the counted_days-th WD after counted_from, wherever it falls
            return self.counted_days - calendar.working_days_between(self.counted_from, as_of)
        assert self.due_on is not None  # a running clock that is not flagged has a due date
        return calendar.working_days_between(as_of, self.due_on)
