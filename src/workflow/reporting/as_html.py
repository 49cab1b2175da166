"""The report as a standalone HTML page: the published tables with merged headers, the
checks and what the figures mean (``notifications/reports/annual_tables.html.j2``)."""

from __future__ import annotations

from typing import Any

from workflow.reporting.as_markdown import summary_lines
from workflow.reporting.format2021 import TITLE_TABLE3, TITLE_TABLE4
from workflow.reporting.grid import table3_grid, table4_grid
from workflow.reporting.report import AnnualReport, Status
from workflow.reporting.templates import render

_MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "–"}


def check_items(report: AnnualReport) -> list[dict[str, Any]]:
    return [{**check.as_dict(), "mark": _MARK[check.status]} for check in report.checks]


def to_html(report: AnnualReport) -> str:
    return render(
        "annual_tables.html.j2",
        {
            "agency_name": report.scope.name,
            "year": report.year,
            "summary": [line.removeprefix("- ") for line in summary_lines(report)],
            "title_table3": TITLE_TABLE3,
            "title_table4": TITLE_TABLE4,
            "table3": table3_grid(report.table3),
            "table4": table4_grid(report.table4),
            "checks": check_items(report),
        },
    )
