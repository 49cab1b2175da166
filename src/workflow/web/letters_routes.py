"""``/api/v1/cases/{number}/letters``: a case's letters as issued, their documents, and
the letters a step would issue (a preview: nothing stored, no number taken)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from workflow.access.roles import Permission
from workflow.errors import LetterError
from workflow.letters.archive import letter_document, letters_of
from workflow.letters.issuing import ArchivingIssuer
from workflow.letters.preview import choose, preview_letters
from workflow.letters.render import Format
from workflow.web import answers
from workflow.web.auth import CallerDep
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented
from workflow.web.models import LETTER_FORMAT, PreviewLetterBody
from workflow.web.scope import case_in_scope

router = APIRouter(prefix="/api/v1", tags=["letters"])
MEDIA = {
    Format.HTML: "text/html; charset=utf-8",
    Format.TEXT: "text/plain; charset=utf-8",
    Format.PDF: "application/pdf",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SUFFIX = {Format.HTML: "html", Format.TEXT: "txt", Format.PDF: "pdf", Format.DOCX: "docx"}
BINARY = {"schema": {"type": "string", "format": "binary"}}
DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {"content": dict.fromkeys(MEDIA.values(), BINARY), "description": "The document"}
}


@router.get(
    "/cases/{number}/letters",
    operation_id="list_letters",
    response_model=answers.LetterList,
    responses=documented(401, 404, 422, 503),
)
def list_letters(number: str, caller: CallerDep, application: AppDep) -> JSONResponse:
    """The case's letters in the order issued, with their stored formats."""
    with application.database.reading() as session:
        case_in_scope(session, caller, number)
        letters = letters_of(session, number)
    listed = [letter.to_json() | {"formats": sorted(letter.documents)} for letter in letters]
    return JSONResponse({"case": number, "letters": listed})


@router.get(
    "/cases/{number}/letters/document",
    operation_id="download_letter",
    response_class=Response,
    responses={**DOCUMENT, **documented(401, 404, 422, 503)},
)
def download_letter(
    number: str,
    caller: CallerDep,
    application: AppDep,
    format: Annotated[str, Query(pattern=LETTER_FORMAT)],
    letter: Annotated[str | None, Query(max_length=100, description="Its number (文号)")] = None,
    event: Annotated[int | None, Query(ge=1)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A letter as archived (default: the case's latest): the same bytes every time."""
    with application.database.reading() as session:
        case = case_in_scope(session, caller, number)
    fmt = Format(format)
    found, document = letter_document(
        application.database, application.clock, number, fmt, event=event, kind=kind, number=letter
    )
    with application.database.transaction() as session:
        caller.audit(
            session,
            application.clock.now(),
            "letter_downloaded",
            agency_id=case.agency_id,
            case=number,
            letter=found.number,
            format=format,
        )
    return Response(
        document.content,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="letter-{found.event}-{found.kind}.'
            f'{SUFFIX[fmt]}"',
            "X-Content-SHA256": document.sha256,
        },
    )


@router.post(
    "/cases/{number}/letters/preview",
    operation_id="preview_letter",
    response_class=Response,
    responses={**DOCUMENT, **documented(401, 403, 404, 409, 422, 503)},
)
def preview_letter(
    number: str, body: PreviewLetterBody, caller: CallerDep, application: AppDep
) -> Response:
    """The letter firing the trigger would issue, marked 暂定; nothing is stored."""
    with application.database.reading() as session:
        case_in_scope(session, caller, number, Permission.FIRE)
    issuer = application.letters
    if not isinstance(issuer, ArchivingIssuer):
        raise LetterError("letters are not enabled in this application")
    fmt = Format(body.format)
    step = body.step(application.clock.today(), caller.principal.name)
    letters = preview_letters(
        application.database, application.registry, issuer, number, body.trigger, step, [fmt]
    )
    chosen = choose(letters, body.letter)
    return Response(chosen.rendered.documents[fmt], media_type=MEDIA[fmt])
