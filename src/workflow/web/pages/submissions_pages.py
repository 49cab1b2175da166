"""``/console/submissions``: applications and corrections sent through the portal,
waiting for the office to confirm them (Art. 31(3): the day both sides confirm is the
receipt date). Registrars confirm applications (the case is registered, as ``case open``
registers it); handlers confirm corrections (``receive_correction``). ``/console/portal``:
an agency's admin chooses automatic confirmation and whether an identity copy is needed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response
from sqlalchemy import select

from workflow.access.masking import mask_text
from workflow.access.roles import Permission
from workflow.application import Application
from workflow.errors import CaseNotFound
from workflow.portal.agency_choices import AgencyChoice, agency_choice, choose
from workflow.portal.files import download
from workflow.portal.form import ID_TYPES, ApplicationForm, label
from workflow.portal.submissions import confirm
from workflow.store.portal_records import (
    APPLICATION,
    SUBMITTED,
    PortalFileRecord,
    PortalSubmissionRecord,
)
from workflow.store.records import AgencyRecord, CaseRecord
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.portal_forms import portal_config
from workflow.web.pages.rendering import page, redirect
from workflow.web.scope import require

router = APIRouter(prefix="/console", include_in_schema=False)
SubmissionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _permission(kind: str) -> Permission:
    return Permission.OPEN_CASES if kind == APPLICATION else Permission.FIRE


def _scope(caller: Caller) -> frozenset[int]:
    return caller.principal.agencies(Permission.OPEN_CASES) | caller.principal.agencies(
        Permission.FIRE
    )


def _row(application: Application, caller: Caller, submission_id: int) -> PortalSubmissionRecord:
    """A submission of an agency in the caller's scope, else not found."""
    with application.database.reading() as session:
        row = session.get(PortalSubmissionRecord, submission_id)
        if row is None or row.agency_id not in _scope(caller):
            raise CaseNotFound(f"网上申请 #{submission_id}")
        session.expunge(row)
    return row


def _entry(
    session: Any, caller: Caller, row: PortalSubmissionRecord, names: dict[int, str]
) -> dict[str, Any]:
    personal = caller.principal.may(Permission.PERSONAL_DATA, row.agency_id)
    shown = (lambda text: text) if personal else mask_text
    files = session.execute(
        select(PortalFileRecord.id, PortalFileRecord.kind, PortalFileRecord.filename).where(
            PortalFileRecord.submission_id == row.id
        )
    ).all()
    entry: dict[str, Any] = {
        "id": row.id,
        "reference": row.reference,
        "kind": row.kind,
        "agency": names.get(row.agency_id, ""),
        "submitted_on": row.submitted_on,
        "files": [{"id": f.id, "kind": f.kind, "name": f.filename} for f in files],
        "may_confirm": caller.principal.may(_permission(row.kind), row.agency_id),
    }
    if row.kind == APPLICATION:
        form = ApplicationForm.from_json(row.data["form"])
        entry |= {
            "applicant": form.name,
            "identity": shown(f"{label(ID_TYPES, form.id_type)} {form.id_number}"),
            "contact": shown(form.contact_text),
            "request": shown(form.request_text),
            "case": None,
        }
    else:
        number = session.scalar(select(CaseRecord.number).where(CaseRecord.id == row.case_id))
        entry |= {
            "applicant": "",
            "identity": "",
            "contact": "",
            "request": shown(str(row.data.get("text", ""))),
            "case": number,
        }
    return entry


@router.get("/submissions")
def submissions(
    request: Request, caller: ConsoleCaller, application: AppDep, done: str = ""
) -> Response:
    scope = _scope(caller)
    if not scope:
        require(caller, Permission.OPEN_CASES)
    with application.database.reading() as session:
        names = dict(session.execute(select(AgencyRecord.id, AgencyRecord.name)).all())
        rows = session.scalars(
            select(PortalSubmissionRecord)
            .where(
                PortalSubmissionRecord.status == SUBMITTED,
                PortalSubmissionRecord.agency_id.in_(sorted(scope)),
            )
            .order_by(PortalSubmissionRecord.submitted_at, PortalSubmissionRecord.id)
            .limit(200)
        ).all()
        entries = [_entry(session, caller, row, names) for row in rows]
    return page(
        request,
        "console/submissions.html",
        caller=caller,
        entries=entries,
        done=done[:32],
        today=application.clock.today(),
    )


@router.post("/submissions/{submission_id}/confirm")
def confirm_submission(
    submission_id: SubmissionId, caller: ConsoleCaller, application: AppDep
) -> Response:
    row = _row(application, caller, submission_id)
    require(caller, _permission(row.kind), row.agency_id)
    confirmed = confirm(application, row.id, caller.principal.name)
    with application.database.transaction() as session:
        number = session.scalar(select(CaseRecord.number).where(CaseRecord.id == confirmed.case_id))
        caller.audit(
            session,
            application.clock.now(),
            "portal_confirmed",
            agency_id=row.agency_id,
            case=number,
            reference=row.reference,
            kind=row.kind,
        )
    return redirect(f"/console/submissions?done={row.reference}")


@router.get("/submissions/{submission_id}/files/{file_id}")
def submission_file(
    request: Request,
    submission_id: SubmissionId,
    file_id: SubmissionId,
    caller: ConsoleCaller,
    application: AppDep,
) -> Response:
    """An identity copy or attachment: only for those who see personal data, logged."""
    row = _row(application, caller, submission_id)
    require(caller, Permission.PERSONAL_DATA, row.agency_id)
    with application.database.transaction() as session:
        record = session.get(PortalFileRecord, file_id)
        if record is None or record.submission_id != row.id:
            raise CaseNotFound(f"文件 #{file_id}")
        answer = download(portal_config(request).vault, record)
        caller.audit(
            session,
            application.clock.now(),
            "portal_file_read",
            agency_id=row.agency_id,
            reference=row.reference,
            file=record.id,
            file_kind=record.kind,
        )
    return Response(answer.content, media_type=answer.media_type, headers=answer.headers)


@router.get("/portal")
def portal_settings(
    request: Request, caller: ConsoleCaller, application: AppDep, saved: str = ""
) -> Response:
    scope = caller.principal.agencies(Permission.ADMINISTER)
    if not scope:
        require(caller, Permission.ADMINISTER)
    with application.database.reading() as session:
        agencies = [
            {"code": agency.code, "name": agency.name, "choice": agency_choice(session, agency.id)}
            for agency in session.scalars(
                select(AgencyRecord)
                .where(AgencyRecord.id.in_(sorted(scope)))
                .order_by(AgencyRecord.name)
            )
        ]
    return page(
        request, "console/portal_settings.html", caller=caller, agencies=agencies, saved=saved[:64]
    )


@router.post("/portal")
def save_portal_settings(
    caller: ConsoleCaller,
    application: AppDep,
    agency: Annotated[str, Form(max_length=64)],
    auto_confirm: Annotated[str, Form()] = "",
    id_copy_required: Annotated[str, Form()] = "",
) -> Response:
    with application.database.transaction() as session:
        record = session.scalars(select(AgencyRecord).where(AgencyRecord.code == agency)).first()
        if record is None or not caller.principal.may(Permission.ADMINISTER, record.id):
            raise CaseNotFound(f"机关 {agency}")
        choice = AgencyChoice(auto_confirm == "yes", id_copy_required == "yes")
        now = application.clock.now()
        choose(session, record.id, choice, caller.principal.name, now)
        caller.audit(
            session,
            now,
            "portal_settings_changed",
            agency_id=record.id,
            auto_confirm=choice.auto_confirm,
            id_copy_required=choice.id_copy_required,
        )
    return redirect(f"/console/portal?saved={agency}")
