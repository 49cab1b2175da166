"""``workflow import appeals``: past reconsiderations and lawsuits, for table 四.

Columns: case_number, kind, filed_on, result, decided_on (result and decided_on both empty
while the appeal is pending). The case must be in the store and decided, and the appeal
filed on or after its first decision; a lawsuit after reconsideration needs that case's
reconsideration (in the store or earlier in the file). The same (case, kind, filing
date) twice is refused. Any problem rejects the whole file.

Imported appeals are marked imported. A pending one puts a decided case into the appeal
state with a synthesized ``import`` event dated its filing, so the case is continued with
``resolve_appeal`` like any other; it must then be the case's latest step. A decided
appeal changes no case state: it is history for table 四.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.registry import DefinitionRegistry
from workflow.clock import Clock, china_date
from workflow.codes import AppealKind, AppealResult
from workflow.definition import WorkflowDefinition
from workflow.errors import ImportRejected
from workflow.importing.case_rows import Progress
from workflow.importing.rows import CheckedRow, Problem
from workflow.importing.source import read_rows
from workflow.lifecycle.facts import StepFacts
from workflow.lifecycle.projection import IMPORT_TRIGGER, CaseProjection, event_row, project
from workflow.store.database import Database
from workflow.store.records import AppealRecord, CaseEventRecord, CaseRecord

APPEAL_COLUMNS = ("case_number", "kind", "filed_on", "result", "decided_on")
OPTIONAL = frozenset({"result", "decided_on"})


@dataclass(frozen=True)
class PastAppeal:
    row: int
    case_number: str
    kind: str
    filed_on: date
    result: str | None
    decided_on: date | None


@dataclass(frozen=True)
class AppealsImported:
    rows: int
    pending: int


def appeal_state(definition: WorkflowDefinition) -> str:
    """The state a pending appeal puts a case in, as the definition names it."""
    if definition.imports.appealed is None:
        raise ImportRejected(definition.path, [(1, "kind", "this definition has no appeals")])
    return definition.imports.appealed


class AppealImport:
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
    ) -> AppealsImported:
        rows = read_rows(path, APPEAL_COLUMNS, OPTIONAL, encoding)
        problems: list[Problem] = []
        today = self.clock.today()
        appeals: list[PastAppeal] = []
        for source in rows:
            row = CheckedRow(source, problems)
            number = row.text("case_number", limit=64)
            kind = row.code("kind", AppealKind.labels())
            filed_on = row.date("filed_on", today=today)
            result = row.code("result", AppealResult.labels(), required=False)
            decided_on = row.date("decided_on", required=False, today=today)
            if row.present("result") != row.present("decided_on"):
                missing = "decided_on" if row.present("result") else "result"
                row.fail(missing, "result and decided_on go together (both empty: pending)")
            if filed_on and decided_on and decided_on < filed_on:
                row.fail("decided_on", f"{decided_on} is before filed_on {filed_on}")
            if number and kind and filed_on and (result is None) == (decided_on is None):
                appeals.append(PastAppeal(row.number, number, kind, filed_on, result, decided_on))
        with self.database.transaction() as session:
            cases = _cases(session, [appeal.case_number for appeal in appeals])
            problems.extend(self._against_store(session, appeals, cases))
            if problems:
                raise ImportRejected(path, sorted(problems))
            if not check_only:
                self._write(session, path, appeals, cases, by, progress)
        return AppealsImported(len(appeals), sum(1 for a in appeals if a.result is None))

    def _against_store(
        self, session: Session, appeals: list[PastAppeal], cases: dict[str, CaseRecord]
    ) -> list[Problem]:
        problems: list[Problem] = []
        seen: dict[tuple[str, str, date], int] = {}
        reconsidered: dict[str, list[date]] = {}
        numbers = {case.id: case.number for case in cases.values()}
        in_appeal: dict[str, bool] = {}  # the case's state after the rows so far
        for record in session.scalars(
            select(AppealRecord).where(AppealRecord.case_id.in_(list(numbers)))
        ):
            number = numbers[record.case_id]
            seen[(number, record.kind, record.filed_on)] = 0
            if record.kind == "reconsideration":
                reconsidered.setdefault(number, []).append(record.filed_on)
        for appeal in appeals:
            case = cases.get(appeal.case_number)
            key = (appeal.case_number, appeal.kind, appeal.filed_on)
            if case is None:
                problems.append((appeal.row, "case_number", f"no case {appeal.case_number!r}"))
                continue
            if case.first_closed_on is None:
                problems.append((appeal.row, "case_number", "the case has no decision to appeal"))
            elif appeal.filed_on < case.first_closed_on:
                problems.append(
                    (appeal.row, "filed_on", f"before the decision of {case.first_closed_on}")
                )
            if key in seen:
                where = f"row {seen[key]}" if seen[key] else "the store"
                problems.append((appeal.row, "kind", f"the same appeal is already in {where}"))
            seen[key] = appeal.row
            if appeal.kind == "litigation_after_reconsideration" and not any(
                filed <= appeal.filed_on for filed in reconsidered.get(appeal.case_number, [])
            ):
                problems.append(
                    (appeal.row, "kind", "no reconsideration of this case filed before it")
                )
            if appeal.kind == "reconsideration":
                reconsidered.setdefault(appeal.case_number, []).append(appeal.filed_on)
            decided = case.first_closed_on is not None and appeal.filed_on >= case.first_closed_on
            if appeal.result is None and decided:
                problem = self._pending_problem(session, case, appeal, in_appeal)
                if problem:
                    problems.append((appeal.row, "filed_on", problem))
        return problems

    def _pending_problem(
        self, session: Session, case: CaseRecord, appeal: PastAppeal, in_appeal: dict[str, bool]
    ) -> str | None:
        """A pending appeal puts the case in the appeal state: it must be its latest step."""
        definition = self.registry.for_case(session, case.definition_id, case.definition_version)
        if in_appeal.get(case.number, case.state == appeal_state(definition)):
            return None
        in_appeal[case.number] = True
        if definition.is_closed(case.state) and appeal.filed_on >= case.last_event_on:
            return None
        return (
            f"a pending appeal must be the case's latest step (the case is {case.state} "
            f"since {case.last_event_on})"
        )

    def _write(
        self,
        session: Session,
        path: Path,
        appeals: list[PastAppeal],
        cases: dict[str, CaseRecord],
        by: str,
        progress: Progress | None,
    ) -> None:
        today, now = self.clock.today(), self.clock.now()
        for appeal in appeals:
            case = cases[appeal.case_number]
            session.add(
                AppealRecord(
                    case_id=case.id,
                    kind=appeal.kind,
                    filed_on=appeal.filed_on,
                    result=appeal.result,
                    decided_on=appeal.decided_on,
                    imported=True,
                    filed_recorded_on=today,
                    decided_recorded_on=today if appeal.result else None,
                )
            )
            if appeal.result is None:
                self._enter_appeal(session, path, case, appeal, now, by)
            if progress is not None:
                progress(1, len(appeals))

    def _enter_appeal(
        self,
        session: Session,
        path: Path,
        case: CaseRecord,
        appeal: PastAppeal,
        now: datetime,
        by: str,
    ) -> None:
        definition = self.registry.for_case(session, case.definition_id, case.definition_version)
        target = appeal_state(definition)
        if case.state == target:
            return
        facts = StepFacts(
            trigger=IMPORT_TRIGGER,
            on=appeal.filed_on,
            by=by,
            source=case.state,
            dest=target,
            payload={"appeal": appeal.kind, "source": path.name, "row": appeal.row},
            imported=True,
        )
        projection = project(CaseProjection.of(case), facts, definition, china_date(now))
        for column, value in projection.columns().items():
            setattr(case, column, value)
        session.add(CaseEventRecord(**event_row(case.id, projection, facts, now)))
        session.flush()


def _cases(session: Session, numbers: list[str], batch: int = 500) -> dict[str, CaseRecord]:
    unique = sorted(set(numbers))
    found: dict[str, CaseRecord] = {}
    for start in range(0, len(unique), batch):
        chunk = unique[start : start + batch]
        for case in session.scalars(select(CaseRecord).where(CaseRecord.number.in_(chunk))):
            found[case.number] = case
    return found
