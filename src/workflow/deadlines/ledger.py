"""The clock ledger: a statutory clock as a list of dated entries, and what follows from it.

A clock is never a date column. It is started, paused (with a reason), resumed,
restarted in full, extended (days, approver), given an explicit date (Art. 35),
or stopped; the due date and a step-by-step explanation are derived from the
entries and the calendar, so they can be recomputed and shown to a person.

Pause arithmetic (DOMAIN.md §1), exactly:

* WD used = working days strictly after the clock's anchor (its start, or the
  last resume) up to and including the pause date;
* at resume, the remaining WD are counted from the day after the resume date.

A clock that was already overdue when paused keeps its due date; the time it
was overdue is not given back by the pause.

A count that runs past the last loaded calendar year does not raise: the clock
is *flagged*. Its due date is unknown (``due_on`` None) and ``awaiting_year``
names the year whose holiday schedule it waits for; the working days left are
still exact (they are a count, not a date), and re-deriving the ledger once the
year is loaded gives the date. A date someone states (an entry's date, an
explicit due date) must lie in a loaded year: that is still refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from workflow.codes import ClockStatus
from workflow.deadlines.calendar import WorkingCalendar
from workflow.deadlines.entries import ClockEntry, Deadline, EntryKind, Step
from workflow.errors import CalendarNotPublished, LedgerError


def derive(
    entries: Sequence[ClockEntry], calendar: WorkingCalendar, label: str = "clock"
) -> Deadline:
    """Replay a clock's entries over the calendar: due date, status and explanation.

    Remembered for the last few ledgers: a handler's step derives the ledger it loads
    (its guards), and the ledger after it twice (the period its event states, the
    clocks row), and the next step on the case loads that ledger again.
    """
    return _remembered(tuple(entries), _Same(calendar), label)


class _Same:
    """A calendar as a cache key: the same object, not an equal one (the key holds it,
    so its identity is not reused while remembered)."""

    __slots__ = ("calendar",)

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar

    def __hash__(self) -> int:
        return id(self.calendar)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.calendar is self.calendar


@lru_cache(maxsize=512)
def _remembered(entries: tuple[ClockEntry, ...], calendar: _Same, label: str) -> Deadline:
    if not entries:
        raise LedgerError(label, "a clock needs a start entry")
    replay = _Replay(calendar.calendar, label)
    for entry in entries:
        replay.apply(entry)
    return replay.result(len(entries))


# The status each kind of entry leaves a clock in; an extension leaves it as it was.
_STATUS_AFTER = {
    EntryKind.START: ClockStatus.RUNNING,
    EntryKind.PAUSE: ClockStatus.PAUSED,
    EntryKind.RESUME: ClockStatus.RUNNING,
    EntryKind.RESTART: ClockStatus.RUNNING,
    EntryKind.SET_DUE: ClockStatus.RUNNING,
    EntryKind.STOP: ClockStatus.STOPPED,
}


def status_of(entries: Iterable[ClockEntry]) -> ClockStatus | None:
    """The status ``derive`` would give (None before a start), without the calendar.

    What an effect asks before it pauses, resumes or stops a clock; deriving the
    whole deadline for it was most of a step's arithmetic.
    """
    status: ClockStatus | None = None
    for entry in entries:
        status = _STATUS_AFTER.get(entry.kind, status)
    return status


def derive_all(
    ledgers: Iterable[tuple[str, Sequence[ClockEntry]]], calendar: WorkingCalendar
) -> dict[str, Deadline]:
    return {name: derive(entries, calendar, name) for name, entries in ledgers}


class _Replay:
    def __init__(self, calendar: WorkingCalendar, label: str) -> None:
        self.calendar = calendar
        self.label = label
        self.status: ClockStatus | None = None
        self.anchor = date.min
        self.remaining = 0  # WD counted from the anchor (running) or left (paused/stopped)
        self.length = 0
        self.extended_by = 0
        self.due: date | None = None
        self.awaiting: int | None = None  # the unloaded year a flagged count runs into
        self.explicit_due = False
        self.since = date.min
        self.last_on: date | None = None
        self.steps: list[Step] = []
        self._pause_reason = ""
        self._pause_used = 0

    def apply(self, entry: ClockEntry) -> None:
        if self.last_on is not None and entry.on < self.last_on:
            raise LedgerError(
                self.label,
                f"{entry.kind} on {entry.on} is before the previous entry ({self.last_on})",
            )
        if self.status is None and entry.kind is not EntryKind.START:
            raise LedgerError(self.label, f"the first entry must be a start, not {entry.kind}")
        handler = getattr(self, f"_{entry.kind.value}")
        handler(entry)
        self.last_on = entry.on

    def result(self, version: int) -> Deadline:
        assert self.status is not None
        running = self.status is ClockStatus.RUNNING
        counting = running and self.due is None
        return Deadline(
            status=self.status,
            due_on=self.due,
            length=self.length,
            remaining_at_pause=None if running else self.remaining,
            extended_by=self.extended_by,
            status_since=self.since,
            version=version,
            steps=tuple(self.steps),
            awaiting_year=self.awaiting,
            counted_from=self.anchor if counting else None,
            counted_days=self.remaining if counting else None,
        )

    def _note(self, entry: ClockEntry, text: str) -> None:
        self.steps.append(Step(entry.on, entry.kind, text, self.due))

    def _require(self, entry: ClockEntry, *allowed: ClockStatus) -> None:
        if self.status not in allowed:
            raise LedgerError(
                self.label, f"cannot {entry.kind} on {entry.on}: the clock is {self.status}"
            )

    def _days(self, entry: ClockEntry) -> int:
        if entry.days is None or entry.days < 0:
            raise LedgerError(self.label, f"{entry.kind} needs a non-negative number of days")
        return entry.days

    def _run_from(self, anchor: date, remaining: int) -> None:
        self.status = ClockStatus.RUNNING
        self.anchor = anchor
        self.remaining = remaining
        if not self.explicit_due and remaining > 0:
            self._count_due(anchor, remaining)
        elif self.due is None and self.awaiting is None:
            self.due = anchor

    def _count_due(self, anchor: date, days: int) -> None:
        """The due date ``days`` WD after ``anchor``, or flagged when they run into an
        unloaded year."""
        try:
            self.due = self.calendar.add_working_days(anchor, days)
            self.awaiting = None
        except CalendarNotPublished as missing:
            self.due = None
            self.awaiting = missing.year

    def _due_text(self) -> str:
        """'due D', or what is known of a flagged due date (what the running count needs)."""
        if self.due is not None:
            return f"{self.due}到期"
        missing = (
            f"{self.awaiting}年，该年节假日安排尚未载入，载入后即确定到期日"
            "（workflow calendar import-notice）"
        )
        if self.status is not ClockStatus.RUNNING or not self.calendar.covers(self.anchor):
            return f"到期日未定：期限计入{missing}"
        end = self.calendar.loaded_through(self.anchor)
        within = self.calendar.working_days_between(self.anchor, end)
        rest = self.remaining - within
        return f"其中{within}个工作日计至{end}，其余{rest}个计入{missing}"

    def _start(self, entry: ClockEntry) -> None:
        if self.status is not None:
            raise LedgerError(self.label, "already started; use restart")
        days = self._days(entry)
        self.length = days
        self.since = entry.on
        self._run_from(entry.on, days)
        self._note(entry, f"自{entry.on}起{days}个工作日：{self._due_text()}")

    def _pause(self, entry: ClockEntry) -> None:
        self._require(entry, ClockStatus.RUNNING)
        used = self.calendar.working_days_between(self.anchor, entry.on)
        if self.explicit_due:
            assert self.due is not None  # an explicit due date is a stated date
            self.remaining = self.calendar.working_days_between(entry.on, self.due)
        else:
            self.remaining -= used
        self.status = ClockStatus.PAUSED
        self.since = entry.on
        self._pause_reason = entry.reason or "未注明原因"
        self._pause_used = used
        self._note(
            entry,
            f"自{entry.on}起暂停（{self._pause_reason}）：已用{used}个工作日，"
            f"剩余{self.remaining}个",
        )

    def _resume(self, entry: ClockEntry) -> None:
        self._require(entry, ClockStatus.PAUSED)
        paused_on = self.since
        self.since = entry.on
        # the pause line is rewritten now that the pause has an end
        self.steps[-1] = Step(
            paused_on,
            EntryKind.PAUSE,
            f"{paused_on}至{entry.on}暂停（{self._pause_reason}）：已用{self._pause_used}个"
            f"工作日，剩余{self.remaining}个",
            self.due,
        )
        if self.explicit_due and self.remaining <= 0:
            # resumed after the date set: that date stays the due date (overdue)
            self.status = ClockStatus.RUNNING
            self.anchor = entry.on
        else:
            self.explicit_due = False  # the days left count from here, like any clock's
            self._run_from(entry.on, self.remaining)
        if self.remaining > 0:
            self._note(
                entry, f"{entry.on}恢复计算：剩余{self.remaining}个工作日，{self._due_text()}"
            )
        else:
            self._note(entry, f"{entry.on}恢复计算：已于{self.due}到期，现已超期")

    def _restart(self, entry: ClockEntry) -> None:
        self._require(entry, ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.STOPPED)
        self.explicit_due = False
        self.extended_by = 0
        self.since = entry.on
        if entry.days is not None:
            self.length = self._days(entry)
        self._run_from(entry.on, self.length)
        self._note(entry, f"自{entry.on}起重新计算：{self.length}个工作日，{self._due_text()}")

    def _extend(self, entry: ClockEntry) -> None:
        self._require(entry, ClockStatus.RUNNING, ClockStatus.PAUSED)
        days = self._days(entry)
        approver = entry.approver or "未注明"
        self.extended_by += days
        self.remaining += days
        if self.status is ClockStatus.RUNNING:
            self.explicit_due = False
            self._run_from(self.anchor, self.remaining)
        outcome = self._due_text()
        if self.due is None and self.status is ClockStatus.RUNNING:
            outcome = f"自{self.anchor}起{self.remaining}个工作日，{outcome}"
        self._note(entry, f"延长{days}个工作日，{approver}于{entry.on}批准：{outcome}")

    def _set_due(self, entry: ClockEntry) -> None:
        self._require(entry, ClockStatus.RUNNING, ClockStatus.PAUSED)
        if entry.due_on is None or entry.due_on < entry.on:
            raise LedgerError(self.label, f"an explicit due date must be on or after {entry.on}")
        self.explicit_due = True
        self.due = entry.due_on
        self.awaiting = None
        self.since = entry.on
        self.status = ClockStatus.RUNNING
        self.anchor = entry.on
        self.remaining = self.calendar.working_days_between(entry.on, entry.due_on)
        reason = f"（{entry.reason}）" if entry.reason else ""
        self._note(entry, f"{entry.on}确定到期日为{entry.due_on}{reason}")

    def _stop(self, entry: ClockEntry) -> None:
        self._require(entry, ClockStatus.RUNNING, ClockStatus.PAUSED)
        if self.status is ClockStatus.RUNNING and self.due is None:
            # flagged: the due date is unknown, the WD left to it are not
            self.remaining -= self.calendar.working_days_between(self.anchor, entry.on)
        elif self.status is ClockStatus.RUNNING:
            assert self.due is not None
            self.remaining = self.calendar.working_days_between(entry.on, self.due)
        self.status = ClockStatus.STOPPED
        self.since = entry.on
        reason = f"（{entry.reason}）" if entry.reason else ""
        due = f"到期日{self.due}" if self.due else f"到期日（在{self.awaiting}年，尚未载入）"
        if self.remaining >= 0:
            timing = f"比{due}提前{self.remaining}个工作日"
        else:
            timing = f"比{due}晚{-self.remaining}个工作日"
        self._note(entry, f"{entry.on}停止{reason}：{timing}")
