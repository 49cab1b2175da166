"""``/console/admin/audit``: the audit log for auditors and admins, filtered by action,
case or bulk batch, and its CSV export (formula-safe, as the API's): the entries are the
API's (``audit_routes.audit_entries``)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from workflow.access import audit
from workflow.errors import InvalidInput
from workflow.web.audit_routes import audit_entries
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page

router = APIRouter(prefix="/console", include_in_schema=False)
SHOWN = 200
EXPORTED = 10_000


def _filters(action: str, case: str, batch: str) -> tuple[dict[str, str], dict[str, str]]:
    values = {"action": action.strip(), "case": case.strip(), "batch": batch.strip()}
    errors = {name: "不超过64个字符" for name, value in values.items() if len(value) > 64}
    return values, errors


@router.get("/admin/audit")
def audit_page(
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    action: str = "",
    case: str = "",
    batch: str = "",
) -> Response:
    values, errors = _filters(action, case, batch)
    given = {name: value for name, value in values.items() if value}
    rows = (
        []
        if errors
        else audit_entries(
            caller, application, given.get("action"), given.get("case"), given.get("batch"), SHOWN
        )
    )
    return page(
        request,
        "console/admin/audit.html",
        caller=caller,
        status=422 if errors else 200,
        values=values,
        errors=errors,
        rows=rows,
        shown=SHOWN,
        export=f"/console/admin/audit.csv?{urlencode(given)}"
        if given
        else "/console/admin/audit.csv",
    )


@router.get("/admin/audit.csv")
def audit_csv(
    caller: ConsoleCaller, application: AppDep, action: str = "", case: str = "", batch: str = ""
) -> Response:
    values, errors = _filters(action, case, batch)
    if errors:
        raise InvalidInput("a filter is at most 64 characters")
    given = {name: value or None for name, value in values.items()}
    rows = audit_entries(
        caller, application, given["action"], given["case"], given["batch"], EXPORTED
    )
    with application.database.transaction() as session:
        caller.audit(session, application.clock.now(), "audit_exported", rows=len(rows))
    return Response(
        "\ufeff" + audit.audit_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="audit.csv"',
            "Cache-Control": "no-store",
        },
    )
