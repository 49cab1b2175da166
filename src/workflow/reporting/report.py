"""The annual report as data: tables 三 and 四, the checks and what changed, no formatting.

``as_dict`` is the stable JSON form (README, "Annual report JSON")::

    {"year", "agency", "agencies", "as_of", "final", "previous_as_of", "appeals_rule",
     "table3": {ROW: {"natural_person", ..., "other_org", "total"}},
     "table4": {KIND: {"maintained", "corrected", "other", "pending", "total"}},
     "checks": [{"code", "title", "status", "detail", "case_count", "cases"}],
     "changes": [{"code", "after", "until", "counted", "case_count", "imported", "cases"}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from workflow.reporting.scope import Scope
from workflow.reporting.table3 import Table
from workflow.reporting.table4 import AppealsRule

LISTED = 100  # case numbers listed per check or change; the count is always complete


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    """One identity, its outcome, and the cases that break it (at most ``LISTED``)."""

    code: str
    title: str
    status: Status
    detail: str
    cases: tuple[str, ...] = ()
    case_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "status": self.status.value,
            "detail": self.detail,
            "case_count": self.case_count,
            "cases": list(self.cases),
        }


@dataclass(frozen=True)
class Changes:
    """Cases whose figures for the year were recorded in (after, until].

    ``counted``: this report includes them (recorded after the statutory reporting date,
    so an earlier run differs); otherwise they came after the as-of date and are not in it.
    """

    code: str
    after: date
    until: date
    counted: bool
    cases: tuple[str, ...]
    case_count: int
    imported: int = 0  # of case_count, cases brought in by `workflow import`

    @property
    def sentence(self) -> str:
        cases = f"{self.case_count} case(s)"
        if self.imported:
            cases += f" ({self.imported} imported)"
        if self.counted:
            return (
                f"{cases} recorded after {self.after} are counted here: "
                f"a report run on {self.after} differs"
            )
        return f"{cases} recorded after the as-of date {self.after} are not counted here"

    @property
    def statement(self) -> str:
        """``sentence`` in Chinese, for the workbook's 检查 sheet."""
        cases = f"{self.case_count}件"
        if self.imported:
            cases += f"（其中导入{self.imported}件）"
        if self.counted:
            return f"{self.after}之后记录的{cases}已计入本报告：{self.after}生成的报告与此不同"
        return f"截至日{self.after}之后记录的{cases}未计入本报告"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "after": self.after.isoformat(),
            "until": self.until.isoformat(),
            "counted": self.counted,
            "case_count": self.case_count,
            "imported": self.imported,
            "cases": list(self.cases),
        }


@dataclass(frozen=True)
class AnnualReport:
    year: int
    scope: Scope
    as_of: date
    previous_as_of: date
    appeals_rule: AppealsRule
    table3: Table
    table4: Table
    checks: tuple[Check, ...]
    changes: tuple[Changes, ...]

    @property
    def final(self) -> bool:
        """Whether the year is over at the as-of date (figures for part of a year are not)."""
        return self.as_of >= date(self.year, 12, 31)

    @property
    def provisional_notice(self) -> str | None:
        """What every format says of a report for a year not yet over; None when it is."""
        if self.final:
            return None
        return f"{self.year}年尚未结束：数据截至 {self.as_of}，不是年度最终数据"

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.status is Status.FAILED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "agency": self.scope.code,
            "agencies": list(self.scope.codes),
            "as_of": self.as_of.isoformat(),
            "final": self.final,
            "previous_as_of": self.previous_as_of.isoformat(),
            "appeals_rule": {
                "code": self.appeals_rule.value,
                "description": self.appeals_rule.description,
            },
            "table3": self.table3,
            "table4": self.table4,
            "checks": [check.as_dict() for check in self.checks],
            "changes": [change.as_dict() for change in self.changes if change.case_count],
        }
