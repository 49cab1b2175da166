"""What a printed report shows: the workbook's print setup and Chinese 检查 sheet, readable
columns and unbroken rows in the DOCX draft, and a year not yet over marked in every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from tests.cli import run
from tests.reporting.casebook import write
from tests.reporting.test_draft import figures_file  # noqa: F401 - a fixture
from tests.reporting.test_report_cli import APPEALS, CASES
from tests.stores import TODAY, TestApplication
from workflow.reporting import (
    AnnualReport,
    ReportRequest,
    annual_report,
    resolve_scope,
    to_csv,
    to_html,
    to_markdown,
    to_xlsx,
)
from workflow.reporting.as_docx import html_to_docx
from workflow.reporting.draft import draft_html
from workflow.reporting.figures import load_figures

NOT_OVER = "2023年尚未结束：数据截至 2023-06-30，不是年度最终数据"


def _report(app: TestApplication, as_of: date) -> AnnualReport:
    write(app.database, CASES, APPEALS)
    with app.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        return annual_report(session, app.registry, scope, ReportRequest(2023, TODAY, as_of))


def test_every_sheet_prints_landscape_fitted_to_width_with_its_headers(
    app: TestApplication,
) -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(_report(app, date(2024, 1, 31)))))
    expected = {
        "表三": ("$4:$6", "$A$1:$J$31"),
        "表四": ("$4:$6", "$A$1:$O$7"),
        "检查": ("$1:$1", None),
    }
    for sheet in workbook.worksheets:
        title_rows, area = expected[sheet.title]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == title_rows
        assert sheet.print_area == f"'{sheet.title}'!" + (area or f"$A$1:$F${sheet.max_row}")


def test_the_checks_sheet_is_in_chinese(app: TestApplication) -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(_report(app, date(2023, 6, 30)))))
    rows = list(workbook["检查"].iter_rows(values_only=True))
    assert rows[0] == ("检查", "代码", "结果", "说明", "件数", "案件")
    assert {row[2] for row in rows[1:]} <= {"通过", "未通过", "未检查", "已计入", "未计入"}
    assert ("截至日2023-06-30之后记录的2件未计入本报告", "not_counted", "未计入") in {
        row[:3] for row in rows
    }


def test_draft_columns_keep_table_three_labels_readable(
    app: TestApplication,
    figures_file: Path,  # noqa: F811 - the fixture
) -> None:
    report = _report(app, date(2024, 1, 31))
    docx = html_to_docx(draft_html(report, load_figures(figures_file)), report.as_of)
    table3 = Document(io.BytesIO(docx)).tables[1]
    widths = [column.width for column in table3.columns]
    assert sum(widths) <= (210 - 28 - 26) * 36000  # within the page, in EMU
    _section, group, item, *numbers = widths
    # A label holds at least four characters of 9 pt a line (an item eight), a number two.
    assert group >= 4 * Pt(9)
    assert item >= 8 * Pt(9)
    assert min(numbers) >= 2 * Pt(9)
    assert item > group > max(numbers)
    # Its three header rows repeat on every page; no row breaks across pages.
    rows = table3._tbl.tr_lst
    assert [row.trPr.find(qn("w:tblHeader")) is not None for row in rows[:4]] == [
        True,
        True,
        True,
        False,
    ]
    assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in rows)


def test_a_year_not_over_says_so_in_every_format(
    app: TestApplication,
    figures_file: Path,  # noqa: F811 - the fixture
) -> None:
    report = _report(app, date(2023, 6, 30))
    assert not report.final
    assert f"- 注意：{NOT_OVER}" in to_markdown(report).splitlines()
    assert f"<li>注意：{NOT_OVER}</li>" in to_html(report)
    assert next(csv.reader(io.StringIO(to_csv(report)))) == ["note", "provisional", NOT_OVER]
    assert report.as_dict()["final"] is False
    workbook = load_workbook(io.BytesIO(to_xlsx(report)))
    for sheet in ("表三", "表四"):
        assert workbook[sheet]["A3"].value == f"注意：{NOT_OVER}"
    html = draft_html(report, load_figures(figures_file))
    assert f"（{NOT_OVER}）" in html
    docx = Document(io.BytesIO(html_to_docx(html, report.as_of)))
    assert f"（{NOT_OVER}）" in [paragraph.text for paragraph in docx.paragraphs][:3]


@pytest.mark.parametrize("as_of", [date(2023, 12, 31), date(2024, 1, 31)])
def test_a_year_that_is_over_carries_no_notice(app: TestApplication, as_of: date) -> None:
    report = _report(app, as_of)
    assert report.final
    assert "不是年度最终数据" not in to_markdown(report) + to_csv(report) + to_html(report)
    assert json.loads(json.dumps(report.as_dict()))["final"] is True
    assert load_workbook(io.BytesIO(to_xlsx(report)))["表三"]["A3"].value is None


def test_the_command_line_json_says_final(
    capsys: pytest.CaptureFixture[str], app: TestApplication
) -> None:
    write(app.database, CASES, APPEALS)
    done = run(
        capsys, "--db", app.settings.db_url, "report", "annual", "--year", "2023",
        "--agency", "zbgd", "--as-of", "2023-06-30", "--format", "json",
    )  # fmt: skip
    assert json.loads(done.out)["final"] is False
