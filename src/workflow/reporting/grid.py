"""Tables 三 and 四 laid out as the 2021 Format prints them: a grid of cells with spans.

One layout for every format that can merge cells (XLSX, HTML and, through HTML, DOCX),
so they cannot drift apart. Positions are 0-based (row, column) of the top-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.reporting.format2021 import (
    APPEAL_CELL_LABELS,
    APPEAL_CELLS,
    APPEAL_KINDS,
    APPLICANT_COLUMNS,
    APPLICANTS_LABEL,
    COLUMN_LABELS,
    COLUMNS,
    FLOW_NOTE,
    LITIGATION_LABEL,
    ORGANISATIONS_LABEL,
    TABLE3_ROWS,
    TOTAL,
)
from workflow.reporting.table3 import Table


@dataclass(frozen=True)
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    number: bool = False


@dataclass(frozen=True)
class Grid:
    rows: tuple[tuple[Cell, ...], ...]  # cells by the row they start in
    width: int
    header_rows: int

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(cell for row in self.rows for cell in row)


LABEL_COLUMNS = 3  # section, group, item


def table3_grid(table: Table) -> Grid:
    width = LABEL_COLUMNS + len(COLUMNS)
    first_value = LABEL_COLUMNS
    organisations = len(APPLICANT_COLUMNS) - 1
    rows: list[list[Cell]] = [
        [
            Cell(FLOW_NOTE, 0, 0, rowspan=3, colspan=LABEL_COLUMNS, header=True),
            Cell(APPLICANTS_LABEL, 0, first_value, colspan=len(COLUMNS), header=True),
        ],
        [
            Cell(COLUMN_LABELS[APPLICANT_COLUMNS[0]], 1, first_value, rowspan=2, header=True),
            Cell(ORGANISATIONS_LABEL, 1, first_value + 1, colspan=organisations, header=True),
            Cell(COLUMN_LABELS[TOTAL], 1, width - 1, rowspan=2, header=True),
        ],
        [
            Cell(COLUMN_LABELS[column], 2, first_value + 1 + index, header=True)
            for index, column in enumerate(APPLICANT_COLUMNS[1:])
        ],
    ]
    body = TABLE3_ROWS
    for index, row in enumerate(body):
        at = len(rows)
        cells: list[Cell] = []
        previous = body[index - 1] if index else None
        if not row.group:
            cells.append(Cell(row.section, at, 0, colspan=LABEL_COLUMNS))
        else:
            if previous is None or previous.section != row.section:
                span = sum(1 for other in body if other.section == row.section)
                cells.append(Cell(row.section, at, 0, rowspan=span))
            if not row.item:
                cells.append(Cell(row.group, at, 1, colspan=2))
            else:
                if previous is None or previous.group != row.group:
                    span = sum(1 for other in body if other.group == row.group)
                    cells.append(Cell(row.group, at, 1, rowspan=span))
                cells.append(Cell(row.item, at, 2))
        cells.extend(
            Cell(str(table[row.code][column]), at, first_value + offset, number=True)
            for offset, column in enumerate(COLUMNS)
        )
        rows.append(cells)
    return Grid(tuple(tuple(row) for row in rows), width, header_rows=3)


def table4_grid(table: Table) -> Grid:
    per_kind = len(APPEAL_CELLS)
    kinds = list(APPEAL_KINDS)
    reconsideration, *litigation = kinds
    rows: list[list[Cell]] = [
        [
            Cell(APPEAL_KINDS[reconsideration], 0, 0, rowspan=2, colspan=per_kind, header=True),
            Cell(LITIGATION_LABEL, 0, per_kind, colspan=per_kind * len(litigation), header=True),
        ],
        [
            Cell(APPEAL_KINDS[kind], 1, per_kind * (1 + index), colspan=per_kind, header=True)
            for index, kind in enumerate(litigation)
        ],
        [
            Cell(APPEAL_CELL_LABELS[cell], 2, per_kind * k + c, header=True)
            for k in range(len(kinds))
            for c, cell in enumerate(APPEAL_CELLS)
        ],
        [
            Cell(str(table[kind][cell]), 3, per_kind * k + c, number=True)
            for k, kind in enumerate(kinds)
            for c, cell in enumerate(APPEAL_CELLS)
        ],
    ]
    return Grid(tuple(tuple(row) for row in rows), per_kind * len(kinds), header_rows=3)
