"""The project's one exception tree.

Every error a user can cause is a ``WorkflowError``; the command line maps the
root to a one-line message and an exit code in one place (``cli``)::

    WorkflowError
    ├── CalendarError
    │   ├── CalendarNotPublished      a date in a year with no loaded calendar
    │   ├── CalendarFileError         a malformed year file (file, date, problem)
    │   └── NoticeParseError          a notice sentence that could not be read
    ├── DefinitionError               a malformed definition (file, line, key)
    ├── InvalidInput                  a bad argument: date, count, code, option
    ├── CaseNotFound
    ├── TransitionRejected            trigger not allowed here, or a guard refused it
    ├── StaleCase                     the case changed since it was loaded
    ├── RequestInProgress             a call with the same Idempotency-Key is still running
    ├── ImportRejected                bad rows in an import file (row, field)
    ├── LetterError                   a letter could not be rendered
    ├── DeliveryError                 a message could not be delivered
    └── AccessError                   staff access (the service)
        ├── NotAuthenticated          no valid session or token, or a wrong password
        ├── Forbidden                 authenticated, but the roles do not allow it
        └── Throttled                 too many failed logins; retry after N seconds
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class WorkflowError(Exception):
    """Root of every error the project raises on purpose."""

    exit_code = 2


class CalendarError(WorkflowError):
    """A problem with the official working-day calendar."""


class CalendarNotPublished(CalendarError):
    """A date falls in a year whose holiday schedule is not loaded."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"no working-day calendar is loaded for {year}: the State Council publishes each "
            f"year's holiday notice in Oct-Dec of the year before; once it is out, run "
            f"`workflow calendar import-notice NOTICE.txt` (or add {year}.yaml to the directory "
            f"given by --calendars / WORKFLOW_CALENDARS)"
        )


class CalendarFileError(CalendarError):
    """A calendar year file is malformed."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class NoticeParseError(CalendarError):
    """A holiday notice could not be read; never guessed."""

    def __init__(self, sentence: str, problem: str) -> None:
        self.sentence = sentence
        self.problem = problem
        super().__init__(f"cannot read the notice: {problem}: «{sentence}»")


class DefinitionError(WorkflowError):
    """A workflow definition is malformed; names the file, line and key."""

    def __init__(self, path: Path | str, line: int | None, key: str, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.key = key
        self.problem = problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class InvalidInput(WorkflowError):
    """An argument a user supplied is not acceptable."""


class CaseNotFound(WorkflowError):
    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"no case numbered {number!r}")


class TransitionRejected(WorkflowError):
    """A trigger cannot fire: wrong state, or a guard the law implies refused it."""

    def __init__(
        self,
        case: str,
        trigger: str,
        state: str,
        allowed: Sequence[str],
        reasons: Sequence[str] = (),
    ) -> None:
        self.case = case
        self.trigger = trigger
        self.state = state
        self.allowed = tuple(allowed)
        self.reasons = tuple(reasons)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none"
        if self.reasons:
            message = f"{case}: {trigger} refused in state {state}: " + "; ".join(self.reasons)
        else:
            message = f"{case}: {trigger} is not allowed in state {state}; allowed: {allowed_text}"
        super().__init__(message)


class StaleCase(WorkflowError):
    """Optimistic lock failure: somebody else changed the case first."""

    def __init__(self, case: str, current_version: int | None = None) -> None:
        self.case = case
        self.current_version = current_version
        super().__init__(f"{case}: case changed since you loaded it; reload it and try again")


class RequestInProgress(WorkflowError):
    """The first call made with an idempotency key has not finished."""

    def __init__(self) -> None:
        super().__init__("a call with this Idempotency-Key is still running; retry later")


class ImportRejected(WorkflowError):
    """An import file has bad rows; nothing was imported."""

    def __init__(self, path: Path | str, problems: Sequence[tuple[int, str, str]]) -> None:
        self.path = str(path)
        self.problems = tuple(problems)
        lines = [f"row {row}: {field}: {problem}" for row, field, problem in self.problems]
        rows = len({row for row, _, _ in self.problems})
        super().__init__(
            f"{path}: {rows} bad row(s), {len(self.problems)} problem(s), nothing imported\n"
            + "\n".join(lines)
        )


class LetterError(WorkflowError):
    """A letter could not be rendered or found."""


class DeliveryError(WorkflowError):
    """An outbox message could not be delivered."""


class AccessError(WorkflowError):
    """Who may do what: logins, sessions, tokens, roles."""


class NotAuthenticated(AccessError):
    """No valid session or token, or a wrong name or password (never says which)."""


class Forbidden(AccessError):
    """The caller is known, but no role of theirs allows this here."""


class Throttled(AccessError):
    """Too many failed logins for an account or from an address."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
