"""The notification config: who gets what by which channel; a typo is refused, never ignored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from workflow.errors import InvalidInput
from workflow.scheduling.notify_config import (
    Address,
    NotificationConfig,
    RetryPolicy,
    load_notification_config,
)
from workflow.scheduling.outbox import message_key, person_token

FULL = """\
file: {directory: drop}
email: {host: smtp.example.org, port: 587, sender: gongkai@example.org, starttls: true,
        username: gongkai, password_env: SMTP_SECRET, timeout: 20}
webhook: {timeout: 3}
retry: {max_attempts: 5, backoff_seconds: 30, max_backoff_seconds: 600}
templates: my-texts
users:
  李四: {email: lisi@example.org}
  王主任: {webhook: "https://hooks.example.org/w", email: wang@example.org, channel: webhook}
  赵六: {email: zhao@example.org, channel: file}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notify.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_config_maps_people_to_channels(tmp_path: Path) -> None:
    config = load_notification_config(write(tmp_path, FULL), environ={"SMTP_SECRET": "s3"})
    assert config.file_directory == tmp_path / "drop"  # relative to the config file
    assert config.templates == tmp_path / "my-texts"
    assert (config.smtp.port, config.smtp.starttls, config.smtp.password({"SMTP_SECRET": "s"})) == (
        587,
        True,
        "s",
    )
    assert config.address("李四") == Address("email", "lisi@example.org")
    assert config.address("王主任") == Address("webhook", "https://hooks.example.org/w")
    assert config.address("赵六") == Address("file", "赵六")
    assert config.address("无名") == Address("file", "无名")  # not listed: the default


def test_without_a_file_or_environment_everything_goes_to_files() -> None:
    config = load_notification_config(None, environ={})
    assert config == NotificationConfig()
    assert config.address("李四") == Address("file", "李四")


def test_the_environment_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "webhook: {timeout: 2}\n")
    assert (
        load_notification_config(None, environ={"WORKFLOW_NOTIFY": str(path)}).webhook_timeout == 2
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("emial: {host: x}\n", "(top): unknown key(s) emial"),
        ("users:\n  李四: {mail: a@b}\n", "users.李四: unknown key(s) mail"),
        ("users:\n  李四: {email: nobody}\n", "users.李四.email: 'nobody' is not an e-mail"),
        ("users:\n  李四: {webhook: ftp://x}\n", "users.李四.webhook: must be an http"),
        ("users:\n  李四: {email: a@b, channel: sms}\n", "users.李四.channel: must be one of"),
        ("retry: {max_attempts: 0}\n", "retry.max_attempts: must be a positive number"),
        ("email: [1]\n", "email: must be a mapping"),
        ("file: {directory: [\n", "cannot read the notification config"),
    ],
)
def test_a_mistake_is_refused_naming_the_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidInput) as raised:
        load_notification_config(path, environ={})
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_retries_back_off_doubling_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=9, backoff_seconds=60, max_backoff_seconds=300)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(seconds=s) for s in (60, 120, 240, 300)
    ]


def test_message_keys_are_ascii_and_stable_per_person() -> None:
    assert person_token("lisi@example.org") == "lisi@example.org"
    assert person_token("李四") == person_token("李四") != person_token("李五")
    key = message_key("reminder", "7:answer:v2:before_5", "李四")
    assert key.isascii()
    assert key == f"reminder:7:answer:v2:before_5:{person_token('李四')}"
    assert len(message_key("digest", "x" * 300, "李四")) == 200
