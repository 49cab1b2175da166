"""``workflow report annual`` as a user runs it, on SQLite and PostgreSQL: every format, the
checks (a tampered row fails them and is named), roll-up over a hierarchy, as-of dates."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from tests.cli import Result, run
from tests.reporting.casebook import AppealEntry, Entry, write
from tests.stores import TestApplication
from workflow.cases.agencies import add_agency
from workflow.reporting.format2021 import ROW_CODES
from workflow.store.records import CaseRecord

D = date
CASES = [
    # 2022: one carried into 2023
    Entry("zbgd-2022-0001", D(2022, 3, 1), closed_on=D(2022, 3, 20), outcome="disclosed.provided"),
    Entry(
        "zbgd-2022-0002",
        D(2022, 12, 20),
        "business",
        closed_on=D(2023, 1, 10),
        outcome="partially_disclosed",
    ),
    # 2023
    Entry(
        "zbgd-2023-0001", D(2023, 2, 1), closed_on=D(2023, 2, 20), outcome="withheld.state_secret"
    ),
    Entry(
        "zbgd-2023-0002", D(2023, 5, 8), "research", closed_on=D(2023, 5, 26), outcome="other.other"
    ),
    Entry("zbgd-2023-0003", D(2023, 12, 28), "legal_services"),  # open at year end
    Entry(
        "city-2023-0001",
        D(2023, 4, 1),
        agency="city",
        closed_on=D(2023, 4, 10),
        outcome="unavailable.not_held",
    ),
]
APPEALS = [
    AppealEntry("zbgd-2023-0001", "reconsideration", D(2023, 3, 1), "corrected", D(2023, 5, 1)),
    AppealEntry("zbgd-2023-0002", "litigation_direct", D(2023, 11, 1)),
]
COLUMNS = ("natural_person", "business", "research", "nonprofit", "legal_services", "other_org")


@pytest.fixture
def store(app: TestApplication, monkeypatch: pytest.MonkeyPatch) -> TestApplication:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    write(app.database, CASES, APPEALS)
    return app


def report(capsys: pytest.CaptureFixture[str], app: TestApplication, *args: str) -> Result:
    return run(capsys, "--db", app.settings.db_url, "report", "annual", "--year", "2023", *args)


def test_json_has_the_documented_shape_and_the_counts(
    capsys: pytest.CaptureFixture[str], store: TestApplication
) -> None:
    result = report(capsys, store, "--agency", "zbgd", "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    assert list(data["table3"]) == list(ROW_CODES)
    assert set(data["table3"]["1"]) == {*COLUMNS, "total"}
    assert set(data["table4"]) == {
        "reconsideration",
        "litigation_direct",
        "litigation_after_reconsideration",
    }
    assert set(data["table4"]["reconsideration"]) == {
        "maintained",
        "corrected",
        "other",
        "pending",
        "total",
    }
    t3 = data["table3"]
    assert (t3["1"]["total"], t3["2"]["total"], t3["3.7"]["total"], t3["4"]["total"]) == (
        3,
        1,
        3,
        1,
    )
    assert t3["2"]["business"] == t3["3.2"]["business"] == 1
    assert t3["3.3.1"]["natural_person"] == t3["3.6.3"]["research"] == 1
    assert t3["4"]["legal_services"] == 1
    assert data["table4"]["reconsideration"]["corrected"] == 1
    assert data["table4"]["litigation_direct"]["pending"] == 1
    assert {c["code"]: c["status"] for c in data["checks"]} == {
        "flow": "passed",
        "results": "passed",
        "columns": "passed",
        "carried_over": "passed",
        "appeals": "passed",
    }
    assert (data["agency"], data["appeals_rule"]["code"]) == ("zbgd", "filed-year-end")


def test_markdown_csv_html_and_xlsx(
    capsys: pytest.CaptureFixture[str], store: TestApplication, tmp_path: Path
) -> None:
    markdown = report(capsys, store, "--agency", "zbgd")
    assert markdown.code == 0
    assert "| 一、本年新收政府信息公开申请数量 | 1 | 0 | 1 | 0 | 1 | 0 | 3 |" in markdown.out
    assert "✓ 一 + 二 = 三(七) + 四" in markdown.out

    table = report(capsys, store, "--agency", "zbgd", "--format", "csv")
    rows = list(csv.reader(io.StringIO(table.out)))
    assert rows[0][:3] == ["table", "row", "label"]
    assert ["三", "4", "四、结转下年度继续办理", "0", "0", "0", "0", "1", "0", "1"] in rows

    html = report(capsys, store, "--agency", "zbgd", "--format", "html")
    assert '<th rowspan="3" colspan="3">' in html.out  # the label corner
    assert '<td class="label" rowspan="8">（三）不予公开</td>' in html.out

    target = tmp_path / "2023.xlsx"
    written = report(capsys, store, "--agency", "zbgd", "-o", str(target))
    assert written.code == 0
    assert f"wrote {target}" in written.err
    sheet = load_workbook(target)["表三"]
    assert sheet["J5"].value == "总计"
    assert sheet["J7"].value == 3  # 一, total, a number


def test_a_tampered_row_fails_the_checks_and_is_named(
    capsys: pytest.CaptureFixture[str], store: TestApplication
) -> None:
    # A closure dated before the receipt, and an outcome no definition knows.
    with store.database.transaction() as session:
        session.execute(
            update(CaseRecord)
            .where(CaseRecord.number == "zbgd-2023-0003")
            .values(first_closed_on=date(2022, 12, 1), first_outcome="disclosed.provided")
        )
        session.execute(
            update(CaseRecord)
            .where(CaseRecord.number == "zbgd-2023-0002")
            .values(first_outcome="withheld.made_up")
        )
    result = report(capsys, store, "--agency", "zbgd", "--format", "json")
    assert result.code == 1
    checks = {c["code"]: c for c in result.json()["checks"]}
    assert checks["flow"]["status"] == "failed"
    assert checks["flow"]["cases"] == ["zbgd-2023-0003"]
    assert checks["results"]["cases"] == ["zbgd-2023-0002"]
    assert "withheld.made_up" in checks["results"]["detail"]
    assert "check failed: 一 + 二 = 三(七) + 四" in result.err
    assert "cases: zbgd-2023-0003" in result.err
    assert "cases: zbgd-2023-0002" in result.err


def test_roll_up_over_the_hierarchy(
    capsys: pytest.CaptureFixture[str], store: TestApplication
) -> None:
    with store.database.transaction() as session:
        add_agency(session, "dept", "某市某局", parent="city")
        session.flush()
    with store.database.transaction() as session:
        from workflow.cases.agencies import set_agency

        set_agency(session, "zbgd", parent="dept")
    write(store.database, [Entry("dept-2023-0001", date(2023, 6, 1), "nonprofit", agency="dept")])
    totals = {}
    for args in (
        ("--agency", "city"),
        ("--agency", "dept", "--subtree"),
        ("--agency", "city", "--subtree"),
        ("--all",),
    ):
        data = report(capsys, store, *args, "--format", "json").json()
        totals[args] = (data["table3"]["1"]["total"], data["agencies"])
    assert totals[("--agency", "city")] == (1, ["city"])
    assert totals[("--agency", "dept", "--subtree")] == (4, ["dept", "zbgd"])
    assert totals[("--agency", "city", "--subtree")] == (5, ["city", "dept", "zbgd"])
    assert totals[("--all",)] == (5, ["city", "dept", "zbgd"])


def test_as_of_counts_only_what_was_recorded_and_says_what_came_later(
    capsys: pytest.CaptureFixture[str], store: TestApplication
) -> None:
    # Closed in December but recorded in March: open as far as 31 January knew.
    write(
        store.database,
        [
            Entry(
                "zbgd-2023-0009",
                date(2023, 12, 1),
                closed_on=date(2023, 12, 15),
                outcome="disclosed.provided",
                closed_recorded_on=date(2024, 3, 5),
            )
        ],
    )
    due = report(capsys, store, "--agency", "zbgd", "--as-of", "2024-01-31", "--format", "json")
    now = report(capsys, store, "--agency", "zbgd", "--format", "json")
    assert due.json()["table3"]["4"]["total"] == 2
    assert now.json()["table3"]["4"]["total"] == 1
    assert due.json()["changes"][0]["counted"] is False
    assert due.json()["changes"][0]["cases"] == ["zbgd-2023-0009"]
    assert now.json()["changes"][0]["counted"] is True
    assert now.json()["changes"][0]["cases"] == ["zbgd-2023-0009"]
    assert "recorded after 2024-01-31 are counted here" in now.err
    # And next year's 二 no longer matches the 四 published on 2024-01-31.
    following = run(
        capsys, "--db", store.settings.db_url, "report", "annual", "--year", "2024",
        "--agency", "zbgd", "--format", "json",
    )  # fmt: skip
    assert following.code == 1
    carried = {c["code"]: c for c in following.json()["checks"]}["carried_over"]
    assert carried["cases"] == ["zbgd-2023-0009"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give either --agency CODE"),
        (("--agency", "zbgd", "--all"), "give either --agency CODE"),
        (("--agency", "nowhere"), "unknown agency 'nowhere'"),
        (("--all", "--as-of", "2027-01-01"), "in the future"),
        (("--all", "--format", "xlsx"), "give -o FILE.xlsx"),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str],
    store: TestApplication,
    args: tuple[str, ...],
    message: str,
) -> None:
    result = report(capsys, store, *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
