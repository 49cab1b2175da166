"""``/portal/follow``: the applicant follows a case with its number and query code, and
from there downloads letters and released files, corrects the application when asked
to, and withdraws it. Each of these posts the number and code again (no session, no
code in any URL); every lookup is counted per address, and a wrong number or code gets
one message whatever was wrong."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from workflow.access import audit
from workflow.application import Application
from workflow.errors import InvalidInput, LetterError, TransitionRejected
from workflow.letters.archive import letter_document
from workflow.letters.render import Format
from workflow.portal.files import ATTACHMENT, MAX_BYTES, RELEASED, download, upload_problem
from workflow.portal.form import text_problem
from workflow.portal.progress import lookup, progress
from workflow.portal.submissions import submit_correction, withdraw_case, withdraw_unconfirmed
from workflow.portal.throttle import FAILED, LOOKUP, count_hit, wait_needed
from workflow.store.portal_records import SUBMITTED, PortalFileRecord, PortalSubmissionRecord
from workflow.store.records import CaseRecord
from workflow.web.auth import address_of
from workflow.web.dependencies import AppDep
from workflow.web.pages.portal_forms import (
    PostedForm,
    portal_config,
    text_fields,
    upload,
    wait_text,
)
from workflow.web.pages.rendering import PAGE_HEADERS, page

router = APIRouter(prefix="/portal", include_in_schema=False)
NOT_FOUND = "申请编号或查询码不正确，请核对后重试"
CORRECTION_LIMIT = 2000


@router.get("/follow")
def follow_form(request: Request) -> Response:
    return page(request, "portal/follow.html", key="", error=None, throttle_message=None)


def _found(
    request: Request, application: Application, raw: dict[str, str]
) -> PortalSubmissionRecord | Response:
    """The application the posted number and code open, or the page to answer with."""
    key = raw.get("key", "")
    now, address = application.clock.now(), address_of(request)
    limits = portal_config(request).limits
    with application.database.transaction() as session:  # the check and the count at once
        wait = wait_needed(session, limits, LOOKUP, address, now) or wait_needed(
            session, limits, FAILED, address, now
        )
        if wait is not None:
            return page(
                request, "portal/follow.html", status=429, key=key[:64], error=None,
                throttle_message=wait_text(wait),
            )  # fmt: skip
        row = lookup(session, key, raw.get("code", ""))
        count_hit(session, LOOKUP, address, now)
        if row is None:
            count_hit(session, FAILED, address, now)
        else:
            session.expunge(row)
    if row is None:
        return page(
            request, "portal/follow.html", status=404, key=key[:64], error=NOT_FOUND,
            throttle_message=None,
        )  # fmt: skip
    return row


def progress_page(
    request: Request,
    application: Application,
    row: PortalSubmissionRecord,
    code: str,
    *,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    correction_text: str = "",
    status: int = 200,
) -> Response:
    with application.database.reading() as session:
        current = session.get(PortalSubmissionRecord, row.id)
        assert current is not None
        view = progress(application, session, current)
    return page(
        request,
        "portal/progress.html",
        status=status,
        view=view,
        key=view.case_number or view.reference,
        code=code,
        message=message,
        errors=errors or {},
        correction_text=correction_text,
    )


@router.post("/follow")
def follow(request: Request, application: AppDep, posted: PostedForm) -> Response:
    raw = text_fields(posted)
    row = _found(request, application, raw)
    if isinstance(row, Response):
        return row
    return progress_page(request, application, row, raw.get("code", ""))


@router.post("/follow/letter")
def letter(request: Request, application: AppDep, posted: PostedForm) -> Response:
    """A letter of the case as a PDF: the archived letter, the same bytes every time."""
    raw = text_fields(posted)
    row = _found(request, application, raw)
    if isinstance(row, Response):
        return row
    number = _case_number(application, row)
    if number is None:
        raise LetterError("这份申请尚未登记，还没有文书")
    found, document = letter_document(
        application.database, application.clock, number, Format.PDF, number=raw.get("letter", "")
    )
    _audit(application, row, "portal_letter_downloaded", case=number, letter=found.number)
    return Response(
        document.content,
        media_type="application/pdf",
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="letter-{found.event}-{found.kind}.pdf"',
        },
    )


@router.post("/follow/file")
def released_file(request: Request, application: AppDep, posted: PostedForm) -> Response:
    raw = text_fields(posted)
    row = _found(request, application, raw)
    if isinstance(row, Response):
        return row
    wanted = raw.get("file", "")
    with application.database.reading() as session:
        record = session.get(PortalFileRecord, int(wanted)) if wanted.isdigit() else None
        if record is None or record.kind != RELEASED or record.case_id != row.case_id:
            raise InvalidInput("没有这个文件")
        answer = download(portal_config(request).vault, record)
    _audit(application, row, "portal_file_downloaded", file=record.id)
    return Response(answer.content, media_type=answer.media_type, headers=answer.headers)


@router.post("/follow/correct")
def correct(request: Request, application: AppDep, posted: PostedForm) -> Response:
    """The corrected application (Art. 30), recorded on the day the office confirms it."""
    raw = text_fields(posted)
    row = _found(request, application, raw)
    if isinstance(row, Response):
        return row
    code = raw.get("code", "")
    text = raw.get("correction", "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    problem = text_problem(text, CORRECTION_LIMIT, multiline=True)
    if problem or not text:
        errors["correction"] = problem or "请填写补正后的申请内容"
    config = portal_config(request)
    attachment = upload(posted, "attachment", MAX_BYTES[ATTACHMENT])
    if attachment is not None:
        problem = upload_problem(attachment.content, ATTACHMENT, config.vault)
        if problem:
            errors["attachment"] = problem
    if errors or row.case_id is None:
        return progress_page(
            request, application, row, code, errors=errors, correction_text=text, status=422
        )
    try:
        submit_correction(application, config, row.case_id, text, attachment)
    except InvalidInput as error:
        return progress_page(request, application, row, code, message=str(error), status=409)
    return progress_page(request, application, row, code, message="补正申请已提交")


@router.post("/follow/withdraw")
def withdraw(request: Request, application: AppDep, posted: PostedForm) -> Response:
    """Withdraw: the first post asks to confirm, the second (``confirm=yes``) withdraws."""
    raw = text_fields(posted)
    row = _found(request, application, raw)
    if isinstance(row, Response):
        return row
    code = raw.get("code", "")
    if raw.get("confirm") != "yes":
        with application.database.reading() as session:
            view = progress(application, session, row)
        return page(request, "portal/withdraw.html", view=view, key=raw.get("key", ""), code=code)
    number = _case_number(application, row)
    try:
        if number is None and row.status == SUBMITTED:
            withdraw_unconfirmed(application, row.id)
        elif number is not None:
            withdraw_case(application, number)
    except (InvalidInput, TransitionRejected):
        refused = "该申请目前的状态不能撤回，请联系受理机关"
        return progress_page(request, application, row, code, message=refused, status=409)
    _audit(application, row, "portal_withdrawn", case=number)
    return progress_page(request, application, row, code, message="申请已撤回")


def _case_number(application: Application, row: PortalSubmissionRecord) -> str | None:
    if row.case_id is None:
        with application.database.reading() as session:
            current = session.get(PortalSubmissionRecord, row.id)
            if current is None or current.case_id is None:
                return None
            case_id = current.case_id
    else:
        case_id = row.case_id
    with application.database.reading() as session:
        return session.get(CaseRecord, case_id).number  # type: ignore[union-attr]


def _audit(
    application: Application,
    row: PortalSubmissionRecord,
    action: str,
    case: str | None = None,
    **detail: Any,
) -> None:
    with application.database.transaction() as session:
        audit.record(
            session,
            application.clock.now(),
            "portal",
            action,
            agency_id=row.agency_id,
            case=case,
            reference=row.reference,
            **detail,
        )
