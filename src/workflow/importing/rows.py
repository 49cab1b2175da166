"""One import row being validated: typed fields out, every problem noted with row and field.

A field that fails gives ``None`` and a problem; validation goes on, so one run reports
every bad cell of the file. Codes may be given as the engine's code or its Chinese label
(``natural_person`` or ``自然人``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from workflow.codes import code_for, known
from workflow.importing.source import SourceRow

Problem = tuple[int, str, str]

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class CheckedRow:
    def __init__(self, row: SourceRow, problems: list[Problem]) -> None:
        self.number = row.number
        self._values = row.values
        self._problems = problems

    def fail(self, field: str, problem: str) -> None:
        self._problems.append((self.number, field, problem))

    def text(self, field: str, *, required: bool = True, limit: int | None = None) -> str | None:
        value = self._values.get(field)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a spreadsheet cell
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.fail(field, "is empty")
            return None
        if limit is not None and len(text) > limit:
            self.fail(field, f"longer than {limit} characters")
            return None
        return text

    def code(self, field: str, codes: Mapping[str, str], *, required: bool = True) -> str | None:
        """A code from ``codes`` (code -> label), given as the code or the label."""
        text = self.text(field, required=required)
        if text is None:
            return None
        code = code_for(text, codes)
        if code is None:
            self.fail(field, f"unknown value {text!r}; one of: {known(codes)}")
        return code

    def date(self, field: str, *, required: bool = True, today: date) -> date | None:
        value = self._values.get(field)
        if isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        else:
            text = self.text(field, required=required)
            if text is None:
                return None
            parsed = _parse_date(text)
            if parsed is None:
                self.fail(field, f"{text!r} is not a date (YYYY-MM-DD)")
                return None
            found = parsed
        if found > today:
            self.fail(field, f"{found} is in the future (today is {today})")
            return None
        return found

    def present(self, field: str) -> bool:
        value = self._values.get(field)
        return value is not None and str(value).strip() != ""


def _parse_date(text: str) -> date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
