"""Outbox delivery to a real SMTP server, a real HTTP endpoint and a directory.

At least once, with the key the receiver sees: a crash between sending and marking
sends again with the same key, and a receiver that dedupes by it keeps one message.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.scheduling.casework import HANDLER, HEAD, open_case, sweep, to
from tests.scheduling.conftest import SmtpInbox, WebhookReceiver, free_port
from tests.stores import TestApplication
from workflow.clock import FixedClock
from workflow.people import Person
from workflow.scheduling import Deliverer, NotificationConfig
from workflow.scheduling.channels import Channel, Outgoing, WebhookChannel
from workflow.scheduling.delivery import LEASE
from workflow.scheduling.notify_config import RetryPolicy, SmtpSettings, UserAddress
from workflow.store.records import OutboxRecord

RECEIVED = date(2026, 2, 12)
BEFORE_5 = date(2026, 3, 11)  # the answer's "5 WD left" reminder day


def config(
    tmp_path: Path,
    *,
    smtp_port: int = 25,
    people: dict[str, UserAddress] | None = None,
    max_attempts: int = 3,
) -> NotificationConfig:
    return NotificationConfig(
        file_directory=tmp_path / "outbox",
        smtp=SmtpSettings(host="127.0.0.1", port=smtp_port, sender="gongkai@zbgd.example.org"),
        webhook_timeout=5,
        retry=RetryPolicy(max_attempts=max_attempts, backoff_seconds=60),
        people={Person("zbgd", name): address for name, address in (people or {}).items()},
    )


def outbox(app: TestApplication) -> list[OutboxRecord]:
    with app.database.reading() as session:
        return list(session.scalars(select(OutboxRecord).order_by(OutboxRecord.id)))


def advance(app: TestApplication, seconds: float) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(seconds=seconds))


def test_reminders_reach_email_webhook_and_file_each_with_its_key(
    app: TestApplication, tmp_path: Path, smtp_inbox: SmtpInbox, webhook: WebhookReceiver
) -> None:
    people = {
        HANDLER: UserAddress(email="lisi@example.org"),
        HEAD: UserAddress(webhook=webhook.url),
    }
    notify = config(tmp_path, smtp_port=smtp_inbox.port, people=people)
    mine = open_case(app, RECEIVED)
    other = open_case(app, RECEIVED, handler="赵六")  # not listed: the file channel
    sweep(app, BEFORE_5, notify)
    report = Deliverer(app.database, app.clock, notify).deliver()
    assert (report.sent, report.retrying, report.failed) == (4, 0, 0)
    keys = {row.recipient: row.key for row in outbox(app)}

    [mail] = smtp_inbox.messages
    assert smtp_inbox.recipients == [["lisi@example.org"]]
    assert mail["X-Workflow-Key"] == keys["lisi@example.org"]
    assert mail["Subject"] == f"【期限提醒】{mine} 答复期限还剩5个工作日（2026年3月18日届满）"
    assert mail["Message-ID"].endswith("@zbgd.example.org>")
    assert "法律依据：《中华人民共和国政府信息公开条例》第三十三条" in mail.get_content()

    assert sorted(body["case"] for _, body in webhook.posts) == sorted([mine, other])
    assert {headers["Idempotency-Key"] for headers, _ in webhook.posts} == {
        row.key for row in outbox(app) if row.channel == "webhook"
    }
    [file] = (tmp_path / "outbox").iterdir()
    assert file.name == f"{keys[to('赵六')]}.txt"
    assert f"Case: {other}" in file.read_text("utf-8")
    assert {(row.status, row.attempts) for row in outbox(app)} == {("sent", 1)}

    again = Deliverer(app.database, app.clock, notify).deliver()
    assert again.sent == 0
    assert (len(smtp_inbox.messages), len(webhook.posts)) == (1, 2)


def test_a_failed_delivery_is_retried_after_a_doubling_backoff(
    app: TestApplication, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    notify = config(tmp_path, people={HANDLER: UserAddress(webhook=webhook.url)})
    open_case(app, RECEIVED, handler=HANDLER)
    sweep(app, BEFORE_5, notify)  # one message to the webhook, one file for the head
    webhook.failures = [500, 503]
    deliver = Deliverer(app.database, app.clock, notify).deliver

    assert (deliver().retrying, deliver().retrying) == (1, 0)  # not due again yet
    advance(app, 60)
    assert deliver().retrying == 1
    advance(app, 119)
    assert deliver().sent == 0
    advance(app, 1)  # 120 s after the second failure
    assert deliver().sent == 1
    [row] = [row for row in outbox(app) if row.channel == "webhook"]
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert len(webhook.posts) == 3


def test_an_unreachable_smtp_server_is_given_up_after_the_last_attempt(
    app: TestApplication, tmp_path: Path
) -> None:
    people = {HANDLER: UserAddress(email="lisi@example.org")}
    notify = config(tmp_path, smtp_port=free_port(), people=people, max_attempts=2)
    open_case(app, RECEIVED)
    sweep(app, BEFORE_5, notify)
    deliver = Deliverer(app.database, app.clock, notify).deliver
    assert deliver().retrying == 1
    advance(app, 60)
    report = deliver()
    assert report.failed == 1
    [row] = [row for row in outbox(app) if row.channel == "email"]
    assert row.status == "failed"
    assert row.last_error is not None
    assert "SMTP 127.0.0.1" in row.last_error


class SimulatedCrash(BaseException):
    """The process dies: nothing after the send runs."""


class CrashAfterSend:
    def __init__(self, channel: WebhookChannel) -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> None:
        self.channel.send(message)
        raise SimulatedCrash


def test_a_crash_between_send_and_mark_resends_with_the_same_key(
    app: TestApplication, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    notify = config(tmp_path, people={HANDLER: UserAddress(webhook=webhook.url)})
    open_case(app, RECEIVED)
    sweep(app, BEFORE_5, notify)
    crashing: dict[str, Channel] = {"webhook": CrashAfterSend(WebhookChannel(5))}
    with pytest.raises(SimulatedCrash):
        Deliverer(app.database, app.clock, notify, channels=crashing).deliver()
    assert len(webhook.posts) == 1

    restarted = Deliverer(app.database, app.clock, notify)
    assert restarted.deliver().sent == 1  # the head's file: only the message in flight was leased
    advance(app, LEASE.total_seconds())
    assert restarted.deliver().sent == 1  # the webhook message again, once its lease ran out
    assert len(webhook.posts) == 2
    assert webhook.posts[0][0]["Idempotency-Key"] == webhook.posts[1][0]["Idempotency-Key"]
    assert len(webhook.delivered) == 1  # the receiver dropped the repeat by its key


def test_two_deliverers_at_once_send_each_message_once(
    app: TestApplication, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    people = {HANDLER: UserAddress(webhook=webhook.url), HEAD: UserAddress(webhook=webhook.url)}
    notify = config(tmp_path, people=people)
    for _ in range(15):
        open_case(app, RECEIVED)
    sweep(app, BEFORE_5, notify)
    start = threading.Barrier(2)

    def deliver(_: int) -> int:
        start.wait(timeout=30)
        return Deliverer(app.database, app.clock, notify).deliver().sent

    with ThreadPoolExecutor(2) as pool:
        sent = list(pool.map(deliver, range(2)))
    assert sum(sent) == 30
    assert len(webhook.posts) == 30
    assert len({headers["Idempotency-Key"] for headers, _ in webhook.posts}) == 30
