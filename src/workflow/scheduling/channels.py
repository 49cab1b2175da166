"""How a message leaves: a file per message, an e-mail over SMTP, or an HTTP POST.

Every channel shows the receiver the message's key so it can drop a repeat:

* ``file``: the file is named ``<key>.txt`` and written atomically (temporary file,
  then rename), so a resend replaces the same file;
* ``email``: ``X-Workflow-Key: <key>`` and a ``Message-ID`` derived from the key
  (the same on every resend);
* ``webhook``: ``Idempotency-Key: <key>``; a 2xx answer to the POST itself counts as
  delivered (a redirect is not followed, and fails the message).

A channel's timeout bounds the whole delivery, not each read (``watchdog.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from workflow.errors import DeliveryError
from workflow.scheduling.notify_config import NotificationConfig, SmtpSettings
from workflow.scheduling.watchdog import Watchdog

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
            f"Date: {message.created_at.isoformat()}\n"
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
        mail["Date"] = format_datetime(message.created_at)
        domain = settings.sender.rpartition("@")[2] or "workflow.local"
        mail["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@{domain}>"
        mail[KEY_HEADER] = message.key
        mail.set_content(message.body)
        server = f"SMTP {settings.host}:{settings.port}"
        client = smtplib.SMTP(timeout=settings.timeout)  # connects below, under the watchdog
        try:
            with Watchdog(settings.timeout, lambda: client.sock) as watchdog:
                try:
                    client.connect(settings.host, settings.port)
                    if settings.starttls:
                        client.starttls()
                    if settings.username:
                        client.login(settings.username, settings.password() or "")
                    client.send_message(mail)
                    client.quit()
                except (smtplib.SMTPException, OSError) as exc:
                    if watchdog.expired or isinstance(exc, TimeoutError):
                        raise DeliveryError(
                            f"{server}: timed out after {settings.timeout:g} s"
                        ) from exc
                    raise DeliveryError(f"{server}: {exc}") from exc
        finally:
            client.close()


class WebhookChannel:
    """An HTTP(S) POST of the message as JSON; only a 2xx answer to that POST counts.

    Redirects are not followed: the message was meant for this URL, and a POST
    redirected is either turned into a GET (nothing posted) or handed to whoever the
    answer names. The timeout bounds the whole delivery, connecting included
    (``watchdog.py``); any answer that is not HTTP fails the message, never the run.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def send(self, message: Outgoing) -> None:
        target = f"POST {message.recipient}"
        payload = {
            "key": message.key,
            "kind": message.kind,
            "case": message.case,
            "subject": message.subject,
            "body": message.body,
            "created_at": message.created_at.isoformat(),
        }
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            IDEMPOTENCY_HEADER: message.key,
            "User-Agent": "workflow-outbox",
        }
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        status, location = self._post(target, message.recipient, body, headers)
        if 300 <= status < 400:
            raise DeliveryError(
                f"{target}: HTTP {status} (redirects are not followed for a POST; "
                f"Location: {_quoted(location or '-')})"
            )
        if not 200 <= status < 300:
            raise DeliveryError(f"{target}: HTTP {status}")

    def _post(
        self, target: str, address: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str | None]:
        """The answer's status and ``Location``; the body is not read."""
        url = urlsplit(address)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise DeliveryError(f"{target}: not an http:// or https:// URL")
        host = f"[{url.hostname}]" if ":" in url.hostname else url.hostname  # IPv6
        kind = HTTPSConnection if url.scheme == "https" else HTTPConnection
        connection = kind(host, url.port, timeout=self.timeout)
        path = urlunsplit(("", "", url.path or "/", url.query, ""))
        try:
            with Watchdog(self.timeout, lambda: connection.sock) as watchdog:
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    return response.status, response.getheader("Location")
                except (HTTPException, OSError, ValueError) as exc:
                    if watchdog.expired or isinstance(exc, TimeoutError):
                        timed_out = f"timed out after {self.timeout:g} s"
                        raise DeliveryError(f"{target}: {timed_out}") from exc
                    raise DeliveryError(f"{target}: {_not_delivered(exc)}") from exc
        finally:
            connection.close()


def _not_delivered(exc: Exception) -> str:
    """One line saying why: the receiver's answer is not HTTP, or the connection failed."""
    if isinstance(exc, HTTPException):
        return f"the answer is not valid HTTP ({type(exc).__name__}: {_quoted(str(exc))})"
    return str(exc) or type(exc).__name__


def _quoted(text: str, limit: int = 100) -> str:
    """A receiver's text in an error message: one line, escaped, cut short."""
    shown = repr(text[:limit])[1:-1]
    return shown + ("…" if len(text) > limit else "")


def channels_for(config: NotificationConfig) -> dict[str, Channel]:
    return {
        "file": FileChannel(config.file_directory),
        "email": EmailChannel(config.smtp),
        "webhook": WebhookChannel(config.webhook_timeout),
    }
