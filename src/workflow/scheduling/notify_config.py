"""Who receives reminders and digests, and how: the notification config (``--notify FILE``).

A small YAML file, every key optional; an unknown key is refused, so a typo never
silently drops a reminder::

    file: {directory: outbox}          # the zero-setup default: one file per message
    email: {host: smtp.example.org, port: 25, sender: gongkai@example.org,
            starttls: false, username: null, password_env: WORKFLOW_SMTP_PASSWORD,
            timeout: 30}
    webhook: {timeout: 10}
    retry: {max_attempts: 8, backoff_seconds: 60, max_backoff_seconds: 21600}
    templates: my-reminders            # overrides notifications/reminders/ file by file
    people:                            # per agency (its code), each person by name
      zbgd:
        李四: {email: lisi@example.org}
        王主任: {webhook: "https://hooks.example.org/workflow"}
      city:
        李四: {email: lisi@city.example.org}   # another agency's 李四: another person
    agencies:                          # an agency's own address: cases with nobody named
      zbgd: {email: gongkai@example.org}

A name is a person only within an agency (``workflow.people``), so people are listed
under their agency's code. The form of earlier releases, ``users:`` by name alone
(and ``agency:<code>``), is refused with the form to write instead: a name alone
may be two people, and reading it would send one agency's reminders to the other's
officer. A person not listed gets files (channel ``file``). Relative paths are
relative to the config file. The SMTP password is read from the environment variable
named by ``password_env``, never from the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from workflow import bounded_yaml
from workflow.codes import Transport
from workflow.errors import ConfigError
from workflow.input_files import UnreadableFile
from workflow.people import Person

MAX_ADDRESS = 300  # the outbox's recipient column
TOP_KEYS = {"file", "email", "webhook", "retry", "templates", "people", "agencies"}
RETRY_KEYS = {"max_attempts", "backoff_seconds", "max_backoff_seconds"}
ADDRESS_KEYS = {"email", "webhook", "channel"}
NEW_FORM = (
    "write people: {<agency code>: {<name>: {email: ...}}}, "
    "and an agency's own address as agencies: {<agency code>: {email: ...}}"
)


@dataclass(frozen=True)
class Address:
    transport: Transport
    recipient: str  # an e-mail address, a webhook URL, or the person's name (file)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    sender: str = "workflow@localhost"
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None
    timeout: float = 30.0

    def password(self, environ: Mapping[str, str] = os.environ) -> str | None:
        return environ.get(self.password_env) if self.password_env else None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    backoff_seconds: float = 60.0
    max_backoff_seconds: float = 6 * 3600.0

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next try after ``attempts`` failures: doubling, capped."""
        seconds = self.backoff_seconds * 2 ** max(0, attempts - 1)
        return timedelta(seconds=min(seconds, self.max_backoff_seconds))


@dataclass(frozen=True)
class UserAddress:
    email: str | None = None
    webhook: str | None = None
    transport: Transport | None = None  # the file's ``channel:``


@dataclass(frozen=True)
class NotificationConfig:
    file_directory: Path = Path("outbox")
    smtp: SmtpSettings = SmtpSettings()
    webhook_timeout: float = 10.0
    retry: RetryPolicy = RetryPolicy()
    templates: Path | None = None
    people: Mapping[Person, UserAddress] = field(default_factory=dict)  # agencies' own too
    source: Path | None = None  # the file it was read from

    def refuse_unknown_agencies(self, known: Iterable[str]) -> None:
        """A code the store does not have is a typo: its people would silently get files."""
        codes = sorted(set(known))
        unknown = sorted({person.agency for person in self.people} - set(codes))
        if unknown:
            raise ConfigError(
                f"no agency {', '.join(unknown)} in the store; "
                f"agencies: {', '.join(codes) or 'none'}",
                path=self.source or "the notification config",
            )

    def address(self, person: Person) -> Address:
        user = self.people.get(person)
        if user is None:
            return Address(Transport.FILE, str(person))
        transport = user.transport or (
            Transport.EMAIL if user.email else Transport.WEBHOOK if user.webhook else Transport.FILE
        )
        if transport is Transport.EMAIL and user.email:
            return Address(Transport.EMAIL, user.email)
        if transport is Transport.WEBHOOK and user.webhook:
            return Address(Transport.WEBHOOK, user.webhook)
        return Address(Transport.FILE, str(person))


def load_notification_config(
    path: Path | None = None, environ: Mapping[str, str] = os.environ
) -> NotificationConfig:
    """The config from ``path``, else from ``WORKFLOW_NOTIFY``, else the defaults."""
    if path is None and environ.get("WORKFLOW_NOTIFY"):
        path = Path(environ["WORKFLOW_NOTIFY"])
    if path is None:
        return NotificationConfig()
    try:
        data = bounded_yaml.read(path) or {}
    except UnreadableFile as exc:
        raise ConfigError(f"cannot read the notification config: {exc.reason}", path=path) from exc
    return _Reader(path).config(data)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.base = path.parent

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(problem, path=self.path, key=key)

    def mapping(self, value: Any, key: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        unknown = sorted(str(name) for name in value if name not in allowed)
        if unknown:
            raise self.fail(key, f"unknown key(s) {', '.join(unknown)}; known: {sorted(allowed)}")
        return value

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(key, "must be a positive number")
        return float(value)

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        if len(value) > MAX_ADDRESS:
            raise self.fail(key, f"longer than {MAX_ADDRESS} characters")
        return value

    def config(self, data: Any) -> NotificationConfig:
        if isinstance(data, dict) and "users" in data:
            raise self.fail("users", f"a name alone may be two people in two agencies; {NEW_FORM}")
        top = self.mapping(data, "(top)", TOP_KEYS)
        file = self.mapping(top.get("file", {}), "file", {"directory"})
        webhook = self.mapping(top.get("webhook", {}), "webhook", {"timeout"})
        templates = top.get("templates")
        return NotificationConfig(
            file_directory=self.base / self.text(file.get("directory", "outbox"), "file.directory"),
            smtp=self.smtp(top.get("email", {})),
            webhook_timeout=self.number(webhook.get("timeout", 10), "webhook.timeout"),
            retry=self.retry(top.get("retry", {})),
            templates=self.base / self.text(templates, "templates") if templates else None,
            people={
                **self.people(top.get("people", {})),
                **self.agencies(top.get("agencies", {})),
            },
            source=self.path,
        )

    def smtp(self, value: Any) -> SmtpSettings:
        allowed = {"host", "port", "sender", "starttls", "username", "password_env", "timeout"}
        smtp = self.mapping(value, "email", allowed)
        defaults = SmtpSettings()
        username = smtp.get("username")
        password_env = smtp.get("password_env")
        return SmtpSettings(
            host=self.text(smtp.get("host", defaults.host), "email.host"),
            port=int(self.number(smtp.get("port", defaults.port), "email.port")),
            sender=self.text(smtp.get("sender", defaults.sender), "email.sender"),
            starttls=bool(smtp.get("starttls", False)),
            username=self.text(username, "email.username") if username else None,
            password_env=self.text(password_env, "email.password_env") if password_env else None,
            timeout=self.number(smtp.get("timeout", defaults.timeout), "email.timeout"),
        )

    def retry(self, value: Any) -> RetryPolicy:
        retry = self.mapping(value, "retry", RETRY_KEYS)
        defaults = RetryPolicy()
        return RetryPolicy(
            max_attempts=int(self.number(retry.get("max_attempts", 8), "retry.max_attempts")),
            backoff_seconds=self.number(
                retry.get("backoff_seconds", defaults.backoff_seconds), "retry.backoff_seconds"
            ),
            max_backoff_seconds=self.number(
                retry.get("max_backoff_seconds", defaults.max_backoff_seconds),
                "retry.max_backoff_seconds",
            ),
        )

    def people(self, value: Any) -> dict[Person, UserAddress]:
        if not isinstance(value, dict):
            raise self.fail("people", "must map an agency's code to its people, each by name")
        found: dict[Person, UserAddress] = {}
        for code, names in value.items():
            key = f"people.{code}"
            if not isinstance(names, dict):
                raise self.fail(key, "must map each person's name to their address")
            if names and not any(isinstance(entry, dict) for entry in names.values()):
                # {李四: {email: ...}}: a name where an agency's code belongs
                raise self.fail(key, f"people are listed under their agency: {NEW_FORM}")
            for name, entry in names.items():
                found[Person(str(code), str(name))] = self.address(entry, f"{key}.{name}")
        return found

    def agencies(self, value: Any) -> dict[Person, UserAddress]:
        if not isinstance(value, dict):
            raise self.fail("agencies", "must map an agency's code to its own address")
        return {
            Person(str(code)): self.address(entry, f"agencies.{code}")
            for code, entry in value.items()
        }

    def address(self, entry: Any, key: str) -> UserAddress:
        fields = self.mapping(entry, key, ADDRESS_KEYS)
        email = self.text(fields["email"], f"{key}.email") if "email" in fields else None
        webhook = self.text(fields["webhook"], f"{key}.webhook") if "webhook" in fields else None
        channel = fields.get("channel")
        transport = Transport.parse(str(channel)) if channel is not None else None
        if email is not None and "@" not in email:
            raise self.fail(f"{key}.email", f"{email!r} is not an e-mail address")
        if webhook is not None and not webhook.startswith(("http://", "https://")):
            raise self.fail(f"{key}.webhook", "must be an http:// or https:// URL")
        if channel is not None and transport is None:
            raise self.fail(f"{key}.channel", f"must be one of {', '.join(Transport)}")
        if (transport is Transport.EMAIL and email is None) or (
            transport is Transport.WEBHOOK and webhook is None
        ):
            raise self.fail(f"{key}.channel", f"channel {channel} needs a {channel} address")
        return UserAddress(email, webhook, transport)
