"""Issue the letters a step produces, inside the step's transaction: number, render, archive.

``ArchivingIssuer`` is the engine's ``LetterIssuer``: ``CaseService`` calls it after a
step's event and clock entries are written, in the same transaction. For each letter
the definition attaches to the trigger (or to the opening) it

1. allocates the letter number (文号) from the agency's gapless counter for the year of
   issue (scope ``letter:<agency code>:<year>``; one sequence for every letter the
   agency issues), formatted by the agency's ``letter_number_pattern``;
2. builds the ``LetterContext`` from the records (``case_context``) and renders it with
   the agency's templates (``<templates root>/<agency code>/`` over the shipped set);
3. stores a ``letters`` row (number, kind, template name and version, the context as
   JSON) and one ``letter_documents`` row (bytes, SHA-256) per format rendered now.

HTML and text are rendered at issue (about a millisecond); DOCX and PDF are derived from
the archived HTML the first time they are asked for and stored then (``archive``), so a
step does not pay 100 ms for a PDF nobody prints. ``WORKFLOW_LETTER_FORMATS`` renders
more formats at issue. A letter that cannot be written refuses the whole step: the
counter, the event and everything else roll back, so numbers have no gaps.

A handler's command (``CaseService.open`` and ``fire``) issues through ``ahead()``
(``letters/ahead.py``): the same numbering, context and archive, with the rendering
done between the command's attempts, outside any transaction. Batches (imports, the
sweeper's claim, the web's bulk steps) issue here, rendering inside their transaction.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow.clock import Clock
from workflow.deadlines import ClockEntry, WorkingCalendar
from workflow.definition import WorkflowDefinition
from workflow.errors import ConfigError, LetterError, Needed, WorkflowError
from workflow.letters.case_context import StepLetters
from workflow.letters.context import LetterContext
from workflow.letters.missing_inputs import missing_inputs, refusal
from workflow.letters.numbering import letter_number
from workflow.letters.record_data import short_name_of
from workflow.letters.render import Format, RenderedLetter, letter_template, render_letter
from workflow.letters.templates import Templates, shipped_templates
from workflow.letters.turns import AgencyTurns
from workflow.store.counters import current_number, next_number
from workflow.store.database import connection_of, violated_constraint
from workflow.store.prepared import Prepared
from workflow.store.records import (
    LETTER_NUMBER,
    AgencyRecord,
    CaseEventRecord,
    CaseRecord,
)
from workflow.store.tables import LETTER_DOCUMENTS, LETTERS

if TYPE_CHECKING:
    from workflow.letters.ahead import LettersAhead

TEMPLATES_ENV = "WORKFLOW_LETTER_TEMPLATES"
FORMATS_ENV = "WORKFLOW_LETTER_FORMATS"
AT_ISSUE = (Format.HTML, Format.TEXT)  # always: the archive derives DOCX and PDF from HTML
PROVISIONAL = "（暂定）"
# Compiled once: every letter of a handler's step is archived through them.
_INSERT_LETTER = Prepared(
    LETTERS.insert().returning(LETTERS.c.id),
    (
        *("case_id", "event_id", "agency_id", "kind", "number", "issued_on"),
        *("template", "template_version", "context", "created_at"),
    ),
)
_INSERT_DOCUMENTS = Prepared(
    LETTER_DOCUMENTS.insert(), ("letter_id", "format", "content", "sha256", "created_at")
)


@dataclass(frozen=True)
class LetterOptions:
    """Where agencies' template overrides live, and which formats are rendered at issue."""

    templates_root: Path | None = None
    formats: tuple[Format, ...] = AT_ISSUE

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> LetterOptions:
        root = environ.get(TEMPLATES_ENV) or None
        if root is not None and not Path(root).is_dir():
            raise ConfigError(f"{root!r} is not a directory", key=TEMPLATES_ENV)
        formats = list(AT_ISSUE)
        for value in (environ.get(FORMATS_ENV) or "").split(","):
            value = value.strip()
            if not value:
                continue
            try:
                fmt = Format(value)
            except ValueError:
                known = ", ".join(f.value for f in Format)
                raise ConfigError(f"unknown format {value!r}; {known}", key=FORMATS_ENV) from None
            if fmt not in formats:
                formats.append(fmt)
        return cls(Path(root) if root is not None else None, tuple(formats))


class AgencyTemplates:
    """Each agency's templates: ``<root>/<agency code>/`` first when it exists, then shipped."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._by_directory: dict[Path, Templates] = {}
        self._lock = threading.Lock()

    def for_agency(self, code: str) -> Templates:
        if self.root is None or not (self.root / code).is_dir():
            return shipped_templates()
        directory = self.root / code
        with self._lock:
            templates = self._by_directory.get(directory)
            if templates is None:
                templates = self._by_directory[directory] = Templates(override=directory)
            return templates

    def shipped_only(self, code: str | None) -> bool:
        """Whether the agency ``code`` uses the shipped templates alone; ``None``: whether
        every agency does (no directory of overrides is configured)."""
        if self.root is None:
            return True
        return code is not None and not (self.root / code).is_dir()


def allocate_number(session: Session, agency: AgencyRecord, on: date) -> str:
    """The agency's next letter number for the year of ``on`` (gapless: rolls back with the
    transaction)."""
    seq = next_number(session, f"letter:{agency.code}:{on.year}")
    return _format_number(agency, on, seq)


def provisional_number(session: Session, agency: AgencyRecord, on: date, ahead: int = 0) -> str:
    """The number a letter would get, marked provisional; nothing is allocated."""
    seq = current_number(session, f"letter:{agency.code}:{on.year}") + 1 + ahead
    return _format_number(agency, on, seq) + PROVISIONAL


def _format_number(agency: AgencyRecord, on: date, seq: int) -> str:
    short_name = short_name_of(agency)  # not the whole letterhead: once per letter and attempt
    pattern = agency.letter_number_pattern or None
    return letter_number(
        seq, year=on.year, short_name=short_name, code=agency.code, pattern=pattern
    )


@dataclass(frozen=True)
class ComposedLetter:
    name: str  # the definition's letter name: acknowledgement, decision, ...
    context: LetterContext
    rendered: RenderedLetter


def archive_letter(
    session: Session,
    *,
    case_id: int,
    event_id: int,
    agency: AgencyRecord,
    letter: ComposedLetter,
    now: datetime,
    stored_context: Mapping[str, Any] | None = None,
) -> int:
    """Store a rendered letter and its documents (two Core statements); return its id.

    ``stored_context`` is ``letter.context.to_json()`` when the caller built it already.
    A number used twice (a pattern without ``{year}``) is refused.
    """
    number = letter.context.letter.number
    connection = connection_of(session)
    try:
        ((letter_id,),) = _INSERT_LETTER.rows(
            connection,
            {
                "case_id": case_id,
                "event_id": event_id,
                "agency_id": agency.id,
                "kind": letter.name,
                "number": number,
                "issued_on": letter.context.letter.issued_on,
                "template": letter.rendered.template,
                "template_version": letter.rendered.template_version,
                "context": letter.context.to_json() if stored_context is None else stored_context,
                "created_at": now,
            },
        )
    except IntegrityError as error:
        if violated_constraint(error) != LETTER_NUMBER:
            raise
        raise LetterError(
            f"letter number {number} of agency {agency.code} is already used: its letter "
            "number pattern must contain {year} (set it with `workflow agency set "
            f"{agency.code} --letter-number-pattern ...`)"
        ) from None
    _INSERT_DOCUMENTS.run(
        connection,
        [
            {
                "letter_id": letter_id,
                "format": fmt.value,
                "content": content,
                "sha256": hashlib.sha256(content).hexdigest(),
                "created_at": now,
            }
            for fmt, content in letter.rendered.documents.items()
        ],
    )
    return int(letter_id)


class ArchivingIssuer:
    """The engine's ``LetterIssuer``: every letter a step produces, numbered and archived."""

    def __init__(
        self, calendar: WorkingCalendar, clock: Clock, options: LetterOptions | None = None
    ) -> None:
        self.calendar = calendar
        self.clock = clock
        self.options = options or LetterOptions()
        self.templates = AgencyTemplates(self.options.templates_root)
        self.turns = AgencyTurns()  # an agency's commands render and commit in turn

    def issue(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
    ) -> None:
        inside = self.ahead()  # its last attempt: every letter rendered here, in the step
        inside.begin_attempt(last=True)
        inside.issue(session, case, event, letters, definition)

    def ahead(self) -> LettersAhead:
        """An issuer for a command's attempts, its letters rendered outside the transaction."""
        from workflow.letters.ahead import LettersAhead  # builds on this module

        return LettersAhead(self, self.turns)

    def needs(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
        pending: Mapping[str, Sequence[ClockEntry]],
    ) -> list[Needed]:
        """The inputs the step's letters would need that it was not given, asked of the
        templates with the step as it would be recorded (``event`` unwritten, ``pending``
        its clock entries). For a refusal: nothing is numbered or written."""
        needed: list[Needed] = []
        try:
            step = StepLetters(session, case, event, definition, self.calendar, pending)
            for ahead, name in enumerate(letters):
                number = provisional_number(session, step.agency, step.issued_on, ahead)
                try:
                    self.compose(step, name, number, (Format.TEXT,))
                except LetterError as error:
                    needed += error.missing
        except WorkflowError:  # a letter no input helps: the step says why when it can fire
            pass
        return needed

    def preview(
        self,
        session: Session,
        case: CaseRecord,
        event: CaseEventRecord,
        letters: Sequence[str],
        definition: WorkflowDefinition,
        formats: Sequence[Format],
    ) -> list[ComposedLetter]:
        """The letters as ``issue`` would write them, numbered provisionally, not stored."""
        step = StepLetters(session, case, event, definition, self.calendar)
        return [
            self.compose(
                step, name, provisional_number(session, step.agency, step.issued_on, ahead), formats
            )
            for ahead, name in enumerate(letters)
        ]

    def compose(
        self, step: StepLetters, name: str, number: str, formats: Sequence[Format]
    ) -> ComposedLetter:
        return self.render(step.context(name, number), LetterRequest.of(step, name), formats)

    def render(
        self, context: LetterContext, request: LetterRequest, formats: Sequence[Format]
    ) -> ComposedLetter:
        """Render ``context`` with its agency's templates; a refusal names the missing inputs.

        Reads no store: the ahead path runs it outside any transaction.
        """
        templates = self.templates.for_agency(context.agency.code)
        try:
            rendered = render_letter(context, formats, templates=templates)
        except LetterError as error:
            missing, any_one = missing_inputs(context, templates, request.candidates)
            template = letter_template(context)
            name, trigger = request.name, request.trigger
            raise refusal(trigger, name, template, error, missing, any_one) from None
        return ComposedLetter(request.name, context, rendered)


@dataclass(frozen=True)
class LetterRequest:
    """What a refusal of a letter names: the letter, its trigger, the inputs not given."""

    name: str
    trigger: str
    candidates: tuple[str, ...]

    @classmethod
    def of(cls, step: StepLetters, name: str) -> LetterRequest:
        trigger = step.definition.triggers.get(step.event.trigger)
        declared = trigger.inputs if trigger is not None else ()
        given = step.step.given()
        return cls(name, step.event.trigger, tuple(i for i in declared if i not in given))
