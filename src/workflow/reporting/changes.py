"""Which cases make two views of one year's report differ.

A report for 2023 run today equals the one run on 2024-01-31 unless something bearing
on 2023 was recorded in between: a back-dated closure, a late-registered application,
an appeal or its result, an import. This finds those cases, from the recorded dates,
so a report can say so and name them.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from workflow.reporting.asof import C, View, YearSpan, differs, recorded_between
from workflow.reporting.report import LISTED, Changes
from workflow.reporting.scope import Scope
from workflow.reporting.table4 import AppealCounting, AppealsRule, appeals_changed


def changes_between(
    session: Session,
    scope: Scope,
    span: YearSpan,
    earlier: View,
    later: View,
    rule: AppealsRule,
    *,
    counted: bool,
) -> Changes:
    """Cases counted differently in tables 三 or 四 as of ``earlier`` and as of ``later``."""
    query = select(C.number, C.imported).where(
        C.agency_id.in_(scope.ids),
        and_(
            recorded_between(earlier.cutoff, later.cutoff, span.end),
            differs(earlier, later, span),
        ),
    )
    found = session.execute(query).all()
    numbers = {number for number, _ in found}
    numbers.update(
        appeals_changed(
            session,
            scope,
            AppealCounting(rule, earlier, span),
            AppealCounting(rule, later, span),
        )
    )
    ordered = sorted(numbers)
    return Changes(
        code="counted_after" if counted else "not_counted",
        after=earlier.cutoff,
        until=later.cutoff,
        counted=counted,
        cases=tuple(ordered[:LISTED]),
        case_count=len(ordered),
        imported=sum(1 for _, imported in found if imported),
    )
