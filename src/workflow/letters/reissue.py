"""Re-issue a step's letters: a new letter with a new number; the original stays as it was.

An archived letter never changes. When one must go out again (a corrected letterhead or
applicant name, a fixed template, a letter lost in the post), it is re-issued: a new
``letters`` row of the same event and kind, with the next number of the year of
re-issue and the date of re-issue, rendered with the agency's templates as they are
now. What the step decided is kept from the archived context (the step's inputs, the
outcome, the deadlines as they stood); who sends it, to whom and about what (the
agency's letterhead, the applicant, the case, with the date of a corrected application
as the event log states it) is read again from the records. The
remedy clause follows the new date of issue. ``workflow letter list`` shows which letter
a re-issue replaces.

A re-issue is not a lifecycle step: it writes no case event, so the event log, the
case's version and ``workflow verify`` are untouched.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.lookup import find_case
from workflow.errors import CorruptCase, InvalidInput, LetterError
from workflow.letters.case_context import correction_dates
from workflow.letters.context import LetterContext
from workflow.letters.issuing import (
    ArchivingIssuer,
    ComposedLetter,
    allocate_number,
    archive_letter,
)
from workflow.letters.record_data import applicant_of, case_data, letterhead_of
from workflow.letters.render import render_letter
from workflow.store.records import AgencyRecord, ApplicantRecord, CaseEventRecord, LetterRecord


def reissue(
    session: Session,
    issuer: ArchivingIssuer,
    case_number: str,
    event_seq: int,
    on: date,
    kind: str | None = None,
) -> list[ComposedLetter]:
    """Re-issue the letters of event ``event_seq`` (only ``kind``, if given) dated ``on``."""
    case = find_case(session, case_number)
    event = session.scalars(
        select(CaseEventRecord).where(
            CaseEventRecord.case_id == case.id, CaseEventRecord.seq == event_seq
        )
    ).one_or_none()
    if event is None:
        raise LetterError(f"the case has no event {event_seq}", case=case_number)
    latest: dict[str, LetterRecord] = {}
    for letter in session.scalars(
        select(LetterRecord).where(LetterRecord.event_id == event.id).order_by(LetterRecord.id)
    ):
        if kind is None or letter.kind == kind:
            latest[letter.kind] = letter
    if not latest:
        what = f"no {kind} letter" if kind is not None else "no letters"
        raise LetterError(f"event {event_seq} ({event.trigger}) has {what}", case=case_number)
    today = issuer.clock.today()
    if on > today:
        raise InvalidInput(f"the date of re-issue {on} is in the future (today is {today})")
    agency = session.get(AgencyRecord, case.agency_id)
    applicant = session.get(ApplicantRecord, case.applicant_id)
    if agency is None or applicant is None:  # foreign keys make this impossible
        raise CorruptCase(case_number, "its agency or applicant record is missing")
    templates = issuer.templates.for_agency(agency.code)
    issued: list[ComposedLetter] = []
    for original in latest.values():
        if on < original.issued_on:
            raise InvalidInput(
                f"the date of re-issue {on} is before letter {original.number} "
                f"({original.issued_on})"
            )
        frozen = LetterContext.from_json(original.context)
        context = replace(
            frozen,
            agency=letterhead_of(agency),
            applicant=applicant_of(applicant),
            case=case_data(case, *correction_dates(session, case.id, event.seq)),
            letter=replace(
                frozen.letter, number=allocate_number(session, agency, on), issued_on=on
            ),
        )
        rendered = render_letter(context, issuer.options.formats, templates=templates)
        composed = ComposedLetter(original.kind, context, rendered)
        archive_letter(
            session,
            case_id=case.id,
            event_id=event.id,
            agency=agency,
            letter=composed,
            now=issuer.clock.now(),
        )
        issued.append(composed)
    return issued
