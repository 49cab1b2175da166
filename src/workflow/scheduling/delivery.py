"""Delivering the outbox: at least once, with retries, backoff, and a key the receiver sees.

Each message is delivered and recorded on its own. It is claimed in a short
transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite) and
leased: ``attempts`` + 1 and ``next_attempt_at`` moved ``LEASE`` ahead, so no other
deliverer takes it meanwhile. Sending happens outside any transaction (no lock is
held during network I/O) and is bounded by the channel's timeout; then the message
is marked ``sent``, or given a retry after a doubling backoff, or, after
``retry.max_attempts``, marked ``failed``. Whatever a receiver answers, or a channel
raises, fails that message alone: the run goes on with the next one, and no other
message waits on a lease.

The guarantee, honestly: **at least once**. A deliverer that dies after the receiver
got a message but before ``sent`` was committed sends it again when the lease runs
out; the receiver recognises the repeat by its key (``channels.py``). Nothing is
lost: a message that is not marked is tried again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from workflow.clock import Clock
from workflow.codes import OutboxStatus
from workflow.errors import DeliveryError
from workflow.scheduling.channels import Channel, Outgoing, channels_for
from workflow.scheduling.notify_config import NotificationConfig
from workflow.store.database import Database
from workflow.store.records import CaseRecord, OutboxRecord

LEASE = timedelta(minutes=10)  # longer than any channel's timeout
MAX_ERROR = 500  # characters of an error kept in last_error
MAX_LISTED_ERRORS = 20


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0  # failed this time, will be tried again
    failed: int = 0  # gave up after the last attempt
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "errors": self.errors[:MAX_LISTED_ERRORS],
        }


@dataclass(frozen=True)
class _Claimed:
    id: int
    attempts: int
    channel: str
    message: Outgoing


class Deliverer:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        config: NotificationConfig | None = None,
        channels: dict[str, Channel] | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.config = config or NotificationConfig()
        self.channels = channels if channels is not None else channels_for(self.config)

    def deliver(self) -> DeliveryReport:
        """Send every message that is due now, one at a time; returns what happened."""
        report = DeliveryReport()
        while (claimed := self._claim()) is not None:
            try:
                self._send(claimed)
            except Exception as exc:  # any failure is this message's, recorded with it
                self._mark_failed(claimed, _error_text(exc), report)
            else:
                self._mark_sent(claimed)
                report.sent += 1
        return report

    def _send(self, claimed: _Claimed) -> None:
        channel = self.channels.get(claimed.channel)
        if channel is None:
            raise DeliveryError(f"no channel {claimed.channel!r} is configured")
        channel.send(claimed.message)

    def _claim(self) -> _Claimed | None:
        """The next due message, leased to this deliverer; None when none is due."""
        now = self.clock.now()
        with self.database.transaction() as session:
            found = session.execute(
                select(OutboxRecord, CaseRecord.number)
                .outerjoin(CaseRecord, CaseRecord.id == OutboxRecord.case_id)
                .where(
                    OutboxRecord.status == OutboxStatus.PENDING, OutboxRecord.next_attempt_at <= now
                )
                .order_by(OutboxRecord.next_attempt_at, OutboxRecord.id)
                .limit(1)
                .with_for_update(skip_locked=True, of=OutboxRecord)
            ).first()
            if found is None:
                return None
            row, number = found
            row.attempts += 1
            row.next_attempt_at = now + LEASE
            message = Outgoing(
                key=row.key,
                kind=row.kind,
                case=number,
                recipient=row.recipient,
                subject=row.subject,
                body=row.body,
                created_at=row.created_at,
            )
            return _Claimed(row.id, row.attempts, row.channel, message)

    def _mark_sent(self, claimed: _Claimed) -> None:
        with self.database.transaction() as session:
            row = session.get(OutboxRecord, claimed.id)
            assert row is not None
            row.status = OutboxStatus.SENT
            row.sent_at = self.clock.now()
            row.last_error = None

    def _mark_failed(self, claimed: _Claimed, error: str, report: DeliveryReport) -> None:
        retry = self.config.retry
        with self.database.transaction() as session:
            row = session.get(OutboxRecord, claimed.id)
            assert row is not None
            row.last_error = error
            if claimed.attempts >= retry.max_attempts:
                row.status = OutboxStatus.FAILED
                report.failed += 1
            else:
                row.next_attempt_at = self.clock.now() + retry.delay(claimed.attempts)
                report.retrying += 1
        report.errors.append({"key": claimed.message.key, "error": error})


def _error_text(exc: Exception) -> str:
    """One line for ``last_error``: a channel's own message, or the unexpected error's type too."""
    text = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
    line = " ".join(text.split())
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"
