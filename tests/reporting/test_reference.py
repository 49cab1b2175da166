"""The reference report (淄博高端装备中心, 2023): the cases behind it give exactly its tables.

The published text (``reference/``) is partly truncated: table 三 shows rows (三)3 to 四
and table 四 its fifteen cells. The prose supplies the rest: one application received in
2023 and one reconsideration, so 一 = 1 (a natural person, the only column of 三(七)) and
二 = 0. The case is built once through the case service, on the dates it happened, and
once by importing it; both must reproduce every published number.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from tests.stores import TODAY, TestApplication, make_app
from workflow.cases.service import NewCase
from workflow.clock import FixedClock
from workflow.importing import AppealImport, CaseImport
from workflow.lifecycle import StepInput
from workflow.reporting import (
    AnnualReport,
    ReportRequest,
    Status,
    annual_report,
    catch_up,
    resolve_scope,
)
from workflow.reporting.format2021 import APPEAL_CELLS, APPEAL_KINDS, COLUMNS

REFERENCE = Path(__file__).parent / "reference" / "annual-report-2023-zibo-gdzb.txt"
# The rows of table 三 the published copy shows, in order.
VISIBLE_ROWS = [
    *(f"3.3.{n}" for n in range(3, 9)),
    *(f"3.4.{n}" for n in range(1, 4)),
    *(f"3.5.{n}" for n in range(1, 6)),
    *(f"3.6.{n}" for n in range(1, 4)),
    "3.7",
    "4",
]
# From the prose: 1 application received in 2023 (a natural person), none carried over.
FROM_PROSE = {"1": [1, 0, 0, 0, 0, 0, 1], "2": [0] * 7}


def _digits(line: str) -> list[int]:
    return [int(cell) for cell in line.split("\t") if re.fullmatch(r"\d+", cell.strip())]


def published_tables() -> tuple[dict[str, list[int]], list[int]]:
    text = REFERENCE.read_text(encoding="utf-8")
    table3_text = text[text.index("3. 危及") : text.index("四、因政府信息公开行政复议")]
    rows = [_digits(line)[-7:] for line in table3_text.splitlines() if len(_digits(line)) >= 7]
    assert len(rows) == len(VISIBLE_ROWS)
    table4_text = text[text.index("四、因政府信息公开行政复议") : text.index("五、存在的主要问题")]
    cells = next(_digits(line) for line in table4_text.splitlines() if len(_digits(line)) == 15)
    return dict(zip(VISIBLE_ROWS, rows, strict=True)), cells


def _on(app: TestApplication, day: date, **inputs: str) -> StepInput:
    assert isinstance(app.clock, FixedClock)
    app.clock.set(day)  # each step is recorded on the day it happened
    return StepInput(on=day, by="办公室", **inputs)  # type: ignore[arg-type]


def build_through_service(app: TestApplication) -> None:
    _on(app, date(2023, 5, 8))
    case = app.cases.open(
        NewCase(
            agency="zbgd",
            applicant="申请人甲",
            applicant_type="natural_person",
            channel="online",
            received_on=date(2023, 5, 8),
            request="某项目的批复文件",
        )
    )
    fire = app.cases.fire
    fire(case.number, "decide", _on(app, date(2023, 5, 26), outcome="other.other"))
    fire(case.number, "appeal", _on(app, date(2023, 6, 20), kind="reconsideration"))
    fire(case.number, "resolve_appeal", _on(app, date(2023, 8, 15), result="maintained"))
    assert isinstance(app.clock, FixedClock)
    app.clock.set(TODAY)


def build_by_import(app: TestApplication, tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "number,agency,applicant_name,applicant_type,channel,received_on,request,closed_on,outcome\n"
        "zbgd-2023-0001,zbgd,申请人甲,自然人,online,2023-05-08,某项目的批复文件,2023-05-26,other.other\n",
        encoding="utf-8",
    )
    appeals = tmp_path / "appeals.csv"
    appeals.write_text(
        "case_number,kind,filed_on,result,decided_on\n"
        "zbgd-2023-0001,行政复议,2023-06-20,维持,2023-08-15\n",
        encoding="utf-8",
    )
    CaseImport(app.database, app.registry, app.clock).run(cases)
    AppealImport(app.database, app.registry, app.clock).run(appeals)


def report(app: TestApplication, as_of: date | None = None) -> AnnualReport:
    catch_up(app.database, app.registry)
    with app.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        return annual_report(
            session, app.registry, scope, ReportRequest(2023, app.clock.today(), as_of)
        )


def assert_reproduces_reference(result: AnnualReport) -> None:
    table3, table4 = published_tables()
    for code, published in {**table3, **FROM_PROSE}.items():
        assert [result.table3[code][c] for c in COLUMNS] == published, code
    computed = [result.table4[kind][cell] for kind in APPEAL_KINDS for cell in APPEAL_CELLS]
    assert computed == table4
    others = set(result.table3) - set(table3) - set(FROM_PROSE)
    assert all(result.table3[code]["total"] == 0 for code in others)  # 3.1 to 3.3.2
    assert [c.status for c in result.checks if c.code != "carried_over"] == [Status.PASSED] * 4


def test_published_tables_are_read_from_the_reference() -> None:
    table3, table4 = published_tables()
    assert table3["3.6.3"] == [1, 0, 0, 0, 0, 0, 1]
    assert table3["3.7"] == [1, 0, 0, 0, 0, 0, 1]
    assert table3["4"] == [0] * 7
    assert table4 == [1, 0, 0, 0, 1] + [0] * 10


def test_cases_handled_through_the_service_reproduce_the_reference(app: TestApplication) -> None:
    build_through_service(app)
    on_time = report(app, date(2024, 1, 31))  # when the report was due
    assert_reproduces_reference(on_time)
    assert on_time.changes[-1].case_count == 0  # nothing recorded since
    assert report(app).table3 == on_time.table3  # run today: the same tables
    assert report(app).changes[0].case_count == 0


def test_imported_cases_reproduce_the_reference(app: TestApplication, tmp_path: Path) -> None:
    build_by_import(app, tmp_path)
    today = report(app)
    assert_reproduces_reference(today)
    # Imported today, so a report as of the reporting date knew nothing of them: said so.
    change = today.changes[0]
    assert (change.counted, change.cases, change.imported) == (True, ("zbgd-2023-0001",), 1)
    assert report(app, date(2024, 1, 31)).table3["1"]["total"] == 0


def test_service_and_import_give_the_same_report(app: TestApplication, tmp_path: Path) -> None:
    build_through_service(app)
    other = make_app(f"sqlite:///{tmp_path / 'imported.db'}")
    try:
        build_by_import(other, tmp_path)
        imported, through_service = report(other), report(app)
    finally:
        other.close()
    assert (imported.table3, imported.table4) == (through_service.table3, through_service.table4)
