"""A handler's command in attempts, so that its letters are rendered outside the write lock.

``CaseService.open`` and ``fire`` run here. With an issuer that renders ahead
(``letters/ahead.py``), an attempt that meets a letter not yet rendered rolls back, the
letter is rendered with no transaction open, and the command runs again: the write lock
is held for the command's statements, never for a template that may be slow. Quick
letters (the shipped templates in the formats of every letter) are rendered in the
first attempt, which then commits. The command runs in its agency's turn
(``letters/turns.py``), from its first attempt when the agency is known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Protocol, TypeGuard, TypeVar, runtime_checkable

from sqlalchemy.orm import Session

from workflow.deadlines import ClockEntry
from workflow.definition import WorkflowDefinition
from workflow.errors import Needed
from workflow.store.database import Database
from workflow.store.records import CaseEventRecord, CaseRecord

T = TypeVar("T")
AHEAD_ATTEMPTS = 3  # the last renders inside the transaction, so a command always completes


class LetterIssuer(Protocol):
    """Issues the letters a step produces, inside the step's transaction."""

    def issue(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
    ) -> None: ...

    def needs(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
        pending: Mapping[str, Sequence[ClockEntry]],
    ) -> list[Needed]:
        """The inputs the letters of a step not taken would need (``event`` unwritten,
        ``pending`` its clock entries); nothing is numbered or written."""
        ...


class LetterAttempts(LetterIssuer, Protocol):
    """An issuer that renders a command's letters between its attempts (``letters.ahead``)."""

    def quick(self, agency: str | None) -> bool: ...

    def begin_attempt(self, *, last: bool) -> None: ...

    def unrendered(self) -> bool: ...

    def render_wanted(self) -> None: ...

    def take_turn(self, wait: float, agency: str | None = None) -> bool: ...

    def end(self) -> None: ...


@runtime_checkable
class RendersAhead(Protocol):
    def ahead(self) -> LetterAttempts: ...


def _renders_ahead(issuer: LetterIssuer | None) -> TypeGuard[RendersAhead]:
    return issuer is not None and _renders_ahead_class(type(issuer))


@cache
def _renders_ahead_class(issuer: type[object]) -> bool:
    """Asked once per issuer class: a protocol's ``isinstance`` cost a handler's step
    more than one of its statements."""
    return issubclass(issuer, RendersAhead)


class _Unrendered(Exception):
    """Leaves an attempt's transaction without committing: a letter still needs rendering."""


def run_in_attempts(
    database: Database,
    letters: LetterIssuer | None,
    command: Callable[[Session, LetterIssuer | None], T],
    agency: Callable[[], str | None],
) -> T:
    """Run ``command`` in one transaction that commits, after as many attempts as its
    letters need; ``agency``: the code of the command's agency, asked only if needed."""
    if not _renders_ahead(letters):
        with database.transaction() as session:
            return command(session, letters)
    ahead = letters.ahead()
    inside = ahead.quick(None)
    attempt = 1
    try:
        code = None if inside else agency()
        if code is not None:
            inside = ahead.quick(code)
            if not inside:
                ahead.take_turn(database.lock_wait, code)
        while True:
            ahead.begin_attempt(last=inside or attempt == AHEAD_ATTEMPTS)
            try:
                with database.transaction() as session:
                    result = command(session, ahead)
                    if ahead.unrendered():
                        raise _Unrendered
                    return result
            except _Unrendered:
                # After a wait for the agency's turn the next attempt learns the
                # letters' contexts again: another command may have moved them.
                if not ahead.take_turn(database.lock_wait):
                    ahead.render_wanted()  # a letter lacking inputs refuses as its step
            attempt += 1
    finally:
        ahead.end()
