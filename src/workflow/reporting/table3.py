"""Table 三 from the cases table: a few GROUP BY queries, summed into the 2021 layout.

Each branch (``branches``) groups by applicant type, definition version and first
outcome; for the cases closed in the year the outcome's row comes from the case's own
definition, so a province that maps an outcome elsewhere gets its own mapping. 三(七)
and the 总计 column are counted directly, not summed from the cells, so the identity
checks can catch a case whose outcome maps to no row or whose applicant type is not a
column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.definition import WorkflowDefinition
from workflow.reporting.asof import C, View, YearSpan
from workflow.reporting.branches import CLOSED, LAST_YEAR_OUT, branches
from workflow.reporting.format2021 import (
    APPLICANT_COLUMNS,
    COLUMNS,
    RESULT_ROWS,
    ROW_CODES,
    TOTAL,
)
from workflow.reporting.scope import Scope

Table = dict[str, dict[str, int]]


class Definitions(Protocol):
    """Where a case's definition comes from (``DefinitionRegistry.for_case``)."""

    def for_case(self, session: Session, definition_id: str, version: int) -> WorkflowDefinition:
        """The exact definition version a case started on."""
        ...


def empty_table(rows: tuple[str, ...], columns: tuple[str, ...]) -> Table:
    return {row: dict.fromkeys(columns, 0) for row in rows}


@dataclass
class Table3Counts:
    table: Table
    previous_carried_out: dict[str, int]  # last year's 四, in last year's view
    unmapped: set[tuple[str, int, str | None]] = field(default_factory=set)  # (id, ver, outcome)
    unknown_types: set[str] = field(default_factory=set)


def count_table3(
    session: Session,
    definitions: Definitions,
    scope: Scope,
    span: YearSpan,
    view: View,
    previous: View,
) -> Table3Counts:
    counts = Table3Counts(empty_table(ROW_CODES, COLUMNS), dict.fromkeys(COLUMNS, 0))
    rows_by_definition: dict[tuple[str, int], Mapping[str, str]] = {}
    keys = (C.applicant_type, C.definition_id, C.definition_version, C.first_outcome)
    for branch in branches(span, min(view.cutoff, previous.cutoff)):
        sums = branch.counts(view, previous, span)
        query = (
            select(*keys, *(func.sum(expression) for expression in sums.values()))
            .where(C.agency_id.in_(scope.ids), branch.where)
            .group_by(*keys)
        )
        for row in session.execute(query):
            applicant_type, definition_id, version, first_outcome = row[:4]
            found = {name: int(value or 0) for name, value in zip(sums, row[4:], strict=True)}
            column = applicant_type if applicant_type in APPLICANT_COLUMNS else None
            if column is None and any(found.values()):
                counts.unknown_types.add(str(applicant_type))
            for code, value in found.items():
                cells = counts.previous_carried_out if code == LAST_YEAR_OUT else counts.table[code]
                _add(cells, column, value)
            closed = found.get(CLOSED, 0)
            if not closed:
                continue
            key = (str(definition_id), int(version))
            if key not in rows_by_definition:
                definition = definitions.for_case(session, *key)
                rows_by_definition[key] = {
                    code: spec.row for code, spec in definition.outcomes.items()
                }
            target = rows_by_definition[key].get(first_outcome) if first_outcome else None
            if target not in RESULT_ROWS:
                counts.unmapped.add((key[0], key[1], first_outcome))
                continue
            _add(counts.table[str(target)], column, closed)
    return counts


def _add(cells: dict[str, int], column: str | None, value: int) -> None:
    if not value:
        return
    if column is not None:
        cells[column] += value
    cells[TOTAL] += value
