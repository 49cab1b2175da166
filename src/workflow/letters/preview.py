"""Preview the letters a trigger would produce, before anything is committed.

The trigger runs through the same service path as ``case fire`` (guards, effects,
clocks, the letter's context and templates), in a transaction that is then rolled
back: the case, its events and the letter counter are left as they were. The preview's
number is the one the letter would get if nobody else issued one first, marked
"（暂定）"; it is not allocated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from workflow.cases.lookup import find_case
from workflow.cases.registry import DefinitionRegistry
from workflow.cases.service import CaseService
from workflow.deadlines import ClockEntry
from workflow.definition import WorkflowDefinition
from workflow.errors import LetterError, Needed
from workflow.letters.issuing import ArchivingIssuer, ComposedLetter
from workflow.letters.render import Format
from workflow.lifecycle import StepInput
from workflow.store.database import Database
from workflow.store.records import CaseEventRecord, CaseRecord


class _Collector:
    """A ``LetterIssuer`` that keeps the letters instead of archiving them."""

    def __init__(self, issuer: ArchivingIssuer, formats: Sequence[Format]) -> None:
        self.issuer = issuer
        self.formats = formats
        self.letters: list[ComposedLetter] = []

    def issue(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
    ) -> None:
        self.letters += self.issuer.preview(session, case, event, letters, definition, self.formats)

    def needs(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
        pending: Mapping[str, Sequence[ClockEntry]],
    ) -> list[Needed]:
        return self.issuer.needs(session, case, event, letters, definition, pending)


class _RollBack(Exception):
    """Raised to leave the preview's transaction without committing it."""


def preview_letters(
    database: Database,
    registry: DefinitionRegistry,
    issuer: ArchivingIssuer,
    number: str,
    trigger: str,
    step: StepInput,
    formats: Sequence[Format],
) -> list[ComposedLetter]:
    """The letters firing ``trigger`` on case ``number`` would issue; nothing is stored."""
    collector = _Collector(issuer, formats)
    service = CaseService(database, registry, issuer.calendar, issuer.clock, collector)
    try:
        with database.transaction() as session:
            service.fire_in(session, find_case(session, number), trigger, step)
            raise _RollBack
    except _RollBack:
        pass
    if not collector.letters:
        raise LetterError(f"{trigger} produces no letter", case=number)
    return collector.letters


def choose(letters: Sequence[ComposedLetter], kind: str | None) -> ComposedLetter:
    """The one letter of ``kind``, or the only one; several need a choice."""
    kinds = [letter.name for letter in letters]
    if kind is not None:
        for letter in letters:
            if letter.name == kind:
                return letter
        raise LetterError(f"no {kind} letter here; the step produces {', '.join(kinds)}")
    if len(letters) > 1:
        raise LetterError(f"the step produces {len(letters)} letters ({', '.join(kinds)}): --kind")
    return letters[0]
