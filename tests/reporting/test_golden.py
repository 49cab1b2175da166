"""The Markdown and XLSX forms of one fixed report, against goldens under ``golden/``.

The XLSX is compared by what a reader sees (sheet names, cell values, merged ranges),
not by bytes. After a deliberate change to a layout, regenerate with
``WORKFLOW_UPDATE_GOLDENS=1 pytest tests/reporting/test_golden.py`` and read the diff.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.reporting.casebook import write
from tests.reporting.test_report_cli import APPEALS, CASES
from tests.stores import TODAY, TestApplication
from workflow.reporting import (
    AnnualReport,
    ReportRequest,
    annual_report,
    resolve_scope,
    to_markdown,
    to_xlsx,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WORKFLOW_UPDATE_GOLDENS") == "1"


@pytest.fixture
def fixed_report(app: TestApplication) -> AnnualReport:
    write(app.database, CASES, APPEALS)
    with app.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        return annual_report(
            session, app.registry, scope, ReportRequest(2023, TODAY, date(2024, 1, 31))
        )


def _seen(workbook_bytes: bytes) -> dict[str, Any]:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    return {
        sheet.title: {
            "cells": {
                cell.coordinate: cell.value
                for row in sheet.iter_rows()
                for cell in row
                if cell.value is not None
            },
            "merged": sorted(str(merged) for merged in sheet.merged_cells.ranges),
        }
        for sheet in workbook.worksheets
    }


def test_markdown_matches_the_golden(fixed_report: AnnualReport) -> None:
    path = GOLDEN / "annual-2023-zbgd.md"
    text = to_markdown(fixed_report)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_xlsx_matches_the_golden_cell_by_cell(fixed_report: AnnualReport) -> None:
    path = GOLDEN / "annual-2023-zbgd.xlsx"
    produced = to_xlsx(fixed_report)
    if UPDATE:
        path.write_bytes(produced)
    assert _seen(produced) == _seen(path.read_bytes())


def test_the_xlsx_header_is_merged_like_the_2021_format(fixed_report: AnnualReport) -> None:
    seen = _seen(to_xlsx(fixed_report))
    table3, table4 = seen["表三"], seen["表四"]
    # The label corner (3 x 3), 申请人情况 over 7 columns, 法人或其他组织 over 5.
    assert {"A4:C6", "D4:J4", "E5:I5", "D5:D6", "J5:J6"} <= set(table3["merged"])
    assert table3["cells"]["E5"] == "法人或其他组织"
    # 三、本年度办理结果 spans its 22 rows; (三)不予公开 its 8.
    assert "A9:A30" in table3["merged"]
    assert "B11:B18" in table3["merged"]
    # Table 四: 行政复议 over 5 columns and 2 rows, 行政诉讼 over 10.
    assert {"A4:E5", "F4:O4", "F5:J5", "K5:O5"} <= set(table4["merged"])
    assert table4["cells"]["B7"] == 1  # 行政复议, 结果纠正
