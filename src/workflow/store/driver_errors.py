"""What a driver's error means for who can act on it, for either store and either path.

A unit of work through SQLAlchemy (``database.store_error``) and a plain SQLite read
(``rows.sqlite_rows``) raise the same error tree's class for the same driver error.
"""

from __future__ import annotations

from workflow.errors import (
    ConstraintViolation,
    InvalidInput,
    StoreBusy,
    StoreUnavailable,
    WorkflowError,
)

# SQLSTATEs (PostgreSQL) and result codes (SQLite) of a lock not had in time.
_BUSY_STATES = {"55P03", "40001", "40P01"}  # lock_not_available, serialization, deadlock
_BUSY_CODES = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_TIMEOUT"}
_MISSING_STATES = {"42P01", "42703"}  # undefined_table, undefined_column
# A write the disk refused: full (ENOSPC: SQLITE_FULL, PostgreSQL's disk_full), or over a
# file size limit (EFBIG, which SQLite reports as a failed write).
_FULL_STATES = {"53100"}
_FULL_CODES = {"SQLITE_FULL", "SQLITE_IOERR_WRITE"}


def classify(
    error: BaseException,
    lock_wait: float,
    *,
    integrity: bool = False,
    constraint: str | None = None,
) -> WorkflowError:
    """The error tree's class for the driver's ``error`` (psycopg's or sqlite3's);
    ``integrity``: a constraint refused the write (``constraint``, if known, by name)."""
    cause = first_line(error)
    state = getattr(error, "sqlstate", None)
    code = getattr(error, "sqlite_errorname", None)
    if state in _BUSY_STATES or code in _BUSY_CODES:
        return StoreBusy(lock_wait)
    if integrity or state == "P0001":  # P0001: a trigger's RAISE
        return ConstraintViolation(constraint, cause)
    if state in _FULL_STATES or code in _FULL_CODES:
        return StoreUnavailable(
            f"the store could not write to its disk ({cause}): the disk is full or the file "
            "is over its size limit; nothing of this command was stored: free space, then "
            "run it again"
        )
    if state in _MISSING_STATES or cause.startswith(("no such table", "no such column")):
        return StoreUnavailable(
            f"the store has no workflow schema, or an older one ({cause}): run `workflow init` "
            "to create or upgrade it"
        )
    if (state or "").startswith("22") or code in ("SQLITE_TOOBIG", "SQLITE_MISMATCH"):
        return InvalidInput(f"the store refused a value: {cause}")  # data exception class
    return StoreUnavailable(f"the store cannot be used: {cause}")


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
