"""What the store knew at the end of a day, as SQL predicates over the cases table.

A report "as of D" counts a case only if it was recorded by the end of D (China
time), and its first closure only if that closure was recorded by then; otherwise
the case was, as far as anyone could know on D, still open. ``recorded_on`` and
``first_closed_recorded_on`` are the China dates of the events that recorded them
(``stamps.catch_up`` fills them before a report; a row it could not stamp, having no
event, counts as known).

Counting rules for year Y (S = 1 January, E = 31 December), per case:

- 一 received: received in Y;
- 二 carried in: received before Y and not closed before S;
- 三 closed: first closure in Y (a reopened case closed again is not counted again);
- 四 carried out: received by E and not closed by E.

Each is 0 or 1 per case, so 一 + 二 = 三 + 四 holds case by case for any case whose
closure is not dated before its receipt; ``differs`` finds the cases whose counts
two views disagree on. ``branches`` evaluates the same rules, simplified per index range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Integer, and_, case, literal, not_, or_
from sqlalchemy.sql.elements import Case

from workflow.store.records import CaseRecord

C = CaseRecord


@dataclass(frozen=True)
class YearSpan:
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


@dataclass(frozen=True)
class View:
    """The store as it stood at the end of ``cutoff``."""

    cutoff: date

    def known(self) -> ColumnElement[bool]:
        return or_(C.recorded_on.is_(None), C.recorded_on <= self.cutoff)

    def closure_known(self) -> ColumnElement[bool]:
        return and_(
            C.first_closed_on.is_not(None),
            or_(C.first_closed_recorded_on.is_(None), C.first_closed_recorded_on <= self.cutoff),
        )

    def closed_by(self, day: date) -> ColumnElement[bool]:
        return and_(self.closure_known(), C.first_closed_on <= day)

    # -- the four counts of table 三, each a predicate -------------------------------

    def received(self, span: YearSpan) -> ColumnElement[bool]:
        return and_(self.known(), C.received_on.between(span.start, span.end))

    def carried_in(self, span: YearSpan) -> ColumnElement[bool]:
        before = span.start - timedelta(days=1)
        return and_(self.known(), C.received_on < span.start, not_(self.closed_by(before)))

    def closed(self, span: YearSpan) -> ColumnElement[bool]:
        return and_(
            self.known(),
            self.closure_known(),
            C.first_closed_on.between(span.start, span.end),
        )

    def carried_out(self, span: YearSpan) -> ColumnElement[bool]:
        return and_(self.known(), C.received_on <= span.end, not_(self.closed_by(span.end)))

    def counts(self, span: YearSpan) -> tuple[Case[int], ...]:
        """(一, 二, 三, 四) as 0/1 columns."""
        return tuple(
            flag(predicate)
            for predicate in (
                self.received(span),
                self.carried_in(span),
                self.closed(span),
                self.carried_out(span),
            )
        )


def flag(predicate: ColumnElement[bool]) -> Case[int]:
    return case((predicate, literal(1, Integer)), else_=literal(0, Integer))


def flow_broken(view: View, span: YearSpan) -> ColumnElement[bool]:
    """Cases that enter the year (一, 二) a different number of times than they leave (三, 四)."""
    received, carried_in, closed, carried_out = view.counts(span)
    return received + carried_in != closed + carried_out


def differs(first: View, second: View, span: YearSpan) -> ColumnElement[bool]:
    """Cases counted differently in table 三 by two views."""
    return or_(*(a != b for a, b in zip(first.counts(span), second.counts(span), strict=True)))


def recorded_between(after: date, until: date, dated_by: date) -> ColumnElement[bool]:
    """Cases received, or first closed, by ``dated_by`` whose receipt or closure was
    recorded in (after, until]: the only ones two views of a year can count differently
    (use 31 December for the year's counts, 31 December before it for 二). Each half is
    one range of a two-column index."""
    first = after + timedelta(days=1)
    return or_(
        and_(C.recorded_on.between(first, until), C.received_on <= dated_by),
        and_(C.first_closed_recorded_on.between(first, until), C.first_closed_on <= dated_by),
    )
