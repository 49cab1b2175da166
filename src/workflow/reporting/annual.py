"""Build one annual report: tables 三 and 四 for a year, a scope and an as-of date.

Aggregation only; formats are in the ``as_*`` modules. One read-only transaction sees
one consistent store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from workflow.errors import InvalidInput
from workflow.reporting.asof import View, YearSpan
from workflow.reporting.changes import changes_between
from workflow.reporting.checks import CheckRunner
from workflow.reporting.report import AnnualReport, Changes
from workflow.reporting.scope import Scope
from workflow.reporting.table3 import Definitions, count_table3
from workflow.reporting.table4 import AppealCounting, AppealsRule, count_table4


def reporting_date(year: int) -> date:
    """When an agency's report for ``year`` is due: 31 January of the next year (Art. 49)."""
    return date(year + 1, 1, 31)


@dataclass(frozen=True)
class ReportRequest:
    """``today`` comes from the application's clock; ``as_of`` defaults to it.

    ``previous_as_of``: the date last year's report is compared at for 二 = 上年 四
    (default: when it was due, 31 January of ``year``).
    """

    year: int
    today: date
    as_of: date | None = None
    previous_as_of: date | None = None
    appeals_rule: AppealsRule = AppealsRule.FILED_YEAR_END

    def resolved(self) -> tuple[date, date]:
        as_of = self.as_of or self.today
        span = YearSpan(self.year)
        if self.year > self.today.year:
            raise InvalidInput(f"{self.year} has not begun (today is {self.today})")
        if as_of > self.today:
            raise InvalidInput(f"--as-of {as_of} is in the future (today is {self.today})")
        if as_of < span.start:
            raise InvalidInput(f"--as-of {as_of} is before {self.year} began")
        previous = self.previous_as_of or reporting_date(self.year - 1)
        if previous < date(self.year - 1, 12, 31):
            raise InvalidInput(
                f"--previous-as-of {previous} is before {self.year - 1} ended: last year's "
                f"carried-over figure (四) is only known from 31 December"
            )
        return as_of, min(previous, as_of)


def annual_report(
    session: Session, definitions: Definitions, scope: Scope, request: ReportRequest
) -> AnnualReport:
    as_of, previous_as_of = request.resolved()
    span, view, previous = YearSpan(request.year), View(as_of), View(previous_as_of)
    counts = count_table3(session, definitions, scope, span, view, previous)
    counting = AppealCounting(request.appeals_rule, view, span)
    appeals = count_table4(session, scope, counting)
    checks = CheckRunner(session, scope, span, view, previous).run(counts, appeals, counting)
    changes: list[Changes] = []
    due = reporting_date(request.year)
    if as_of > due:
        changes.append(
            changes_between(
                session, scope, span, View(due), view, request.appeals_rule, counted=True
            )
        )
    if as_of < request.today:
        changes.append(
            changes_between(
                session,
                scope,
                span,
                view,
                View(request.today),
                request.appeals_rule,
                counted=False,
            )
        )
    return AnnualReport(
        year=request.year,
        scope=scope,
        as_of=as_of,
        previous_as_of=previous_as_of,
        appeals_rule=request.appeals_rule,
        table3=counts.table,
        table4=appeals.table,
        checks=checks,
        changes=tuple(changes),
    )
