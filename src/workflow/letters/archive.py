"""The letter archive: a case's letters, and each letter's documents, exactly as issued.

A letter's HTML and text are stored when it is issued. Its DOCX and PDF are derived
from the archived HTML the first time someone asks for them and stored then: the PDF
is the archived HTML (stylesheet included) printed, the DOCX is written from the blocks
read back from it. Both say what the archived letter says, whatever the templates or
the agency's letterhead have become since; once stored, every later request returns the
same bytes (same SHA-256). The derivation runs outside any transaction (a PDF takes
~100 ms); two first requests at once both derive, and the first stored wins for both.
A letter changes only by being re-issued (``reissue``): a new number, a new row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.cases.lookup import find_case
from workflow.clock import Clock
from workflow.errors import LetterError
from workflow.letters.as_text import text_document
from workflow.letters.blocks import Block, read_blocks
from workflow.letters.context import LetterContext
from workflow.letters.render import Format
from workflow.store.database import Database
from workflow.store.records import CaseEventRecord, LetterDocumentRecord, LetterRecord
from workflow.store.tables import LETTER_DOCUMENTS, insert_or_ignore

_ARTICLE = '<article class="letter">'


@dataclass(frozen=True)
class ArchivedLetter:
    id: int
    case: str  # the case number
    event: int  # the event's seq within the case
    trigger: str
    kind: str  # the definition's letter name
    number: str  # 文号
    issued_on: date
    template: str
    template_version: str
    documents: dict[str, tuple[str, int]]  # format -> (sha256, bytes)
    reissue_of: str | None  # the number of the letter this one re-issues

    def to_json(self) -> dict[str, object]:
        """The letter as `letter list --json` and the API list it (stable)."""
        return {
            "number": self.number,
            "kind": self.kind,
            "event": self.event,
            "trigger": self.trigger,
            "issued_on": self.issued_on.isoformat(),
            "template": self.template,
            "template_version": self.template_version,
            "reissue_of": self.reissue_of,
            "documents": {
                fmt: {"sha256": sha256, "bytes": size}
                for fmt, (sha256, size) in self.documents.items()
            },
        }


@dataclass(frozen=True)
class LetterDocument:
    format: Format
    content: bytes
    sha256: str


def letters_of(session: Session, case_number: str) -> list[ArchivedLetter]:
    """Every letter of a case, in the order issued."""
    case = find_case(session, case_number)
    rows = session.execute(
        select(LetterRecord, CaseEventRecord.seq, CaseEventRecord.trigger)
        .join(CaseEventRecord, CaseEventRecord.id == LetterRecord.event_id)
        .where(LetterRecord.case_id == case.id)
        .order_by(CaseEventRecord.seq, LetterRecord.id)
    ).all()
    documents: dict[int, dict[str, tuple[str, int]]] = {}
    if rows:
        for letter_id, fmt, sha256, size in session.execute(
            select(
                LetterDocumentRecord.letter_id,
                LetterDocumentRecord.format,
                LetterDocumentRecord.sha256,
                func.length(LetterDocumentRecord.content),
            )
            .where(LetterDocumentRecord.letter_id.in_([row[0].id for row in rows]))
            .order_by(LetterDocumentRecord.letter_id, LetterDocumentRecord.format)
        ):
            documents.setdefault(letter_id, {})[fmt] = (sha256, int(size))
    found: list[ArchivedLetter] = []
    previous: dict[tuple[int, str], str] = {}  # (event, kind) -> the latest number
    for record, seq, trigger in rows:
        key = (record.event_id, record.kind)
        found.append(
            ArchivedLetter(
                id=record.id,
                case=case.number,
                event=seq,
                trigger=trigger,
                kind=record.kind,
                number=record.number,
                issued_on=record.issued_on,
                template=record.template,
                template_version=record.template_version,
                documents=documents.get(record.id, {}),
                reissue_of=previous.get(key),
            )
        )
        previous[key] = record.number
    return found


def find_letter(
    session: Session,
    case_number: str,
    *,
    event: int | None = None,
    kind: str | None = None,
    number: str | None = None,
) -> ArchivedLetter:
    """The latest letter of a case, of its event ``event``, of kind ``kind``, numbered
    ``number`` (文号): those given."""
    letters = letters_of(session, case_number)
    if not letters:
        raise LetterError("the case has no letters", case=case_number)
    matching = [
        letter
        for letter in letters
        if (event is None or letter.event == event)
        and (kind is None or letter.kind == kind)
        and (number is None or letter.number == number)
    ]
    if not matching:
        wanted = " and ".join(
            part
            for part in (
                f"event {event}" if event is not None else "",
                f"kind {kind}" if kind is not None else "",
                f"number {number}" if number is not None else "",
            )
            if part
        )
        issued = ", ".join(f"event {letter.event} {letter.kind}" for letter in letters)
        raise LetterError(f"no letter of {wanted}; its letters: {issued}", case=case_number)
    return max(matching, key=lambda letter: letter.id)


def stored_document(session: Session, letter_id: int, fmt: Format) -> LetterDocument | None:
    row = session.get(LetterDocumentRecord, (letter_id, fmt.value))
    return None if row is None else LetterDocument(fmt, row.content, row.sha256)


def store_document(
    session: Session, letter_id: int, fmt: Format, content: bytes, now: datetime
) -> LetterDocument:
    """Store a derived document unless one is stored already; return the stored one."""
    insert = insert_or_ignore(
        session.get_bind().dialect.name, LETTER_DOCUMENTS, ("letter_id", "format")
    )
    session.execute(
        insert.values(
            letter_id=letter_id,
            format=fmt.value,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            created_at=now,
        )
    )
    stored = stored_document(session, letter_id, fmt)
    assert stored is not None  # inserted now, or by whoever was first
    return stored


def archived_blocks(html: str) -> tuple[Block, ...]:
    """The blocks of an archived HTML letter (as ``as_html`` wrote them)."""
    start, end = html.find(_ARTICLE), html.rfind("</article>")
    if start < 0 or end < start:
        raise LetterError("the archived HTML holds no letter")
    return read_blocks(html[start : end + len("</article>")])


def derive_document(html: bytes, context: LetterContext, fmt: Format) -> bytes:
    """A format of an archived letter, from its archived HTML."""
    document = html.decode("utf-8")
    if fmt is Format.HTML:
        return html
    if fmt is Format.PDF:
        from workflow.letters.as_pdf import pdf_document  # WeasyPrint: load on demand

        return pdf_document(document)
    blocks = archived_blocks(document)
    if fmt is Format.TEXT:
        return text_document(blocks).encode("utf-8")
    from workflow.letters.as_docx import docx_document  # python-docx: load on demand

    agency, letter = context.agency, context.letter
    return docx_document(
        blocks, title=f"{agency.name}{letter.title}", author=agency.name, issued_on=letter.issued_on
    )


def letter_document(
    database: Database,
    clock: Clock,
    case_number: str,
    fmt: Format,
    *,
    event: int | None = None,
    kind: str | None = None,
    number: str | None = None,
) -> tuple[ArchivedLetter, LetterDocument]:
    """A letter's document in ``fmt``: the stored bytes, derived and stored on first request."""
    with database.reading() as session:
        letter = find_letter(session, case_number, event=event, kind=kind, number=number)
        stored = stored_document(session, letter.id, fmt)
        if stored is not None:
            return letter, stored
        html = stored_document(session, letter.id, Format.HTML)
        record = session.get(LetterRecord, letter.id)
        if html is None or record is None:
            raise LetterError(f"letter {letter.number} was archived without its HTML")
        context = LetterContext.from_json(record.context)
    content = derive_document(html.content, context, fmt)
    with database.transaction() as session:
        return letter, store_document(session, letter.id, fmt, content, clock.now())
