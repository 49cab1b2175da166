"""A ledger's rows as clock entries: one case's ledgers read as plain SQL (``store.rows``).

``case show`` reads them so, importing no SQLAlchemy on SQLite; a step reads the same rows
through ``ledgers.load_ledgers``'s prepared statement. Both build the entries here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from workflow.deadlines import ClockEntry, EntryKind
from workflow.store.rows import Rows, day, rows_of

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

Ledgers = dict[str, tuple[ClockEntry, ...]]

# A lookup first: ``EntryKind(value)`` cost a step more than reading its row.
_KINDS = {kind.value: kind for kind in EntryKind}

_ENTRIES = (
    'SELECT clock, kind, "on", days, due_on, reason, approver FROM clock_entries'
    " WHERE case_id = :case_id ORDER BY clock, seq"
)


def clock_entry(
    kind: str, on: date, days: int | None, due_on: date | None, reason: str | None,
    approver: str | None,
) -> ClockEntry:  # fmt: skip
    return ClockEntry(_KINDS.get(kind) or EntryKind(kind), on, days, due_on, reason, approver)


def read_ledgers(reader: Rows | Session | Connection, case_id: int) -> Ledgers:
    """One case's ledgers, each clock's entries in order."""
    ledgers: dict[str, list[ClockEntry]] = {}
    for clock, kind, on, days, due_on, reason, approver in rows_of(reader).all(
        _ENTRIES, {"case_id": case_id}
    ):
        entry = clock_entry(kind, day(on), days, day(due_on), reason, approver)
        ledgers.setdefault(clock, []).append(entry)
    return {clock: tuple(entries) for clock, entries in ledgers.items()}
