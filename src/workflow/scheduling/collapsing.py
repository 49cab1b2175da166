"""One reminder per clock per sweep: the most urgent of a clock's due reminders speaks for all.

Several reminders of one clock fall due in one sweep after downtime, for a case
registered late, or when a recompute brings a deadline nearer. Sending each would
tell the same person the same thing several times, each message already saying
how the deadline stands on the sweep day. So the most urgent one is sent, naming
the others it replaces, and the others are marked done without a message.

The most urgent reminder is the one planned last (nearest to, or past, the due
date); on the same day an overdue reminder outranks "due today", which outranks
"N days before".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from workflow.scheduling.reminder_context import occasion
from workflow.store.records import TimerRecord

_RANK = {"before": 0, "on_due": 1}  # anything else is an overdue reminder: 2


@dataclass(frozen=True)
class ReminderGroup:
    """A clock's due reminders in one sweep: the one sent, and those it replaces."""

    sent: TimerRecord
    replaced: tuple[TimerRecord, ...]  # earliest planned first


def urgency(timer: TimerRecord) -> tuple[date, int, int]:
    kind, days_before = occasion(timer.name)
    return timer.due_on, _RANK.get(kind, 2), -(days_before or 0)


def one_per_clock(reminders: Iterable[TimerRecord]) -> list[ReminderGroup]:
    """Group due reminder timers by clock; in the order their clocks first appear."""
    by_clock: dict[str, list[TimerRecord]] = {}
    for timer in reminders:
        by_clock.setdefault(timer.clock, []).append(timer)
    groups: list[ReminderGroup] = []
    for timers in by_clock.values():
        ordered = sorted(timers, key=urgency)
        groups.append(ReminderGroup(ordered[-1], tuple(ordered[:-1])))
    return groups
