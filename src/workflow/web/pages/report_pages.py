"""``/console/reports``: the annual report of a year for an agency, its subtree or every
agency: tables 三 and 四 in the 2021 layout, the checks (a failing one lists its cases
as links), charts drawn by the server, and the downloads. The report is the API's
(``reports_routes.build_report``), with the API's rules on who may read it."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from workflow import bounded_yaml
from workflow.access.roles import Permission
from workflow.application import Application
from workflow.errors import Forbidden, InvalidInput
from workflow.reporting import AnnualReport, ReportRequest, html_to_docx
from workflow.reporting.as_html import check_items
from workflow.reporting.charts import (
    answer_times,
    applications_per_month,
    bar_chart_svg,
    outcomes_by_row,
)
from workflow.reporting.draft import agency_contact, draft_html
from workflow.reporting.figures import parse_figures
from workflow.reporting.format2021 import TITLE_TABLE3, TITLE_TABLE4
from workflow.reporting.grid import table3_grid, table4_grid
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.choices import agency_options
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page
from workflow.web.reports_routes import audit_export, build_report, report_file
from workflow.web.scope import require

router = APIRouter(prefix="/console", include_in_schema=False)
EVERY_AGENCY = "*"  # the roll-up of every agency, for a grant on every agency
DOWNLOADS = (("xlsx", "Excel 工作簿（XLSX）"), ("md", "Markdown"), ("csv", "CSV"))
FORMATS = {code for code, _ in DOWNLOADS}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What the draft's figures form starts with: every figure the engine cannot count.
FIGURES_TEMPLATE = """table2:
  regulations: {issued: 0, repealed: 0, in_force: 0}
  normative_documents: {issued: 0, repealed: 0, in_force: 0}
  licensing: 0
  penalties: 0
  enforcement: 0
  administrative_fees: 0
fees_collected: 0
overview: |
  【待填写】
problems: |
  【待填写】
"""


def _agencies(application: Application, caller: Caller) -> list[tuple[str, str]]:
    """The agencies whose reports the caller may read, and the roll-up if they may."""
    options = agency_options(application, caller, Permission.REPORTS)
    if caller.principal.covers_everything(Permission.REPORTS):
        options.append((EVERY_AGENCY, "全部机关（汇总）"))
    return options


def _chosen(
    application: Application, caller: Caller, year: str | None, agency: str | None
) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str]]]:
    options = _agencies(application, caller)
    own = next(
        (code for code, _ in options if code != EVERY_AGENCY),
        options[0][0] if options else "",
    )
    values = {"year": year or str(application.clock.today().year), "agency": agency or own}
    errors: dict[str, str] = {}
    text = values["year"].strip()
    if not (text.isdigit() and 2008 <= int(text) <= 2100):
        errors["year"] = "年度须为2008至2100之间的四位数字"
    if values["agency"] not in {code for code, _ in options}:
        errors["agency"] = "请从列表中选择您有权查看报告的机关"
    return values, errors, options


def _report(
    application: Application, caller: Caller, values: dict[str, str], subtree: bool
) -> AnnualReport:
    agency = None if values["agency"] == EVERY_AGENCY else values["agency"]
    request = ReportRequest(year=int(values["year"]), today=application.clock.today())
    return build_report(
        application, caller, request, agency, subtree=subtree and agency is not None
    )


@router.get("/reports")
def report_page(
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    year: str | None = None,
    agency: str | None = None,
    subtree: bool = False,
) -> Response:
    return _page(request, caller, application, year, agency, subtree, FIGURES_TEMPLATE, {})


def _page(
    request: Request,
    caller: Caller,
    application: Application,
    year: str | None,
    agency: str | None,
    subtree: bool,
    figures: str,
    figure_errors: dict[str, str],
) -> Response:
    require(caller, Permission.REPORTS)
    values, errors, options = _chosen(application, caller, year, agency)
    values["figures"] = figures
    context: dict[str, Any] = {
        "values": values,
        "errors": errors,
        "figure_errors": figure_errors,
        "options": options,
        "subtree": subtree,
    }
    if errors:
        return page(
            request,
            "console/reports/report.html",
            caller=caller,
            status=422,
            report=None,
            **context,
        )
    report = _report(application, caller, values, subtree)
    with application.database.reading() as session:
        charts = [
            applications_per_month(session, report.scope.ids, report.year),
            outcomes_by_row(report),
            answer_times(session, application.calendar, report.scope.ids, report.year),
        ]
    query = f"year={values['year']}&agency={values['agency']}" + (
        "&subtree=true" if subtree else ""
    )
    return page(
        request,
        "console/reports/report.html",
        caller=caller,
        report=report,
        table3=table3_grid(report.table3),
        table4=table4_grid(report.table4),
        titles=(TITLE_TABLE3, TITLE_TABLE4),
        checks=check_items(report),
        charts=[(chart, bar_chart_svg(chart)) for chart in charts],
        downloads=[
            (f"/console/reports/download?{query}&format={code}", label) for code, label in DOWNLOADS
        ],
        status=422 if figure_errors else 200,
        **context,
    )


@router.post("/reports/draft")
def draft(
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    year: str = Form(""),
    agency: str = Form(""),
    subtree: bool = Form(False),
    figures: str = Form(""),
) -> Response:
    """The whole 2021-Format report (sections 一 to 六) as a DOCX draft, from the figures
    an officer enters (table 二, the fees, the text): as ``workflow report draft``."""
    require(caller, Permission.REPORTS)
    values, errors, _ = _chosen(application, caller, year, agency)
    problem = None
    if not errors:
        try:
            parsed = parse_figures(bounded_yaml.load(figures), "表二等数据")
        except yaml.YAMLError as error:
            problem = f"无法读取（YAML）：{bounded_yaml.describe(error)}"
        except InvalidInput as error:
            problem = f"数据有误：{error}"
    if errors or problem is not None:
        figure_errors = {"figures": problem} if problem else {}
        return _page(request, caller, application, year, agency, subtree, figures, figure_errors)
    report = _report(application, caller, values, subtree)
    with application.database.reading() as session:
        contact = agency_contact(session, report.scope.code)
    content = html_to_docx(draft_html(report, parsed, contact), report.as_of)
    audit_export(application, caller, report, "docx")
    return Response(
        content,
        media_type=DOCX,
        headers={
            "Content-Disposition": f'attachment; filename="report-{report.year}-draft.docx"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/reports/download")
def download(
    caller: ConsoleCaller,
    application: AppDep,
    format: str,
    year: str | None = None,
    agency: str | None = None,
    subtree: bool = False,
) -> Response:
    require(caller, Permission.REPORTS)
    values, errors, _ = _chosen(application, caller, year, agency)
    if format not in FORMATS:
        raise InvalidInput(f"unknown format {format!r}; formats: {', '.join(sorted(FORMATS))}")
    if errors:
        raise Forbidden(errors["agency"]) if "agency" in errors else InvalidInput(errors["year"])
    report = _report(application, caller, values, subtree)
    content, media, filename = report_file(report, format)
    audit_export(application, caller, report, format)
    return Response(
        content,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
