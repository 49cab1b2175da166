"""The annual report (2021 Format): tables 三 and 四 from the store as of a date, the
identity checks, exports (md, csv, xlsx, json, html), roll-up over the agency hierarchy
and the full report draft (HTML, DOCX)."""

from __future__ import annotations

from workflow.reporting.annual import ReportRequest, annual_report, reporting_date
from workflow.reporting.as_csv import to_csv
from workflow.reporting.as_docx import html_to_docx
from workflow.reporting.as_html import to_html
from workflow.reporting.as_markdown import to_markdown
from workflow.reporting.as_xlsx import to_xlsx
from workflow.reporting.draft import agency_contact, draft_html
from workflow.reporting.figures import Figures, load_figures, parse_figures
from workflow.reporting.report import AnnualReport, Changes, Check, Status
from workflow.reporting.scope import Scope, resolve_scope
from workflow.reporting.stamps import catch_up
from workflow.reporting.table4 import AppealsRule

__all__ = [
    "AnnualReport",
    "AppealsRule",
    "Changes",
    "Check",
    "Figures",
    "ReportRequest",
    "Scope",
    "Status",
    "agency_contact",
    "annual_report",
    "catch_up",
    "draft_html",
    "html_to_docx",
    "load_figures",
    "parse_figures",
    "reporting_date",
    "resolve_scope",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_xlsx",
]
