"""``/api/v1/audit``: the audit log for auditors and admins, as JSON and as CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from workflow.access import audit
from workflow.access.roles import Permission
from workflow.errors import Forbidden
from workflow.web.auth import Caller, CallerDep
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented

router = APIRouter(prefix="/api/v1", tags=["audit"])


class AuditEntry(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    agency: str | None
    case: str | None
    batch: str | None
    address: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    entries: list[AuditEntry]


def audit_entries(
    caller: Caller,
    application: AppDep,
    action: str | None,
    case: str | None,
    batch: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The caller's audit entries, newest first (the API's and the console's)."""
    principal = caller.principal
    if not principal.may(Permission.READ_AUDIT):
        raise Forbidden("reading the audit log needs the auditor or admin role")
    with application.database.reading() as session:
        return audit.audit_rows(
            session,
            principal.agencies(Permission.READ_AUDIT),
            everything=principal.covers_everything(Permission.READ_AUDIT),
            action=action,
            case=case,
            batch=batch,
            limit=limit,
        )


Action = Annotated[str | None, Query(max_length=64, description="Only this action")]
CaseNumber = Annotated[str | None, Query(max_length=64, description="Only this case")]
Batch = Annotated[str | None, Query(max_length=64, description="Only this bulk batch")]
Limit = Annotated[int, Query(ge=1, le=10_000)]


@router.get(
    "/audit",
    operation_id="list_audit",
    response_model=AuditPage,
    responses=documented(401, 403, 422, 503),
)
def list_audit(
    caller: CallerDep,
    application: AppDep,
    action: Action = None,
    case: CaseNumber = None,
    batch: Batch = None,
    limit: Limit = 200,
) -> AuditPage:
    """Audit entries of the caller's agencies, newest first."""
    rows = audit_entries(caller, application, action, case, batch, limit)
    return AuditPage(entries=[AuditEntry(**row) for row in rows])


@router.get(
    "/audit.csv",
    operation_id="export_audit",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"},
        **documented(401, 403, 422, 503),
    },
)
def export_audit(
    caller: CallerDep,
    application: AppDep,
    action: Action = None,
    case: CaseNumber = None,
    batch: Batch = None,
    limit: Limit = 10_000,
) -> Response:
    """The same entries as CSV (UTF-8 with a BOM, so a spreadsheet reads the Chinese)."""
    rows = audit_entries(caller, application, action, case, batch, limit)
    with application.database.transaction() as session:
        caller.audit(session, application.clock.now(), "audit_exported", rows=len(rows))
    return Response(
        "\ufeff" + audit.audit_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
