"""``workflow import cases``: past applications, so an office can start mid-life and report
on earlier years.

Columns: number, agency, applicant_name, applicant_type, channel, received_on, request,
closed_on, outcome (closed_on and outcome both empty for a case still open). Every row is
checked first (unknown codes, dates in the future or out of order, unknown agency, a
number given twice or already in the store); any problem rejects the whole file with
every problem listed. A good file is written in one transaction.

Each imported case carries synthesized events with trigger ``import``, marked imported:
its receipt (to the definition's initial state) and, if closed, its closure (to the
closed state, with the outcome), so ``workflow verify`` replays it like any case. The
closure is its first closure: the annual report counts it in the year of ``closed_on``.
Imported cases get no statutory clocks or timers: the engine did not see their receipt
and claims no deadline for them (an open one is continued with ``decide`` or
``withdraw``), and dates in years with no published calendar are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.registry import DefinitionRegistry
from workflow.clock import Clock
from workflow.codes import ApplicantType, Channel
from workflow.definition import WorkflowDefinition
from workflow.errors import ImportRejected
from workflow.importing.case_numbers import counter_scope, number_pattern
from workflow.importing.case_rows import PastCase, Progress, write_cases
from workflow.importing.rows import CheckedRow, Problem
from workflow.importing.source import read_rows
from workflow.store.counters import advance_counters
from workflow.store.database import Database
from workflow.store.records import AgencyRecord, CaseRecord

CASE_COLUMNS = (
    "number",
    "agency",
    "applicant_name",
    "applicant_type",
    "channel",
    "received_on",
    "request",
    "closed_on",
    "outcome",
)
OPTIONAL = frozenset({"closed_on", "outcome"})


@dataclass(frozen=True)
class CasesImported:
    rows: int
    closed: int
    counters: dict[str, int]  # counter scope -> highest imported sequence


class CaseImport:
    def __init__(self, database: Database, registry: DefinitionRegistry, clock: Clock) -> None:
        self.database = database
        self.registry = registry
        self.clock = clock

    def run(
        self,
        path: Path,
        *,
        by: str = "import",
        encoding: str = "utf-8-sig",
        check_only: bool = False,
        progress: Progress | None = None,
    ) -> CasesImported:
        rows = read_rows(path, CASE_COLUMNS, OPTIONAL, encoding)
        definition = self.registry.latest()
        with self.database.transaction() as session:
            agencies = {a.code: a for a in session.scalars(select(AgencyRecord))}
            cases = self._validate(session, path, rows, agencies, definition)
            counters = self._counters(cases, agencies, definition)
            if not check_only:
                # each case follows the law of its receipt date (before 2019-05-15: 2007)
                groups: dict[tuple[str, int], list[PastCase]] = {}
                chosen: dict[tuple[str, int], WorkflowDefinition] = {}
                for case in cases:
                    governing = self.registry.for_receipt(case.received_on, definition.id)
                    chosen[governing.key] = governing
                    groups.setdefault(governing.key, []).append(case)
                for key, group in groups.items():
                    self.registry.register(session, chosen[key], self.clock)
                    write_cases(
                        session, self.clock, path, group, agencies, chosen[key], by, progress
                    )
                advance_counters(session, counters.items())
        closed = sum(1 for case in cases if case.closed_on is not None)
        return CasesImported(len(cases), closed, counters)

    def _validate(
        self,
        session: Session,
        path: Path,
        rows: list[Any],
        agencies: dict[str, AgencyRecord],
        definition: WorkflowDefinition,
    ) -> list[PastCase]:
        problems: list[Problem] = []
        today = self.clock.today()
        outcomes = {code: spec.label for code, spec in definition.outcomes.items()}
        first_row: dict[str, int] = {}
        cases = []
        for source in rows:
            row = CheckedRow(source, problems)
            number = row.text("number", limit=64)
            agency = row.text("agency")
            if agency is not None and agency not in agencies:
                row.fail("agency", f"unknown agency {agency!r}; add it with `workflow agency add`")
            name = row.text("applicant_name", limit=200)
            applicant_type = row.code("applicant_type", ApplicantType.labels())
            channel = row.code("channel", Channel.labels())
            received_on = row.date("received_on", today=today)
            request = row.text("request")
            closed_on = row.date("closed_on", required=False, today=today)
            outcome = row.code("outcome", outcomes, required=False)
            if row.present("closed_on") != row.present("outcome"):
                missing = "outcome" if row.present("closed_on") else "closed_on"
                row.fail(missing, "closed_on and outcome go together (both empty: still open)")
            if closed_on and received_on and closed_on < received_on:
                row.fail("closed_on", f"{closed_on} is before received_on {received_on}")
            if number is not None:
                if number in first_row:
                    row.fail("number", f"{number} is also on row {first_row[number]}")
                else:
                    first_row[number] = row.number
            if (
                number
                and agency
                and agency in agencies
                and name
                and applicant_type
                and channel
                and received_on
                and request
                and (closed_on is None) == (outcome is None)
            ):
                cases.append(
                    PastCase(
                        row.number,
                        number,
                        agency,
                        name,
                        applicant_type,
                        channel,
                        received_on,
                        request,
                        closed_on,
                        outcome,
                    )
                )
        for number in _already_stored(session, list(first_row)):
            problems.append((first_row[number], "number", f"{number} is already in the store"))
        problems.extend(_in_another_agency(cases, agencies, definition))
        if problems:
            raise ImportRejected(path, sorted(problems))
        return cases

    def _counters(
        self,
        cases: list[PastCase],
        agencies: dict[str, AgencyRecord],
        definition: WorkflowDefinition,
    ) -> dict[str, int]:
        highest: dict[str, int] = {}
        patterns = {
            code: number_pattern(
                agency.case_number_pattern or definition.settings.case_number_pattern, code
            )
            for code, agency in agencies.items()
        }
        for case in cases:
            pattern = patterns[case.agency]
            found = pattern and counter_scope(
                pattern, case.agency, case.number, case.received_on.year
            )
            if found:
                scope, seq = found
                highest[scope] = max(highest.get(scope, 0), seq)
        return highest


def _in_another_agency(
    cases: list[PastCase], agencies: dict[str, AgencyRecord], definition: WorkflowDefinition
) -> list[Problem]:
    """A number another agency's pattern produces would block that agency's `case open`."""
    patterns = {
        code: number_pattern(
            agency.case_number_pattern or definition.settings.case_number_pattern, code
        )
        for code, agency in agencies.items()
    }
    problems: list[Problem] = []
    for case in cases:
        for code, pattern in patterns.items():
            if code != case.agency and pattern is not None and pattern.fullmatch(case.number):
                problems.append(
                    (
                        case.row,
                        "number",
                        f"{case.number} is in agency {code}'s numbering; import it under {code}, "
                        "or keep the number the case had in the old system's own scheme",
                    )
                )
    return problems


def _already_stored(session: Session, numbers: list[str], batch: int = 500) -> list[str]:
    found: list[str] = []
    for start in range(0, len(numbers), batch):
        chunk = numbers[start : start + batch]
        found.extend(session.scalars(select(CaseRecord.number).where(CaseRecord.number.in_(chunk))))
    return found
