"""Reading an import file (CSV or XLSX) into rows keyed by column name.

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2,
so a problem "row 17" is row 17 in Excel. Rows with every cell empty are skipped
(spreadsheets keep trailing blank rows). The header must name every required column
once; an unknown column is refused, so a typo is not silently ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workflow.errors import ImportRejected, InvalidInput
from workflow.input_files import UnreadableFile, check_regular, read_text

HEADER_ROW = 1


@dataclass(frozen=True)
class SourceRow:
    number: int  # the spreadsheet row number
    values: dict[str, Any]  # str from CSV; str, int, float, date, datetime or None from XLSX


def read_rows(
    path: Path, columns: tuple[str, ...], optional: frozenset[str], encoding: str = "utf-8-sig"
) -> list[SourceRow]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(path, encoding)
    elif suffix == ".xlsx":
        raw = _xlsx_rows(path)
    else:
        raise InvalidInput(f"{path}: import files are .csv or .xlsx")
    rows = iter(raw)
    header = next(rows, None)
    if header is None:
        raise ImportRejected(path, [(HEADER_ROW, "header", "the file is empty")])
    names = [str(cell).strip().lower() if cell is not None else "" for cell in header]
    _check_header(path, names, columns, optional)
    found = []
    overfull = []
    for number, cells in enumerate(rows, start=HEADER_ROW + 1):
        if any(not _blank(cell) for cell in cells[len(names) :]):  # a value under no column
            overfull.append((number, "row", f"{len(cells)} cells; the header names {len(names)}"))
        values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(names)}
        if all(_blank(value) for value in values.values()):
            continue
        found.append(SourceRow(number, values))
    if overfull:
        raise ImportRejected(path, overfull)
    return found


def _check_header(
    path: Path, names: list[str], columns: tuple[str, ...], optional: frozenset[str]
) -> None:
    problems = []
    for name in names:
        if name and name not in columns:
            problems.append((HEADER_ROW, name, f"unknown column; columns: {', '.join(columns)}"))
        elif name and names.count(name) > 1:
            problems.append((HEADER_ROW, name, "column given twice"))
    for name in columns:
        if name not in names and name not in optional:
            problems.append((HEADER_ROW, name, "missing column"))
    if problems:
        raise ImportRejected(path, sorted(set(problems)))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _csv_rows(path: Path, encoding: str) -> Iterable[list[Any]]:
    try:
        text = read_text(path, encoding)
    except UnreadableFile as error:
        hint = "; for a file saved by Excel as GBK, pass --encoding gb18030"
        raise InvalidInput(str(error) + (hint if "text (byte" in error.reason else "")) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as error:  # a cell past the field limit, a NUL byte
        raise ImportRejected(path, [(reader.line_num, "file", f"cannot read: {error}")]) from None


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # only XLSX imports pay for openpyxl

    try:
        check_regular(path)
    except UnreadableFile as error:
        raise InvalidInput(str(error)) from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise InvalidInput(f"{path}: not a readable .xlsx workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()
