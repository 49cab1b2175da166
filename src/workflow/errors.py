"""The project's one exception tree, branched by who can fix the error.

Every error the project raises on purpose is a ``WorkflowError``. Its class says who
can act on it, and its ``exit_code`` is what the command line exits with (the web API
maps the same classes to HTTP statuses)::

    WorkflowError                     exit 1  anything else that failed
    ├── InvalidInput                  exit 2  the caller: a bad argument, date, count, code, file
    │   ├── CaseNotFound                      no case by that number
    │   ├── TransitionRejected                trigger not allowed here, or a guard refused it
    │   │   └── MissingInputs                 every input the step and its letters lack, at once
    │   ├── ImportRejected                    bad rows in an import file (row, field)
    │   ├── NoticeParseError                  a notice line that could not be read (quoted)
    │   ├── ConstraintViolation               the store refused a change (constraint name)
    │   └── LetterError                       a letter cannot be made, found or rendered
    ├── TryAgain                      exit 3  nobody: the same command may succeed later
    │   ├── StaleCase                         the case changed since it was loaded
    │   ├── RequestInProgress                 a call with the same Idempotency-Key is running
    │   └── StoreBusy                         another writer holds the store
    ├── ConfigError                   exit 4  the operator: a file or setting (path, key)
    │   ├── DefinitionError                   a malformed definition (file, line, key)
    │   ├── CalendarFileError                 a malformed calendar year file
    │   └── CalendarNotPublished              a date in a year with no loaded calendar
    ├── CorruptData                   exit 5  the data: stored rows that contradict each other
    │   ├── CorruptCase                       one case's rows (case)
    │   └── LedgerError                       a clock ledger that cannot be read
    ├── StoreUnavailable              exit 6  the store cannot be reached or has no schema
    ├── AccessError                   exit 7  staff access (the service)
    │   ├── NotAuthenticated                  no valid session or token, or a wrong password
    │   ├── Forbidden                         authenticated, but the roles do not allow it
    │   └── Throttled                         too many failed logins; retry after N seconds
    └── DeliveryError                 exit 1  a message could not be delivered (channel)

Context is attached where it is known, not where the error is raised: code that works
on one case wraps its work in ``with case_context(number):``, and every
``WorkflowError`` raised inside names that case once, in ``case`` and in its message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, NamedTuple


class WorkflowError(Exception):
    """Root of every error the project raises on purpose."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, case: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.case = case

    def __str__(self) -> str:
        return f"{self.case}: {self.message}" if self.case else self.message


@contextmanager
def case_context(number: str | None) -> Iterator[None]:
    """Name case ``number`` on every ``WorkflowError`` raised inside, unless one is named."""
    try:
        yield
    except WorkflowError as error:
        if number is not None and error.case is None:
            error.case = number
        raise


# -- the caller ------------------------------------------------------------------------


class InvalidInput(WorkflowError):
    """What the caller supplied or asked for is not acceptable."""

    exit_code = 2


class CaseNotFound(InvalidInput):
    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"no case numbered {number!r}")


class TransitionRejected(InvalidInput):
    """A trigger cannot fire: wrong state, or a guard the law implies refused it."""

    def __init__(
        self,
        case: str,
        trigger: str,
        state: str,
        allowed: Sequence[str],
        reasons: Sequence[str] = (),
    ) -> None:
        self.trigger = trigger
        self.state = state
        self.allowed = tuple(allowed)
        self.reasons = tuple(reasons)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none"
        if self.reasons:
            message = f"{trigger} refused in state {state}: " + "; ".join(self.reasons)
        else:
            message = f"{trigger} is not allowed in state {state}; allowed: {allowed_text}"
        super().__init__(message, case=case)


class Needed(NamedTuple):  # not a dataclass: this module imports nothing (start-up)
    """An input a step lacks: one option, or any one of ``options``; ``what`` says in
    Chinese what it is, ``why`` (English) who needs it: a guard's reason, or the letter."""

    options: tuple[str, ...]
    what: str
    why: str = ""

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple("--" + name.replace("_", "-") for name in self.options)

    def text(self) -> str:
        return " 或 ".join(self.flags) + f"（{self.what}）"


class MissingInputs(TransitionRejected):
    """A step refused for the inputs it lacks: all of them at once, the trigger's own and
    those the letters it would issue need, and any other reason it was refused."""

    def __init__(
        self,
        case: str,
        trigger: str,
        state: str,
        allowed: Sequence[str],
        missing: Sequence[Needed],
        reasons: Sequence[str] = (),
        *,
        label: str | None = None,
    ) -> None:
        self.missing = tuple(dict.fromkeys(missing))
        self.others = others = tuple(reasons)
        self.label = label
        why = [needed.why for needed in self.missing if needed.why]
        super().__init__(case, trigger, state, allowed, tuple(dict.fromkeys([*why, *others])))
        step = f"{label} [{trigger}]" if label else trigger
        message = f"{step} 未执行，缺少：" + "；".join(needed.text() for needed in self.missing)
        if others:
            message += "；另：" + "; ".join(others)
        self.message = message + "。未记录任何内容"

    def adding(self, missing: Sequence[Needed]) -> MissingInputs:
        """The same refusal, naming ``missing`` too (what the step's letters need)."""
        known = {needed.options for needed in self.missing}
        more = [needed for needed in missing if needed.options not in known]
        error = MissingInputs(
            self.case or "", self.trigger, self.state, self.allowed, [*self.missing, *more],
            self.others, label=self.label,
        )  # fmt: skip
        error.case = self.case
        return error


class ImportRejected(InvalidInput):
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


class NoticeParseError(InvalidInput):
    """A holiday notice could not be read; never guessed."""

    def __init__(self, sentence: str, problem: str) -> None:
        self.sentence = sentence
        self.problem = problem
        super().__init__(f"cannot read the notice: {problem}: «{sentence}»")


class ConstraintViolation(InvalidInput):
    """The store refused a change that contradicts what it holds (a duplicate, say)."""

    def __init__(self, constraint: str | None, detail: str) -> None:
        self.constraint = constraint
        super().__init__(f"the store refused the change ({constraint or 'a constraint'}): {detail}")


class LetterError(InvalidInput):
    """A letter cannot be made, found or rendered from what was given.

    ``template`` names the letter template when the template itself is at fault (an
    operator's override), ``kind`` the letter.
    """

    def __init__(
        self,
        message: str,
        *,
        case: str | None = None,
        kind: str | None = None,
        template: str | None = None,
        missing: tuple[Needed, ...] = (),  # the inputs that would make it writable
    ) -> None:
        super().__init__(message, case=case)
        self.kind = kind
        self.template = template
        self.missing: tuple[Needed, ...] = missing


# -- nobody: try again ---------------------------------------------------------------


class TryAgain(WorkflowError):
    """Nothing is wrong with the request; the same command may succeed in a moment."""

    exit_code = 3


class StaleCase(TryAgain):
    """Optimistic lock failure: somebody else changed the case first."""

    def __init__(self, case: str, current_version: int | None = None) -> None:
        self.current_version = current_version
        super().__init__("case changed since you loaded it; reload it and try again", case=case)


class RequestInProgress(TryAgain):
    """The first call made with an idempotency key has not finished."""

    def __init__(self) -> None:
        super().__init__("a call with this Idempotency-Key is still running; retry later")


class StoreBusy(TryAgain):
    """Another writer held the store longer than a command waits for it."""

    def __init__(self, waited_seconds: float) -> None:
        self.waited_seconds = waited_seconds
        super().__init__(
            f"the store is busy (another command held it for over {waited_seconds:g} s), try again"
        )


# -- the operator ----------------------------------------------------------------------


class ConfigError(WorkflowError):
    """A file or setting the operator maintains is wrong: ``path`` and ``key`` say where."""

    exit_code = 4

    def __init__(self, problem: str, *, path: Path | str | None = None, key: str = "") -> None:
        self.path = None if path is None else str(path)
        self.key = key
        self.problem = problem
        where = ": ".join(part for part in (self.path, key) if part)
        super().__init__(f"{where}: {problem}" if where else problem)


class DefinitionError(ConfigError):
    """A workflow definition is malformed; names the file, line and key."""

    def __init__(self, path: Path | str, line: int | None, key: str, problem: str) -> None:
        self.line = line
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(problem, path=path, key=key)
        self.message = f"{where}: {key}: {problem}" if key else f"{where}: {problem}"


class CalendarFileError(ConfigError):
    """A calendar year file is malformed."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(problem, path=path)


class CalendarNotPublished(ConfigError):
    """A date falls in a year whose holiday schedule is not loaded."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"no working-day calendar is loaded for {year}: the State Council publishes each "
            f"year's holiday notice in Oct-Dec of the year before; once it is out, run "
            f"`workflow calendar import-notice NOTICE.txt` (or `workflow calendar load "
            f"{year}.yaml`)"
        )


# -- the data --------------------------------------------------------------------------


class CorruptData(WorkflowError):
    """Stored rows contradict each other: a bug or a hand edit, for whoever keeps the data."""

    exit_code = 5


class CorruptCase(CorruptData):
    """One case's stored rows cannot be used as they are."""

    def __init__(self, case: str, problem: str) -> None:
        super().__init__(problem, case=case)


class LedgerError(CorruptData):
    """A clock ledger's entries cannot be read in order (``clock`` names it)."""

    def __init__(self, clock: str, problem: str) -> None:
        self.clock = clock
        super().__init__(f"{clock}: {problem}")


# -- the store and the outside world ---------------------------------------------------


class StoreUnavailable(WorkflowError):
    """The store cannot be reached, or holds no (or an older) workflow schema."""

    exit_code = 6


class DeliveryError(WorkflowError):
    """An outbox message could not be delivered; ``channel`` says through what."""

    def __init__(self, message: str, *, channel: str | None = None) -> None:
        super().__init__(message)
        self.channel = channel


class AccessError(WorkflowError):
    """Who may do what: logins, sessions, tokens, roles."""

    exit_code = 7


class NotAuthenticated(AccessError):
    """No valid session or token, or a wrong name or password (never says which)."""


class Forbidden(AccessError):
    """The caller is known, but no role of theirs allows this here."""


class Throttled(AccessError):
    """Too many failed logins for an account or from an address."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
