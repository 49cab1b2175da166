"""Two officers called 王伟 in two agencies are two people: neither sees the other's cases.

A person is an agency and a name (``workflow.people``): reminders, digests and the
notification config's addresses are resolved within the case's agency, never by a
name across agencies.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from tests.scheduling.casework import open_case, set_today, sweep
from tests.stores import TestApplication
from workflow.cases.agencies import set_agency
from workflow.scheduling import DigestWriter, NotificationConfig, load_notification_config
from workflow.store.records import OutboxRecord

WANG = "王伟"
RECEIVED = date(2026, 2, 12)  # answer due 2026-03-18: "5 WD left" on 03-11
BEFORE_5, OVERDUE = date(2026, 3, 11), date(2026, 3, 25)
NOTIFY = """\
people:
  zbgd:
    王伟: {email: wangwei@zbgd.example.org}
  city:
    王伟: {email: wangwei@city.example.org}
"""


def two_wangs(app: TestApplication) -> tuple[str, str]:
    """Each agency's head is 王伟, and each handles one case of their own agency."""
    with app.database.transaction() as session:
        set_agency(session, "zbgd", head=WANG)
        set_agency(session, "city", head=WANG)
    ours = open_case(app, RECEIVED, handler=WANG, applicant="张三")
    theirs = open_case(app, RECEIVED, agency="city", handler=WANG, applicant="李梅")
    return ours, theirs


def outbox(app: TestApplication, kind: str) -> dict[str, OutboxRecord]:
    """The messages by recipient: one each (a person with both roles gets one message)."""
    with app.database.reading() as session:
        rows = list(session.scalars(select(OutboxRecord).where(OutboxRecord.kind == kind)))
    by_recipient = {row.recipient: row for row in rows}
    assert len(by_recipient) == len(rows)
    return by_recipient


def assert_apart(
    rows: dict[str, OutboxRecord], zbgd: str, city: str, cases: tuple[str, str]
) -> None:
    ours, theirs = cases
    assert set(rows) == {zbgd, city}
    for recipient, own, other, applicant, stranger in (
        (zbgd, ours, theirs, "张三", "李梅"),
        (city, theirs, ours, "李梅", "张三"),
    ):
        text = rows[recipient].subject + rows[recipient].body
        assert own in text
        assert applicant in text
        assert other not in text
        assert stranger not in text
    keys = [row.key for row in rows.values()]
    assert len(set(keys)) == 2
    assert all(key.isascii() for key in keys)


def test_same_named_officers_of_two_agencies_get_only_their_own_agencys_messages(
    app: TestApplication, tmp_path: Path
) -> None:
    cases = two_wangs(app)
    path = tmp_path / "notify.yaml"
    path.write_text(NOTIFY, encoding="utf-8")
    notify = load_notification_config(path, environ={})
    zbgd, city = "wangwei@zbgd.example.org", "wangwei@city.example.org"

    sweep(app, BEFORE_5, notify)
    reminders = outbox(app, "reminder")
    assert_apart(reminders, zbgd, city, cases)
    assert reminders[zbgd].body.startswith(f"{WANG}：")

    set_today(app, OVERDUE)
    report = DigestWriter(app.cases, notify).queue(OVERDUE, due_within=5)
    assert (report.people, report.queued) == (2, 2)
    digests = outbox(app, "digest")
    assert_apart(digests, zbgd, city, cases)
    assert "您为承办人、负责人" in digests[zbgd].body
    assert "淄博高端装备及现代服务业产业园管理中心" in digests[zbgd].body
    assert "某市人民政府" not in digests[zbgd].body
    assert "某市人民政府" in digests[city].body


def test_without_a_config_each_gets_files_addressed_by_agency_and_name(
    app: TestApplication,
) -> None:
    cases = two_wangs(app)
    sweep(app, BEFORE_5, NotificationConfig())
    assert_apart(outbox(app, "reminder"), "zbgd/王伟", "city/王伟", cases)
    set_today(app, OVERDUE)
    DigestWriter(app.cases).queue(OVERDUE, due_within=5)
    assert_apart(outbox(app, "digest"), "zbgd/王伟", "city/王伟", cases)
