"""``/api/v1/reports/annual``: tables 三 and 四 for the agencies in the caller's scope, as
JSON or in a file format; every export is audited."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.errors import Forbidden, InvalidInput
from workflow.reporting import (
    AnnualReport,
    AppealsRule,
    ReportRequest,
    annual_report,
    catch_up,
    resolve_scope,
    to_csv,
    to_html,
    to_markdown,
    to_xlsx,
)
from workflow.web.auth import Caller, CallerDep
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented
from workflow.web.scope import WHAT, agency_in_scope

router = APIRouter(prefix="/api/v1", tags=["reports"])
APPEALS = "^(" + "|".join(rule.value for rule in AppealsRule) + ")$"
MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The JSON report is an object (as `report annual --json` prints it), the workbook bytes.
SCHEMAS = {"json": {"type": "object"}, "xlsx": {"type": "string", "format": "binary"}}


@router.get(
    "/reports/annual",
    operation_id="annual_report",
    response_class=Response,
    responses={
        200: {
            "content": {
                media: {"schema": SCHEMAS.get(kind, {"type": "string"})}
                for kind, media in MEDIA.items()
            },
            "description": "The report, checked (`X-Report-Checks`: passed | failed)",
        },
        **documented(401, 403, 422, 503),
    },
)
def annual_report_route(
    caller: CallerDep,
    application: AppDep,
    year: Annotated[int, Query(ge=2008, le=2100)],
    agency: Annotated[str | None, Query(max_length=64, description="Default: every agency")] = None,
    subtree: bool = False,
    as_of: date | None = None,
    previous_as_of: date | None = None,
    appeals: Annotated[str, Query(pattern=APPEALS)] = AppealsRule.FILED.value,
    format: Annotated[str, Query(pattern="^(json|csv|md|html|xlsx)$")] = "json",
) -> Response:
    """Tables 三 and 四 of a year for an agency (with ``subtree``: and those below it)."""
    report = build_report(
        application,
        caller,
        ReportRequest(
            year=year,
            today=application.clock.today(),
            as_of=as_of,
            previous_as_of=previous_as_of,
            appeals_rule=AppealsRule(appeals),
        ),
        agency,
        subtree=subtree,
    )
    content, media, filename = report_file(report, format)
    audit_export(application, caller, report, format)
    headers = {"X-Report-Checks": "failed" if report.failed else "passed"}
    if filename is not None:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(content, media_type=media, headers=headers)


def build_report(
    application: Application,
    caller: Caller,
    request: ReportRequest,
    agency: str | None,
    *,
    subtree: bool = False,
) -> AnnualReport:
    """The report of ``agency`` (None: every agency) when the caller may read it."""
    if subtree and agency is None:
        raise InvalidInput("subtree needs agency")
    with application.database.reading() as session:
        if agency is None:
            if not caller.principal.covers_everything(Permission.REPORTS):
                raise Forbidden("a report of every agency needs a grant on every agency")
        else:
            agency_in_scope(session, caller, agency, Permission.REPORTS)
        scope = resolve_scope(session, agency, subtree=subtree)
    if not set(scope.ids) <= caller.principal.agencies(Permission.REPORTS):
        raise Forbidden(WHAT[Permission.REPORTS] + " (on every agency below it, for a subtree)")
    catch_up(application.database, application.registry)
    with application.database.reading() as session:
        return annual_report(session, application.registry, scope, request)


def report_file(report: AnnualReport, format: str) -> tuple[str | bytes, str, str | None]:
    """The report in ``format``: its content, media type and file name (None for JSON)."""
    content: str | bytes
    if format == "xlsx":
        content = to_xlsx(report)
    elif format == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False), MEDIA["json"], None
    else:
        content = {"csv": to_csv, "md": to_markdown, "html": to_html}[format](report)
        if format == "csv":
            content = "\ufeff" + content  # Excel opens a Chinese CSV as UTF-8 with a BOM
    return content, MEDIA[format], f"report-{report.year}.{format}"


def audit_export(
    application: Application, caller: Caller, report: AnnualReport, format: str
) -> None:
    with application.database.transaction() as session:
        caller.audit(
            session,
            application.clock.now(),
            "report_exported",
            agency_id=report.scope.ids[0] if report.scope.code is not None else None,
            year=report.year,
            scope=report.scope.description,
            format=format,
        )
