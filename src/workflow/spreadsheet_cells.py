"""Cells for the CSV and XLSX files the engine writes: text never becomes a formula.

Case numbers, agency names and check details are free text. A spreadsheet opening a CSV runs
a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (and a leading tab or carriage
return can hide one), so OWASP's rule applies to every text cell of every export: in CSV
such a cell gets a leading apostrophe; in XLSX it is written explicitly as a string, with
the quote-prefix style Excel itself gives text typed after an apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # a CSV export need not import openpyxl
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """A CSV cell: text that could start a formula behind an apostrophe, anything else as is."""
    if isinstance(value, str) and starts_formula(value):
        return "'" + value
    return value


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """``csv.writer`` whose every text cell goes through ``csv_text``.

    Lines end in CRLF (RFC 4180): with a bare LF terminator Python 3.11's writer leaves a
    field holding a carriage return unquoted, and the file no longer parses.
    """

    def __init__(self, out: _Writer) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_text(value) for value in row])


XlsxValue = str | int | float | None


def xlsx_cell(sheet: Worksheet, row: int, column: int, value: XlsxValue) -> Cell | MergedCell:
    """Write ``value`` to a sheet's cell; text that could start a formula stays text."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str) and starts_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Worksheet, row: int, values: Iterable[XlsxValue]) -> None:
    """Write ``values`` to a sheet's row from its first column, each through ``xlsx_cell``."""
    for column, value in enumerate(values, 1):
        xlsx_cell(sheet, row, column, value)
