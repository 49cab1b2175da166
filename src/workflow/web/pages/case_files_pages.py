"""``/console/cases/{number}/files``: the files the office releases with its answer,
uploaded by a handler of the case's agency; the applicant downloads them from the
portal's follow page once the case is decided."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.portal.files import MAX_BYTES, RELEASED, store_file, upload_problem
from workflow.store.portal_records import PortalFileRecord
from workflow.store.records import CaseRecord
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.portal_forms import PostedForm, portal_config, upload
from workflow.web.pages.rendering import page, redirect
from workflow.web.scope import case_in_scope

router = APIRouter(prefix="/console", include_in_schema=False)


def _page(
    request: Request,
    application: Application,
    caller: Caller,
    number: str,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    added: str = "",
) -> Response:
    with application.database.reading() as session:
        case = case_in_scope(session, caller, number)
        files = session.scalars(
            select(PortalFileRecord)
            .where(PortalFileRecord.case_id == case.id, PortalFileRecord.kind == RELEASED)
            .order_by(PortalFileRecord.id)
        ).all()
        listed = [
            {"name": f.filename, "size": f.size, "at": f.created_at, "by": f.created_by}
            for f in files
        ]
        may_upload = caller.principal.may(Permission.FIRE, case.agency_id)
    return page(
        request,
        "console/case_files.html",
        caller=caller,
        status=status,
        number=number,
        files=listed,
        errors=errors or {},
        may_upload=may_upload,
        added=added,
    )


@router.get("/cases/{number}/files")
def case_files(
    request: Request, number: str, caller: ConsoleCaller, application: AppDep, added: str = ""
) -> Response:
    return _page(request, application, caller, number, added=added[:100])


@router.post("/cases/{number}/files")
def add_case_file(
    request: Request, number: str, caller: ConsoleCaller, application: AppDep, posted: PostedForm
) -> Response:
    given = upload(posted, "file", MAX_BYTES[RELEASED])
    config = portal_config(request)
    problem = (
        "请选择要上传的文件"
        if given is None
        else upload_problem(given.content, RELEASED, config.vault)
    )
    if problem is not None or given is None:
        return _page(
            request, application, caller, number, errors={"file": problem or ""}, status=422
        )
    with application.database.transaction() as session:
        case: CaseRecord = case_in_scope(session, caller, number, Permission.FIRE)
        now = application.clock.now()
        record = store_file(session, config.vault, kind=RELEASED, filename=given.filename,
                            content=given.content, by=caller.principal.name, now=now,
                            case_id=case.id)  # fmt: skip
        caller.audit(session, now, "portal_file_released", agency_id=case.agency_id,
                     case=number, file=record.id)  # fmt: skip
        name = record.filename
    return redirect(f"/console/cases/{quote(number)}/files?added={quote(name)}")
