"""The identities a published report must satisfy, checked on every report.

- ``flow``: per column, 一 + 二 = 三(七) + 四;
- ``results``: per column, 三(七) = (一) + … + (六);
- ``columns``: per row, 总计 = the six applicant columns;
- ``carried_over``: per column, this year's 二 = last year's 四 as it stood on last year's
  reporting date (default 31 January): a difference means a case of earlier years was
  recorded or corrected after last year's report. Skipped when the store held no case of
  these agencies on that date;
- ``appeals``: table 四's 总计 = its four results, every appeal of a known kind and result.

The counts come from independent sums (三(七) and 总计 are counted, not added up), so a
failing identity points at real cases, and each failing check lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, false, not_, or_, select
from sqlalchemy.orm import Session

from workflow.reporting.asof import (
    C,
    View,
    YearSpan,
    flag,
    flow_broken,
    recorded_between,
)
from workflow.reporting.branches import branches
from workflow.reporting.format2021 import (
    APPEAL_CELLS,
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    COLUMN_LABELS,
    COLUMNS,
    RESULT_ROWS,
    ROW_CODES,
    TOTAL,
)
from workflow.reporting.report import LISTED, Check, Status
from workflow.reporting.scope import Scope
from workflow.reporting.table3 import Table3Counts
from workflow.reporting.table4 import A, AppealCounting, Table4Counts, appeal_cases


class CheckRunner:
    def __init__(
        self, session: Session, scope: Scope, span: YearSpan, view: View, previous: View
    ) -> None:
        self.session = session
        self.scope = scope
        self.span = span
        self.view = view
        self.previous = previous

    def run(
        self, counts: Table3Counts, appeals: Table4Counts, counting: AppealCounting
    ) -> tuple[Check, ...]:
        return (
            self.flow(counts),
            self.results(counts),
            self.columns(counts),
            self.carried_over(counts),
            self.appeals(appeals, counting),
        )

    def flow(self, counts: Table3Counts) -> Check:
        table = counts.table
        wrong = [
            f"{COLUMN_LABELS[c]}: 一+二 = {table['1'][c] + table['2'][c]}, "
            f"三(七)+四 = {table['3.7'][c] + table['4'][c]}"
            for c in COLUMNS
            if table["1"][c] + table["2"][c] != table["3.7"][c] + table["4"][c]
        ]
        return self._check(
            "flow", "一 + 二 = 三(七) + 四", wrong, flow_broken(self.view, self.span)
        )

    def results(self, counts: Table3Counts) -> Check:
        table = counts.table
        wrong = []
        for column in COLUMNS:
            cells = sum(table[row][column] for row in RESULT_ROWS)
            if cells != table["3.7"][column]:
                wrong.append(
                    f"{COLUMN_LABELS[column]}: 三(七) = {table['3.7'][column]}, (一)…(六) = {cells}"
                )
        unmapped = [
            and_(
                C.definition_id == definition_id,
                C.definition_version == version,
                C.first_outcome == outcome if outcome is not None else C.first_outcome.is_(None),
            )
            for definition_id, version, outcome in sorted(
                counts.unmapped, key=lambda key: (key[0], key[1], key[2] or "")
            )
        ]
        if counts.unmapped:
            names = ", ".join(sorted({str(outcome) for _, _, outcome in counts.unmapped}))
            wrong.append(f"outcomes with no row of the 2021 Format: {names}")
        where = and_(self.view.closed(self.span), or_(false(), *unmapped))
        return self._check("results", "三(七) = (一) + … + (六)", wrong, where)

    def columns(self, counts: Table3Counts) -> Check:
        wrong = []
        for row in ROW_CODES:
            cells = counts.table[row]
            six = sum(cells[c] for c in APPLICANT_COLUMNS)
            if six != cells[TOTAL]:
                wrong.append(f"row {row}: 总计 = {cells[TOTAL]}, six columns = {six}")
        if counts.unknown_types:
            wrong.append(f"unknown applicant types: {', '.join(sorted(counts.unknown_types))}")
        counted = or_(*(count == 1 for count in self.view.counts(self.span)))
        where = and_(C.applicant_type.not_in(APPLICANT_COLUMNS), counted)
        return self._check("columns", "总计 = 六类申请人之和", wrong, where)

    def carried_over(self, counts: Table3Counts) -> Check:
        previous = self.previous
        title = f"二 = {self.span.year - 1}年 四（截至 {previous.cutoff}）"
        held = self.session.scalar(
            select(C.id).where(C.agency_id.in_(self.scope.ids), previous.known()).limit(1)
        )
        if held is None:
            return Check(
                "carried_over",
                title,
                Status.SKIPPED,
                f"the store held no case of these agencies on {previous.cutoff}",
            )
        this_year, last_year = counts.table["2"], counts.previous_carried_out
        wrong = [
            f"{COLUMN_LABELS[c]}: 二 = {this_year[c]}, 上年 四 = {last_year[c]}"
            for c in COLUMNS
            if this_year[c] != last_year[c]
        ]
        differ = flag(self.view.carried_in(self.span)) != flag(previous.carried_in(self.span))
        last_year_end = self.span.start - timedelta(days=1)
        candidates = recorded_between(previous.cutoff, self.view.cutoff, last_year_end)
        return self._check("carried_over", title, wrong, differ, candidates)

    def appeals(self, counts: Table4Counts, counting: AppealCounting) -> Check:
        wrong = []
        for kind, cells in counts.table.items():
            if sum(cells[c] for c in APPEAL_CELLS if c != TOTAL) != cells[TOTAL]:
                wrong.append(f"{APPEAL_KINDS[kind]}: 总计 = {cells[TOTAL]}, results sum to less")
        if counts.bad:
            found = ", ".join(f"{kind}/{cell}" for kind, cell in sorted(counts.bad))
            wrong.append(f"appeals of unknown kind or result: {found}")
        title = "表四 总计 = 维持 + 纠正 + 其他 + 尚未审结"
        if not wrong:
            return Check("appeals", title, Status.PASSED, "holds for all three kinds")
        cell = counting.cell()
        where = or_(A.kind.not_in(APPEAL_KINDS), not_(cell.in_(APPEAL_RESULTS)))
        numbers = appeal_cases(self.session, self.scope, counting, where)
        return _failed("appeals", title, wrong, numbers)

    def _check(
        self,
        code: str,
        title: str,
        wrong: list[str],
        offending: ColumnElement[bool],
        candidates: ColumnElement[bool] | None = None,
    ) -> Check:
        """Passed, or failed with the cases ``offending`` finds among the ``candidates``
        (default: the cases that can count in the year, searched by index, not the table)."""
        if not wrong:
            return Check(code, title, Status.PASSED, "holds in every column and row")
        earliest = min(self.view.cutoff, self.previous.cutoff)
        searched = (
            [candidates]
            if candidates is not None
            else [branch.where for branch in branches(self.span, earliest)]
        )
        numbers: set[str] = set()
        for where in searched:
            query = select(C.number).where(C.agency_id.in_(self.scope.ids), where, offending)
            numbers.update(self.session.scalars(query))
        return _failed(code, title, wrong, sorted(numbers))

    def _counting_rows(self) -> list[ColumnElement[bool]]:
        earliest = min(self.view.cutoff, self.previous.cutoff)
        return [branch.where for branch in branches(self.span, earliest)]


def _failed(code: str, title: str, wrong: list[str], numbers: Iterable[str]) -> Check:
    found = list(numbers)
    return Check(
        code,
        title,
        Status.FAILED,
        "; ".join(wrong),
        tuple(found[:LISTED]),
        len(found),
    )
