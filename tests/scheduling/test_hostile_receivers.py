"""Delivery survives any receiver: real misbehaving servers on 127.0.0.1.

Each message is delivered and recorded on its own: a receiver answering garbage, a
header line of 64 KiB, a redirect, bytes trickled one at a time, or a server that never
accepts the connection fails its own message, quickly (the timeout bounds the whole
delivery), and never holds or hides the others.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.scheduling.conftest import WebhookReceiver
from tests.stores import TestApplication
from workflow.clock import CHINA
from workflow.scheduling import Deliverer, NotificationConfig
from workflow.scheduling.channels import Channel, Outgoing, channels_for
from workflow.scheduling.notify_config import RetryPolicy, SmtpSettings
from workflow.store.records import OutboxRecord

TIMEOUT = 1.0  # seconds: the webhook timeout these tests configure
Reply = Callable[[socket.socket], None]


class RawServer:
    """Accepts connections on loopback; each is answered by ``reply`` in its own thread."""

    def __init__(self, reply: Reply | None, *, speaks_first: bool = False) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=8)
        self.port = int(self.listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.reply = reply
        self.speaks_first = speaks_first  # SMTP: the server greets before the client says a word
        self.requests: list[bytes] = []
        self.closing = threading.Event()
        if reply is not None:  # None: listens, never accepts (the kernel completes the handshake)
            threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        assert self.reply is not None
        with connection:
            connection.settimeout(5)
            try:
                if not self.speaks_first:
                    self.requests.append(connection.recv(65536))
                self.reply(connection)
            except OSError:
                pass  # the client gave up: that is the point

    def close(self) -> None:
        self.closing.set()
        self.listener.close()


def garbage(connection: socket.socket) -> None:
    connection.sendall(b"HELLO\r\n")


def huge_header(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 65536 + b"\r\n\r\n")


def trickle(connection: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" * 100:
        connection.sendall(bytes([byte]))
        time.sleep(0.2)


def redirect_to(target: str) -> Reply:
    def reply(connection: socket.socket) -> None:
        connection.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n".encode()
        )

    return reply


@pytest.fixture
def servers() -> Iterator[list[RawServer]]:
    started: list[RawServer] = []
    yield started
    for server in started:
        server.close()


def serve(servers: list[RawServer], reply: Reply | None) -> str:
    server = RawServer(reply)
    servers.append(server)
    return server.url


def queue(app: TestApplication, channel: str, recipient: str, key: str) -> None:
    now = app.clock.now()
    with app.database.transaction() as session:
        session.add(
            OutboxRecord(
                key=key,
                case_id=None,
                kind="digest",
                channel=channel,
                recipient=recipient,
                subject=f"subject {key}",
                body="body\n",
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )
        )


def rows(app: TestApplication) -> dict[str, OutboxRecord]:
    with app.database.reading() as session:
        return {row.key: row for row in session.scalars(select(OutboxRecord))}


def aware(moment: datetime) -> datetime:
    """SQLite gives stored instants back without their zone (China time)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)


def config(tmp_path: Path) -> NotificationConfig:
    return NotificationConfig(
        file_directory=tmp_path / "outbox",
        webhook_timeout=TIMEOUT,
        retry=RetryPolicy(max_attempts=3, backoff_seconds=60),
    )


def test_bad_receivers_fail_their_own_message_quickly_and_the_others_are_delivered(
    app: TestApplication, tmp_path: Path, servers: list[RawServer], webhook: WebhookReceiver
) -> None:
    bad = {
        "garbage": serve(servers, garbage),
        "huge-header": serve(servers, huge_header),
        "redirect": serve(servers, redirect_to(webhook.url)),
        "trickle": serve(servers, trickle),
        "never-accepts": serve(servers, None),
    }
    queue(app, "file", "zbgd/李四", "first-file")
    for key, url in bad.items():
        queue(app, "webhook", url, key)
    queue(app, "webhook", webhook.url, "good-webhook")
    queue(app, "file", "zbgd/王主任", "last-file")

    started = time.monotonic()
    report = Deliverer(app.database, app.clock, config(tmp_path)).deliver()
    elapsed = time.monotonic() - started

    assert (report.sent, report.retrying, report.failed) == (3, 5, 0)
    # two receivers run out the timeout (trickle, never-accepts); nothing waits longer
    assert elapsed < 2 * TIMEOUT + 2
    found = rows(app)
    assert {key for key, row in found.items() if row.status == "sent"} == {
        "first-file",
        "good-webhook",
        "last-file",
    }
    assert [body["key"] for _, body in webhook.posts] == ["good-webhook"]  # no redirected POST
    now = app.clock.now()
    for key in bad:
        row = found[key]
        assert (row.status, row.attempts) == ("pending", 1)
        # retried after the backoff, not held by a lease
        assert aware(row.next_attempt_at) == now + timedelta(seconds=60)
        assert row.last_error is not None
        assert "\n" not in row.last_error
        assert row.last_error.startswith(f"POST {bad[key]}: ")
    assert "HTTP 302" in str(found["redirect"].last_error)
    assert "redirects are not followed" in str(found["redirect"].last_error)
    assert f"timed out after {TIMEOUT:g} s" in str(found["trickle"].last_error)
    assert f"timed out after {TIMEOUT:g} s" in str(found["never-accepts"].last_error)
    assert {error["key"] for error in report.errors} == set(bad)


class Exploding:
    """A channel with a bug: not a DeliveryError, an arbitrary exception."""

    def send(self, message: Outgoing) -> None:
        raise UnicodeEncodeError("ascii", message.recipient, 0, 1, "ordinal not in range")


def test_an_unexpected_error_in_a_channel_is_recorded_for_its_message_alone(
    app: TestApplication, tmp_path: Path
) -> None:
    queue(app, "email", "李四@example.org", "odd-address")
    queue(app, "file", "zbgd/李四", "a-file")
    notify = config(tmp_path)
    channels: dict[str, Channel] = {**channels_for(notify), "email": Exploding()}
    report = Deliverer(app.database, app.clock, notify, channels=channels).deliver()
    assert (report.sent, report.retrying) == (1, 1)
    odd = rows(app)["odd-address"]
    assert odd.status == "pending"
    assert odd.last_error is not None
    assert odd.last_error.startswith("UnicodeEncodeError: ")
    assert rows(app)["a-file"].status == "sent"


def test_an_smtp_server_trickling_its_greeting_is_cut_off_at_the_timeout(
    app: TestApplication, tmp_path: Path, servers: list[RawServer]
) -> None:
    def greeting(connection: socket.socket) -> None:
        for byte in b"220 slow.example.org ESMTP\r\n" * 100:
            connection.sendall(bytes([byte]))
            time.sleep(0.2)

    server = RawServer(greeting, speaks_first=True)
    servers.append(server)
    queue(app, "email", "lisi@example.org", "slow-mail")
    notify = NotificationConfig(
        smtp=SmtpSettings(host="127.0.0.1", port=server.port, timeout=TIMEOUT),
        retry=RetryPolicy(max_attempts=3, backoff_seconds=60),
    )
    started = time.monotonic()
    report = Deliverer(app.database, app.clock, notify).deliver()
    assert time.monotonic() - started < TIMEOUT + 2
    assert report.retrying == 1
    assert rows(app)["slow-mail"].last_error == (
        f"SMTP 127.0.0.1:{server.port}: timed out after {TIMEOUT:g} s"
    )
