"""The report as an Excel workbook laid out like the published tables (openpyxl).

Sheets 表三 and 表四 carry the 2021 Format's merged headers and labels from ``grid``,
numbers as numbers; sheet 检查 lists the checks and the late-recorded cases, in Chinese.
Every sheet prints on A4 landscape, fitted to the page's width, its header rows repeated
on each page. The workbook's document dates are the as-of date, so the same report gives
the same file content whenever it is run.
"""

from __future__ import annotations

import io
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from workflow.clock import CHINA
from workflow.reporting.format2021 import TITLE_TABLE3, TITLE_TABLE4
from workflow.reporting.grid import LABEL_COLUMNS, Grid, table3_grid, table4_grid
from workflow.reporting.report import AnnualReport, Status
from workflow.spreadsheet_cells import XlsxValue, xlsx_cell, xlsx_row

FONT = "宋体"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
GRID_TOP = 4  # 1-based sheet row where a table's grid starts (after title and notes)


def to_xlsx(report: AnnualReport) -> bytes:
    workbook = Workbook()
    table3 = workbook.active
    assert table3 is not None
    table3.title = "表三"
    _sheet(table3, report, TITLE_TABLE3, table3_grid(report.table3), label_widths=(14, 14, 36))
    table4 = workbook.create_sheet("表四")
    _sheet(table4, report, TITLE_TABLE4, table4_grid(report.table4), label_widths=())
    rule = report.appeals_rule
    xlsx_cell(table4, 2, 1, f"表四口径（{rule.value}）：{rule.description}")
    _checks(workbook.create_sheet("检查"), report)
    notice = report.provisional_notice
    if notice:
        for sheet in (table3, table4):
            xlsx_cell(sheet, 3, 1, f"注意：{notice}").font = Font(name=FONT, size=10, bold=True)
    stamp = datetime.combine(report.as_of, time(0, 0), CHINA).replace(tzinfo=None)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "workflow"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet(
    sheet: Worksheet, report: AnnualReport, title: str, grid: Grid, label_widths: tuple[int, ...]
) -> None:
    xlsx_cell(sheet, 1, 1, title).font = Font(name=FONT, size=14, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
    xlsx_cell(sheet, 2, 1, f"{report.scope.name} {report.year}年（数据截至 {report.as_of}）")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=grid.width)
    for cell in grid.cells:
        row, col = GRID_TOP + cell.row, 1 + cell.col
        target = xlsx_cell(sheet, row, col, int(cell.text) if cell.number else cell.text)
        target.font = Font(name=FONT, size=10, bold=cell.header)
        label = not cell.header and not cell.number
        target.alignment = _LEFT if label and cell.col == LABEL_COLUMNS - 1 else _CENTER
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                sheet.cell(r, c).border = _BORDER
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + cell.rowspan - 1,
                end_column=col + cell.colspan - 1,
            )
    for index in range(grid.width):
        width = label_widths[index] if index < len(label_widths) else 10
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    corner = get_column_letter(1 + len(label_widths)) + str(GRID_TOP + grid.header_rows)
    sheet.freeze_panes = corner
    last_row = GRID_TOP + max(cell.row + cell.rowspan - 1 for cell in grid.cells)
    header = f"{GRID_TOP}:{GRID_TOP + grid.header_rows - 1}"
    _print_setup(sheet, columns=grid.width, rows=last_row, title_rows=header)


def _print_setup(sheet: Worksheet, *, columns: int, rows: int, title_rows: str) -> None:
    """A4 landscape, the table fitted to the page's width, its header rows on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = title_rows
    sheet.print_area = f"A1:{get_column_letter(columns)}{rows}"


_STATUS = {Status.PASSED: "通过", Status.FAILED: "未通过", Status.SKIPPED: "未检查"}
_CHECK_COLUMNS = (("检查", 36), ("代码", 14), ("结果", 10), ("说明", 60), ("件数", 8), ("案件", 60))


def _checks(sheet: Worksheet, report: AnnualReport) -> None:
    rows: list[list[XlsxValue]] = [[name for name, _ in _CHECK_COLUMNS]]
    for check in report.checks:
        rows.append(
            [
                check.title,
                check.code,
                _STATUS[check.status],
                check.detail,
                check.case_count,
                " ".join(check.cases),
            ]
        )
    for change in report.changes:
        if change.case_count:
            rows.append(
                [
                    change.statement,
                    change.code,
                    "已计入" if change.counted else "未计入",
                    f"{change.after}至{change.until}",
                    change.case_count,
                    " ".join(change.cases),
                ]
            )
    for number, values in enumerate(rows, 1):
        xlsx_row(sheet, number, values)
    for row in sheet.iter_rows():
        for cell in row:
            cell.font = Font(name=FONT, size=10, bold=cell.row == 1)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, (_, width) in enumerate(_CHECK_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _print_setup(sheet, columns=len(_CHECK_COLUMNS), rows=len(rows), title_rows="1:1")
