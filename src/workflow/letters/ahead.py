"""Letters rendered before the step's write transaction, so that it holds the lock milliseconds.

Rendering is the slow part of a step (an agency's override template may loop for seconds)
and on SQLite a write transaction holds the lock of the whole store: rendered inside it,
one agency's slow letter stopped every other agency's commands. A letter's text depends
on what only the write transaction knows, its 文号 (a gapless counter) and, at an
opening, the case number; so the command runs in attempts (``cases/attempts.py``):

1. the first attempt runs the whole command, numbers included, and builds each letter's
   ``LetterContext`` (queries, no rendering), then rolls back: what it learnt is the
   context the letter would have, had nobody else written since;
2. those contexts are rendered outside any transaction;
3. the next attempt runs the command again, under the lock, and archives a letter only if
   the context it builds now is identical to a rendered one (same number, same case, same
   deadlines: the whole context, compared as its stored JSON). Rendering is a function
   of the context and the agency's templates, so the letter is exactly what rendering
   inside would have written, and numbers stay gapless: they are allocated in the
   transaction that commits. A context that changed (another step of the same agency
   took the number, the case moved) is rendered again outside; the last attempt renders
   inside the transaction, so a command always completes.

A step without letters commits in its first attempt, as before. So does a step whose
letters are *quick* (``LettersAhead.quick``): the shipped templates, no override of the
agency's, in the formats every letter is rendered in at issue. Those render in about
0.6 ms a letter, as long as the first attempt that would learn their contexts takes, and
that attempt holds the write lock too (it takes the numbers): rendered inside, the
command runs its statements once and holds the lock no longer. What may be slow, an
agency's own templates or a PDF at issue, is rendered ahead.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from workflow.definition import WorkflowDefinition
from workflow.errors import LetterError
from workflow.letters.case_context import StepLetters
from workflow.letters.context import LetterContext
from workflow.letters.issuing import (
    AT_ISSUE,
    ArchivingIssuer,
    ComposedLetter,
    LetterRequest,
    allocate_number,
    archive_letter,
)
from workflow.letters.turns import AgencyTurns
from workflow.lifecycle.machine import letters_refusal
from workflow.store.records import CaseEventRecord, CaseRecord


@dataclass(frozen=True)
class _Wanted:
    key: str
    agency: str  # its code: the turn its rendering takes (``turns``)
    context: LetterContext
    stored: dict[str, Any]  # the context as the archive stores it (``to_json``)
    request: LetterRequest
    definition: WorkflowDefinition
    state: str  # the case's state before the step: a refusal is the step's


@dataclass(frozen=True)
class _Rendered:
    letter: ComposedLetter
    stored: dict[str, Any]  # its context's ``to_json``, built once: the key is made of it


def _key(name: str, stored: dict[str, Any]) -> str:
    return json.dumps([name, stored], sort_keys=True, ensure_ascii=False, default=str)


class LettersAhead:
    """A ``LetterIssuer`` for the attempts of one command (see the module's docstring)."""

    def __init__(self, issuer: ArchivingIssuer, turns: AgencyTurns) -> None:
        self.issuer = issuer
        self.turns = turns
        self.rendered: dict[str, _Rendered] = {}
        self.wanted: list[_Wanted] = []
        self.render_inside = False
        self.rendered_inside = 0  # letters the last attempts had to render under the lock
        self._turn: tuple[str, threading.Lock] | None = None  # the agency's, while held

    def quick(self, agency: str | None) -> bool:
        """Whether the letters of ``agency`` are quick to render (the module's docstring),
        so its command renders them inside its one transaction; ``None``: whether every
        agency's are."""
        formats = self.issuer.options.formats
        return all(f in AT_ISSUE for f in formats) and self.issuer.templates.shipped_only(agency)

    def begin_attempt(self, *, last: bool) -> None:
        self.wanted = []
        self.render_inside = last

    def unrendered(self) -> bool:
        """Whether this attempt met a letter with no rendering: it must roll back."""
        return bool(self.wanted)

    def take_turn(self, wait: float, agency: str | None = None) -> bool:
        """Take the turn of ``agency`` (before a first attempt), or of the agency whose
        letters the attempt wanted (before rendering them); True when another command held
        it first, so what the attempt learnt may have moved and the command should learn
        it again. A command wanting several agencies' letters (none does today) takes no
        turn and meets the counters as before."""
        agencies = {agency} if agency is not None else {w.agency for w in self.wanted}
        if self._turn is not None or len(agencies) != 1:
            return False
        (code,) = agencies
        lock, waited = self.turns.take(code, wait)
        self._turn = (code, lock)
        if waited:
            self.wanted = []
        return waited

    def end(self) -> None:
        """Give the agency's turn back: the command has committed or failed."""
        if self._turn is not None:
            self._turn[1].release()
            self._turn = None

    def render_wanted(self) -> None:
        """Render the contexts the attempt wanted; called outside any transaction."""
        for wanted in self.wanted:
            if wanted.key not in self.rendered:
                try:
                    composed = self.issuer.render(
                        wanted.context, wanted.request, self.issuer.options.formats
                    )
                    self.rendered[wanted.key] = _Rendered(composed, wanted.stored)
                except LetterError as error:
                    if not error.missing:
                        raise
                    number, trigger = wanted.context.case.number, wanted.request.trigger
                    raise letters_refusal(
                        wanted.definition, number, trigger, wanted.state, error.missing
                    ) from None
        self.wanted = []

    def issue(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
    ) -> None:
        step = StepLetters(session, case, event, definition, self.issuer.calendar)
        for name in letters:
            number = allocate_number(session, step.agency, step.issued_on)
            context = step.context(name, number)
            stored = context.to_json()
            key = _key(name, stored) if self.rendered or not self.render_inside else ""
            rendered = self.rendered.get(key)
            if rendered is None:
                request = LetterRequest.of(step, name)
                if not self.render_inside:
                    state = event.from_state or ""
                    wanted = _Wanted(
                        key, step.agency.code, context, stored, request, definition, state
                    )
                    self.wanted.append(wanted)
                    continue
                composed = self.issuer.render(context, request, self.issuer.options.formats)
                rendered = _Rendered(composed, stored)
                self.rendered_inside += 1
            if self.wanted:
                continue  # the attempt rolls back: archiving would be wasted
            archive_letter(
                session,
                case_id=case.id,
                event_id=event.id,
                agency=step.agency,
                letter=rendered.letter,
                now=self.issuer.clock.now(),
                stored_context=rendered.stored,
            )
