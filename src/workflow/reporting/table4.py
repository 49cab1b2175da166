"""Table 四 from the appeals table: reconsiderations and lawsuits by kind and result.

An appeal can be filed in one year and decided in another, and the 2021 Format does not
say which year counts it. The rule is a report option and is printed with every report:

- ``filed-year-end`` (default): appeals filed in the year, with the result known by 31
  December (a result decided later still shows 尚未审结): the statistics period ends on 31
  December, so a decision in January does not change last year's table.
- ``filed``: appeals filed in the year, each counted once, in its filing year; the result
  is the one known on the as-of date, else 尚未审结.
- ``concluded``: appeals decided in the year, by result, plus every appeal pending on
  31 December, whenever filed (an appeal pending over several year ends shows in each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from workflow.reporting.asof import View, YearSpan
from workflow.reporting.format2021 import APPEAL_CELLS, APPEAL_KINDS, APPEAL_RESULTS, PENDING
from workflow.reporting.scope import Scope
from workflow.reporting.table3 import Table, empty_table
from workflow.store.records import AppealRecord, CaseRecord

A = AppealRecord


class AppealsRule(StrEnum):
    FILED = "filed"
    FILED_YEAR_END = "filed-year-end"
    CONCLUDED = "concluded"

    @property
    def description(self) -> str:
        return _RULE_TEXT[self]


_RULE_TEXT = {
    AppealsRule.FILED: "本年提起的复议、诉讼，按统计日期已知的结果计；未审结的计入“尚未审结”",
    AppealsRule.FILED_YEAR_END: (
        "本年提起的复议、诉讼，按12月31日前的结果计；此后审结的仍计入“尚未审结”"
    ),
    AppealsRule.CONCLUDED: "本年审结的复议、诉讼按结果计，另计12月31日尚未审结的（不论何年提起）",
}


@dataclass(frozen=True)
class AppealCounting:
    """One rule applied in one view: which appeals count, and in which cell."""

    rule: AppealsRule
    view: View
    span: YearSpan

    def filing_known(self) -> ColumnElement[bool]:
        return or_(A.filed_recorded_on.is_(None), A.filed_recorded_on <= self.view.cutoff)

    def decided_by(self, day: date | None) -> ColumnElement[bool]:
        known = and_(
            A.result.is_not(None),
            or_(A.decided_recorded_on.is_(None), A.decided_recorded_on <= self.view.cutoff),
        )
        return known if day is None else and_(known, A.decided_on.is_not(None), A.decided_on <= day)

    def counted(self) -> ColumnElement[bool]:
        span = self.span
        if self.rule is AppealsRule.CONCLUDED:
            decided = self.decided_by(span.end)
            return and_(
                self.filing_known(),
                A.filed_on <= span.end,
                or_(and_(decided, A.decided_on >= span.start), ~decided),
            )
        return and_(self.filing_known(), A.filed_on.between(span.start, span.end))

    def cell(self) -> ColumnElement[str]:
        day = None if self.rule is AppealsRule.FILED else self.span.end
        return case((self.decided_by(day), A.result), else_=literal(PENDING))


@dataclass
class Table4Counts:
    table: Table
    bad: set[tuple[str, str]]  # (kind, cell) outside the vocabulary


def count_table4(session: Session, scope: Scope, counting: AppealCounting) -> Table4Counts:
    cell = counting.cell()
    query = (
        select(A.kind, cell, func.count())
        .join(CaseRecord, CaseRecord.id == A.case_id)
        .where(CaseRecord.agency_id.in_(scope.ids), counting.view.known(), counting.counted())
        .group_by(A.kind, cell)
    )
    table = empty_table(tuple(APPEAL_KINDS), APPEAL_CELLS)
    bad: set[tuple[str, str]] = set()
    for kind, result, count in session.execute(query):
        if kind not in APPEAL_KINDS or result not in APPEAL_RESULTS:
            bad.add((str(kind), str(result)))
        if kind in APPEAL_KINDS:
            table[kind]["total"] += int(count)
            if result in APPEAL_RESULTS:
                table[kind][result] += int(count)
    return Table4Counts(table, bad)


def appeal_cases(
    session: Session, scope: Scope, counting: AppealCounting, where: ColumnElement[bool]
) -> list[str]:
    """Case numbers of the counted appeals matching ``where``."""
    query = (
        select(CaseRecord.number)
        .join(CaseRecord, CaseRecord.id == A.case_id)
        .where(
            CaseRecord.agency_id.in_(scope.ids),
            counting.view.known(),
            counting.counted(),
            where,
        )
        .distinct()
        .order_by(CaseRecord.number)
    )
    return list(session.scalars(query))


def appeals_changed(
    session: Session, scope: Scope, earlier: AppealCounting, later: AppealCounting
) -> list[str]:
    """Case numbers whose appeals table 四 counts differently in two views."""
    after = earlier.view.cutoff
    query = (
        select(
            CaseRecord.number,
            case((and_(earlier.view.known(), earlier.counted()), earlier.cell()), else_=None),
            case((and_(later.view.known(), later.counted()), later.cell()), else_=None),
        )
        .join(CaseRecord, CaseRecord.id == A.case_id)
        .where(
            CaseRecord.agency_id.in_(scope.ids),
            or_(A.filed_recorded_on > after, A.decided_recorded_on > after),
        )
    )
    return sorted({number for number, first, second in session.execute(query) if first != second})
