"""``workflow import cases`` and ``workflow import appeals``: all-or-nothing, every problem
named by row and column, imported cases replay under ``workflow verify`` and continue
through the case service."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.cli import run
from tests.stores import TODAY, TestApplication
from workflow.cases.service import NewCase
from workflow.cases.verify import verify_cases
from workflow.errors import ImportRejected
from workflow.importing import AppealImport, CaseImport
from workflow.lifecycle import StepInput
from workflow.reporting import ReportRequest, annual_report, catch_up, resolve_scope
from workflow.reporting.table4 import AppealsRule
from workflow.store.records import AppealRecord, CaseEventRecord, CaseRecord

HEADER = "number,agency,applicant_name,applicant_type,channel,received_on,request,closed_on,outcome"
GOOD = [
    "zbgd-2018-0003,zbgd,张三,自然人,in_person,2018-06-01,某批复,2018-06-20,disclosed.provided",
    "zbgd-2026-0005,zbgd,某公司,business,online,2026/3/2,某规划,2026-03-20,withheld.state_secret",
    "OLD/2025/77,city,李四,natural_person,registered_post,2025-12-29,某文件,,",
]


def csv_file(tmp_path: Path, *lines: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_cases(app: TestApplication, path: Path) -> None:
    CaseImport(app.database, app.registry, app.clock).run(path)


def count(app: TestApplication, record: type) -> int:
    with app.database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(record)) or 0)


def test_a_good_file_imports_replays_and_feeds_the_report(
    app: TestApplication, tmp_path: Path
) -> None:
    import_cases(app, csv_file(tmp_path, HEADER, *GOOD))
    with app.database.reading() as session:
        cases = {c.number: c for c in session.scalars(select(CaseRecord))}
        events = list(session.scalars(select(CaseEventRecord).order_by(CaseEventRecord.id)))
        assert list(verify_cases(session, app.registry, app.calendar)) == []
    assert cases["zbgd-2018-0003"].state == "decided"  # a year with no published calendar
    assert cases["zbgd-2018-0003"].first_outcome == "disclosed.provided"
    assert cases["OLD/2025/77"].state == "received"
    assert all(c.imported and c.recorded_on == date(2026, 11, 26) for c in cases.values())
    assert [(e.trigger, e.imported) for e in events] == [("import", True)] * 5
    assert count(app, CaseEventRecord) == 5
    with app.database.reading() as session:
        scope = resolve_scope(session, None)
        report = annual_report(session, app.registry, scope, ReportRequest(2025, TODAY))
    assert report.table3["1"]["natural_person"] == 1
    assert report.table3["4"]["total"] == 1


def test_numbers_in_the_agency_pattern_move_its_counter(
    app: TestApplication, tmp_path: Path
) -> None:
    import_cases(app, csv_file(tmp_path, HEADER, *GOOD))
    case = app.cases.open(
        NewCase(
            agency="zbgd",
            applicant="王五",
            applicant_type="natural_person",
            channel="online",
            received_on=date(2026, 11, 20),
            request="某信息",
        )
    )
    assert case.number == "zbgd-2026-0006"


def test_an_open_imported_case_continues_through_the_service(
    app: TestApplication, tmp_path: Path
) -> None:
    import_cases(app, csv_file(tmp_path, HEADER, *GOOD))
    app.cases.fire("OLD/2025/77", "decide", StepInput(on=date(2026, 1, 5), outcome="other.other"))
    # the step stamps its closure's recorded date itself: nothing is left to catch up
    assert catch_up(app.database, app.registry) == 0
    with app.database.reading() as session:
        assert list(verify_cases(session, app.registry, app.calendar)) == []
        case = session.scalars(select(CaseRecord).where(CaseRecord.number == "OLD/2025/77")).one()
    assert (case.first_closed_on, case.first_closed_recorded_on) == (
        date(2026, 1, 5),
        date(2026, 11, 26),
    )


def test_every_bad_row_is_named_and_nothing_is_imported(
    app: TestApplication, tmp_path: Path
) -> None:
    import_cases(app, csv_file(tmp_path, HEADER, GOOD[0], name="first.csv"))
    path = csv_file(
        tmp_path,
        HEADER,
        GOOD[1],
        "zbgd-2018-0003,zbgd,张三,自然人,in_person,2018-06-01,某批复,,",  # in the store
        "X-1,nowhere,,robot,fax,2027-01-01,某,2026-01-01,",  # five problems
        "X-2,zbgd,赵六,nonprofit,fax,2024-05-05,某,2024-05-01,withheld.made_up",
        "zbgd-2026-0005,zbgd,某公司,business,online,2026-03-02,某规划,,",  # twice in the file
    )
    with pytest.raises(ImportRejected) as rejected:
        import_cases(app, path)
    assert rejected.value.problems == (
        (3, "number", "zbgd-2018-0003 is already in the store"),
        (4, "agency", "unknown agency 'nowhere'; add it with `workflow agency add`"),
        (4, "applicant_name", "is empty"),
        (4, "applicant_type", "unknown value 'robot'; one of: natural_person (自然人), "
         "business (商业企业), research (科研机构), nonprofit (社会公益组织), "
         "legal_services (法律服务机构), other_org (其他)"),
        (4, "outcome", "closed_on and outcome go together (both empty: still open)"),
        (4, "received_on", "2027-01-01 is in the future (today is 2026-11-26)"),
        (5, "closed_on", "2024-05-01 is before received_on 2024-05-05"),
        (5, "outcome", rejected.value.problems[7][2]),
        (6, "number", "zbgd-2026-0005 is also on row 2"),
    )  # fmt: skip
    assert rejected.value.problems[7][2].startswith("unknown value 'withheld.made_up'")
    assert count(app, CaseRecord) == 1


def test_header_problems_and_the_cli(
    capsys: pytest.CaptureFixture[str], app: TestApplication, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, "number,agency,applicant,received_on", GOOD[0])
    result = run(capsys, "--db", app.settings.db_url, "import", "cases", str(path))
    assert result.code == 2
    assert "row 1: applicant: unknown column" in result.err
    assert "row 1: channel: missing column" in result.err
    good = csv_file(tmp_path, HEADER, *GOOD, name="good.csv")
    checked = run(capsys, "--db", app.settings.db_url, "import", "cases", str(good), "--check")
    assert checked.out.startswith("checked 3 case(s)")
    assert count(app, CaseRecord) == 0
    done = run(capsys, "--db", app.settings.db_url, "import", "cases", str(good))
    assert done.code == 0
    assert "imported 3 case(s) from good.csv (2 closed, 1 open)" in done.out
    assert "importing cases" in done.err  # the progress bar, on stderr
    verified = run(capsys, "--db", app.settings.db_url, "verify")
    assert verified.code == 0
    assert "every case matches its event log" in verified.out
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(("\n".join([HEADER, GOOD[0]]) + "\n").encode("gb18030"))
    wrong = run(capsys, "--db", app.settings.db_url, "import", "cases", str(gbk))
    assert "--encoding gb18030" in wrong.err


def test_xlsx_with_date_cells(app: TestApplication, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(
        ["zbgd-2019-0001", "zbgd", "张三", "自然人", "online", date(2019, 3, 1), "某",
         date(2019, 3, 15), "disclosed.already_public"]
    )  # fmt: skip
    sheet.append([None] * 9)  # spreadsheets keep blank rows
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    import_cases(app, path)
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord)).one()
    assert (case.received_on, case.first_closed_on) == (date(2019, 3, 1), date(2019, 3, 15))


APPEALS_HEADER = "case_number,kind,filed_on,result,decided_on"


def test_appeals_import_with_a_pending_one_continued_through_the_service(
    app: TestApplication, tmp_path: Path
) -> None:
    import_cases(app, csv_file(tmp_path, HEADER, *GOOD))
    path = csv_file(
        tmp_path,
        APPEALS_HEADER,
        "zbgd-2018-0003,行政复议,2018-07-01,维持,2018-08-20",
        "zbgd-2018-0003,复议后起诉,2018-09-01,corrected,2019-02-01",
        "zbgd-2026-0005,litigation_direct,2026-04-01,,",
        name="appeals.csv",
    )
    AppealImport(app.database, app.registry, app.clock).run(path)
    with app.database.reading() as session:
        pending = session.scalars(
            select(CaseRecord).where(CaseRecord.number == "zbgd-2026-0005")
        ).one()
        assert pending.state == "appealed"
        assert list(verify_cases(session, app.registry, app.calendar)) == []
    app.cases.fire(
        "zbgd-2026-0005", "resolve_appeal", StepInput(on=date(2026, 6, 1), result="other")
    )
    catch_up(app.database, app.registry)
    with app.database.reading() as session:
        appeals = list(session.scalars(select(AppealRecord).order_by(AppealRecord.id)))
        assert list(verify_cases(session, app.registry, app.calendar)) == []
        scope = resolve_scope(session, "zbgd")
        report = annual_report(session, app.registry, scope, ReportRequest(2018, TODAY))
    assert [(a.result, a.imported) for a in appeals] == [
        ("maintained", True),
        ("corrected", True),
        ("other", True),
    ]
    assert appeals[2].decided_recorded_on == date(2026, 11, 26)
    assert report.table4["reconsideration"]["maintained"] == 1
    # decided 2019-02-01: pending in 2018's table (the result known by 31 December counts)
    assert report.table4["litigation_after_reconsideration"]["pending"] == 1
    with app.database.reading() as session:
        request = ReportRequest(2018, TODAY, appeals_rule=AppealsRule.FILED)
        report = annual_report(session, app.registry, scope, request)
    assert report.table4["litigation_after_reconsideration"]["corrected"] == 1


def test_bad_appeals_are_named_and_nothing_is_imported(
    app: TestApplication, tmp_path: Path
) -> None:
    import_cases(app, csv_file(tmp_path, HEADER, *GOOD))
    path = csv_file(
        tmp_path,
        APPEALS_HEADER,
        "zbgd-2018-0003,行政复议,2018-07-01,维持,2018-08-20",
        "nope,行政复议,2018-07-01,,",
        "OLD/2025/77,reconsideration,2026-01-10,,",  # not decided
        "zbgd-2018-0003,litigation_after_reconsideration,2018-06-10,,",  # before the decision
        "zbgd-2026-0005,复议后起诉,2026-04-01,维持,",  # no reconsideration; no decided_on
        "zbgd-2018-0003,行政复议,2018-07-01,,",  # the same appeal again
        name="appeals.csv",
    )
    with pytest.raises(ImportRejected) as rejected:
        AppealImport(app.database, app.registry, app.clock).run(path)
    assert [(row, field) for row, field, _ in rejected.value.problems] == [
        (3, "case_number"),
        (4, "case_number"),
        (5, "filed_on"),
        (5, "kind"),
        (6, "decided_on"),
        (7, "kind"),
    ]
    assert count(app, AppealRecord) == 0
