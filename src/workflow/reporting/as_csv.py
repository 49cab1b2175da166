"""The report as CSV: table 三, a blank line, table 四, a blank line, the checks.

Each block has its own header row; the first column names the block (三, 四, check,
change) so a spreadsheet filter or a script can pick one out. A report for a year not
yet over starts with a ``note`` row saying so.
"""

from __future__ import annotations

import io

from workflow.reporting.format2021 import (
    APPEAL_CELLS,
    APPEAL_KINDS,
    COLUMNS,
    TABLE3_ROWS,
)
from workflow.reporting.report import AnnualReport
from workflow.spreadsheet_cells import CsvWriter


def to_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    writer = CsvWriter(out)
    notice = report.provisional_notice
    if notice:
        writer.writerow(["note", "provisional", notice])
        writer.writerow([])
    writer.writerow(["table", "row", "label", *COLUMNS])
    for row in TABLE3_ROWS:
        cells = report.table3[row.code]
        writer.writerow(["三", row.code, row.full_label, *(cells[c] for c in COLUMNS)])
    writer.writerow([])
    writer.writerow(["table", "kind", "label", *APPEAL_CELLS])
    for kind, label in APPEAL_KINDS.items():
        cells = report.table4[kind]
        writer.writerow(["四", kind, label, *(cells[c] for c in APPEAL_CELLS)])
    writer.writerow([])
    writer.writerow(["check", "code", "title", "status", "detail", "case_count", "cases"])
    for check in report.checks:
        writer.writerow(
            [
                "check",
                check.code,
                check.title,
                check.status.value,
                check.detail,
                check.case_count,
                " ".join(check.cases),
            ]
        )
    for change in report.changes:
        if change.case_count:
            writer.writerow(
                [
                    "change",
                    change.code,
                    change.sentence,
                    "counted" if change.counted else "not counted",
                    f"{change.after}..{change.until}",
                    change.case_count,
                    " ".join(change.cases),
                ]
            )
    return out.getvalue()
