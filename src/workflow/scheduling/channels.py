"""How a message leaves: a file per message, an e-mail over SMTP, or an HTTP POST.

Every channel shows the receiver the message's key so it can drop a repeat:

* ``file``: the file is named ``<key>.txt`` and written atomically (temporary file,
  then rename), so a resend replaces the same file;
* ``email``: ``X-Workflow-Key: <key>`` and a ``Message-ID`` derived from the key
  (the same on every resend);
* ``webhook``: ``Idempotency-Key: <key>``; any 2xx answer counts as delivered.
"""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from workflow.clock import CHINA
from workflow.errors import DeliveryError
from workflow.scheduling.notify_config import NotificationConfig, SmtpSettings

KEY_HEADER = "X-Workflow-Key"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Outgoing:
    key: str
    kind: str
    case: str | None  # the case number
    recipient: str
    subject: str
    body: str
    created_at: datetime


class Channel(Protocol):
    def send(self, message: Outgoing) -> None:
        """Deliver or raise ``DeliveryError``."""
        ...


class FileChannel:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: Outgoing) -> None:
        text = (
            f"{KEY_HEADER}: {message.key}\n"
            f"To: {message.recipient}\n"
            f"Subject: {message.subject}\n"
            f"Case: {message.case or '-'}\n"
            f"Date: {_aware(message.created_at).isoformat()}\n"
            f"\n{message.body}"
        )
        target = self.directory / f"{message.key}.txt"
        partial = self.directory / f".{message.key}.partial"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, target)
        except OSError as exc:
            raise DeliveryError(f"cannot write {target}: {exc}") from exc


class EmailChannel:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: Outgoing) -> None:
        settings = self.settings
        mail = EmailMessage()
        mail["From"] = settings.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(_aware(message.created_at))
        domain = settings.sender.rpartition("@")[2] or "workflow.local"
        mail["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@{domain}>"
        mail[KEY_HEADER] = message.key
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as client:
                if settings.starttls:
                    client.starttls()
                if settings.username:
                    client.login(settings.username, settings.password() or "")
                client.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {settings.host}:{settings.port}: {exc}") from exc


class WebhookChannel:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def send(self, message: Outgoing) -> None:
        payload = {
            "key": message.key,
            "kind": message.kind,
            "case": message.case,
            "subject": message.subject,
            "body": message.body,
            "created_at": _aware(message.created_at).isoformat(),
        }
        request = urllib.request.Request(
            message.recipient,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                IDEMPOTENCY_HEADER: message.key,
                "User-Agent": "workflow-outbox",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"POST {message.recipient}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"POST {message.recipient}: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"POST {message.recipient}: HTTP {status}")


def channels_for(config: NotificationConfig) -> dict[str, Channel]:
    return {
        "file": FileChannel(config.file_directory),
        "email": EmailChannel(config.smtp),
        "webhook": WebhookChannel(config.webhook_timeout),
    }


def _aware(moment: datetime) -> datetime:
    """SQLite returns stored instants without their zone; they were written in China time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)
