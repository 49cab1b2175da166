"""An agency's turn among this process's commands whose letters are rendered ahead.

Two commands of one agency that issue letters want the same numbers (the case number,
the agency's 文号 counter): rendered side by side, the one that commits second finds its
letter's number taken and renders it again, its last attempt under the store's write lock
(``letters/ahead.py``). Under load that was most commands: eight clients opening cases of
one agency got fewer through than one. So a command renders its letters in its agency's
turn, held until it has committed; a command that had to wait for the turn learns its
letters' contexts again before rendering. Other agencies' commands never wait for it, and
commands in other processes still meet at the store's counters.
"""

from __future__ import annotations

import threading

from workflow.errors import StoreBusy


class AgencyTurns:
    """A lock per agency, made on first use; shared by an issuer's commands."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def take(self, agency: str, wait: float) -> tuple[threading.Lock, bool]:
        """The agency's turn, taken; and whether another command held it first (its
        numbers may since have moved). ``StoreBusy`` after ``wait`` seconds."""
        with self._guard:
            lock = self._locks.setdefault(agency, threading.Lock())
        if lock.acquire(blocking=False):
            return lock, False
        if not lock.acquire(timeout=wait):
            raise StoreBusy(wait)
        return lock, True
