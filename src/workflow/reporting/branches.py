"""Where table 三's cases are found: four disjoint index ranges, each with its counts.

Together the branches hold every case that can count in year Y, so the report reads
about the rows it counts, not the table. Within a branch some counts are impossible
(a case received in Y is never carried in) and the others simplify; each branch says
only what it can count, so the database evaluates little per row. The property tests
check the result against the plain rules of ``asof`` case by case.

- received in Y;
- received earlier, never closed;
- received earlier, closed on or after 1 January of Y;
- received earlier, closed before Y but recorded after the oldest view's cutoff (so
  open in that view).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, not_

from workflow.reporting.asof import C, View, YearSpan, flag

# Closed dates are never in the future; this bound only makes open-ended ranges
# two-sided, which SQLite's planner (without histograms) takes for the selective index.
_NO_LATER = date(9999, 12, 31)

# The counts, by the table 三 row they add to ("4y" = last year's 四, in last year's view).
RECEIVED, CARRIED_IN, CLOSED, CARRIED_OUT, LAST_YEAR_OUT = "1", "2", "3.7", "4", "4y"


@dataclass(frozen=True)
class Branch:
    kind: str  # received | never_closed | closed_later | closure_recorded_late
    where: ColumnElement[bool]

    def counts(self, view: View, previous: View, span: YearSpan) -> dict[str, ColumnElement[int]]:
        known, previously_known = view.known(), previous.known()
        if self.kind == "received":
            return {
                RECEIVED: flag(known),
                CLOSED: flag(view.closed(span)),
                CARRIED_OUT: flag(and_(known, not_(view.closed_by(span.end)))),
            }
        if self.kind == "never_closed":
            return {
                CARRIED_IN: flag(known),
                CARRIED_OUT: flag(known),
                LAST_YEAR_OUT: flag(previously_known),
            }
        if self.kind == "closed_later":
            return {
                CARRIED_IN: flag(known),
                CLOSED: flag(view.closed(span)),
                CARRIED_OUT: flag(and_(known, not_(view.closed_by(span.end)))),
                LAST_YEAR_OUT: flag(previously_known),
            }
        still_open = and_(known, not_(view.closure_known()))
        return {
            CARRIED_IN: flag(still_open),
            CARRIED_OUT: flag(still_open),
            LAST_YEAR_OUT: flag(and_(previously_known, not_(previous.closure_known()))),
        }


def branches(span: YearSpan, earliest: date) -> tuple[Branch, ...]:
    """The four branches for year Y; ``earliest`` is the oldest view's cutoff."""
    before = C.received_on < span.start
    return (
        Branch("received", C.received_on.between(span.start, span.end)),
        Branch("never_closed", and_(before, C.first_closed_on.is_(None))),
        Branch("closed_later", and_(before, C.first_closed_on.between(span.start, _NO_LATER))),
        Branch(
            "closure_recorded_late",
            and_(
                before,
                C.first_closed_recorded_on.between(earliest + timedelta(days=1), _NO_LATER),
                C.first_closed_on < span.start,
            ),
        ),
    )
