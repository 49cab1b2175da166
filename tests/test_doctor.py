"""``workflow doctor``: a healthy store passes; each problem is found and says what to do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from tests.cli import run
from tests.stores import TestApplication
from workflow.doctor import examine
from workflow.store import schema
from workflow.store.records import OutboxRecord

OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-06-01",
    "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip


def codes(result_json: dict[str, list[dict[str, str]]]) -> list[str]:
    return [finding["code"] for finding in result_json["findings"]]


def test_a_healthy_store_exits_zero(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, *OPEN).code == 0
    result = run(capsys, "doctor", "--as-of", "2026-06-02")
    assert result.code == 0, result
    assert result.out.strip() == "2026-06-02：一切正常 [ok]"
    assert run(capsys, "doctor", "--as-of", "2026-06-02", "--json").json() == {
        "as_of": "2026-06-02",
        "findings": [],
    }


def test_from_november_the_next_years_notice_is_asked_for(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "doctor", "--as-of", "2026-10-31").code == 0
    result = run(capsys, "doctor", "--as-of", "2026-11-01")
    assert result.code == 1
    assert result.out.splitlines() == [
        "日历 [calendar]：2027 年的节假日通知尚未导入，跨年的期限暂不能确定 [next_year_missing]",
        "  处理：通知发布后运行 `workflow calendar import-notice FILE`"
        "（再运行 `workflow calendar recompute`）",
    ]
    # the effective date is the clock's when none is given (WORKFLOW_TODAY is 2026-11-26)
    assert codes(run(capsys, "doctor", "--json").json()) == ["next_year_missing"]
    assert codes(run(capsys, "doctor", "--as-of", "2031-03-01", "--json").json()) == [
        "year_missing"
    ]


def test_overdue_timers_until_a_sweep_fires_them(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, *OPEN).code == 0
    late = run(capsys, "doctor", "--as-of", "2026-07-15", "--json")
    assert late.code == 1
    assert codes(late.json()) == ["timers_overdue"]
    assert run(capsys, "sweep", "--as-of", "2026-07-15").code == 0
    assert run(capsys, "doctor", "--as-of", "2026-07-15").code == 0


def test_an_agency_without_remedies(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "agency", "add", "city", "--name", "某市人民政府").code == 0
    result = run(capsys, "doctor", "--as-of", "2026-06-02")
    assert result.code == 1
    assert "`workflow agency set city --reconsideration-body NAME --court NAME`" in result.out
    run(capsys, "agency", "set", "city", "--reconsideration-body", "省政府", "--court", "中院")
    assert run(capsys, "doctor", "--as-of", "2026-06-02").code == 0


def test_a_tampered_case_is_reported(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, *OPEN).code == 0
    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE cases SET state = 'decided', outcome = 'other.other'"))
    engine.dispose()
    result = run(capsys, "doctor", "--as-of", "2026-06-02", "--json")
    assert result.code == 1
    assert codes(result.json()) == ["verify_differences"]


def test_an_outdated_or_missing_schema(app: TestApplication) -> None:
    config = schema.alembic_config()
    with app.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    [finding] = examine(app, date(2026, 6, 2))
    assert finding.code == "schema_outdated"
    assert finding.action == "备份后运行 `workflow init` 升级"


def test_failed_and_stuck_messages(app: TestApplication) -> None:
    now = app.clock.now()
    with app.database.transaction() as session:
        for key, status, due in (
            ("failed", "failed", now),
            ("stuck", "pending", now - timedelta(hours=2)),
            ("waiting", "pending", now - timedelta(minutes=5)),
        ):
            session.add(
                OutboxRecord(
                    key=key, case_id=None, kind="digest", channel="file", recipient="王主任",
                    subject=key, body="body\n", status=status, attempts=1, created_at=now,
                    next_attempt_at=due,
                )
            )  # fmt: skip
    found = {f.code for f in examine(app, date(2026, 6, 2))}
    # the agency `city` of the test store has no reconsideration body or court
    assert found == {"messages_failed", "messages_stuck", "remedies_missing"}
