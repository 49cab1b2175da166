"""The notification config: who gets what by which channel; a typo is refused, never ignored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from workflow.errors import ConfigError
from workflow.people import Person
from workflow.scheduling.notify_config import (
    Address,
    NotificationConfig,
    RetryPolicy,
    load_notification_config,
)
from workflow.scheduling.outbox import message_key

FULL = """\
file: {directory: drop}
email: {host: smtp.example.org, port: 587, sender: gongkai@example.org, starttls: true,
        username: gongkai, password_env: SMTP_SECRET, timeout: 20}
webhook: {timeout: 3}
retry: {max_attempts: 5, backoff_seconds: 30, max_backoff_seconds: 600}
templates: my-texts
people:
  zbgd:
    李四: {email: lisi@example.org}
    王主任: {webhook: "https://hooks.example.org/w", email: wang@example.org, channel: webhook}
    赵六: {email: zhao@example.org, channel: file}
  city:
    李四: {email: lisi@city.example.org}
agencies:
  zbgd: {email: gongkai@example.org}
"""
ZBGD_LI, CITY_LI = Person("zbgd", "李四"), Person("city", "李四")


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
    assert config.address(ZBGD_LI) == Address("email", "lisi@example.org")
    assert config.address(CITY_LI) == Address("email", "lisi@city.example.org")  # another person
    assert config.address(Person("zbgd", "王主任")) == Address(
        "webhook", "https://hooks.example.org/w"
    )
    assert config.address(Person("zbgd", "赵六")) == Address("file", "zbgd/赵六")
    assert config.address(Person("city", "赵六")) == Address("file", "city/赵六")  # not listed
    assert config.address(Person("zbgd")) == Address("email", "gongkai@example.org")
    assert config.address(Person("city")) == Address("file", "city")


def test_a_person_may_be_called_like_an_address_key(tmp_path: Path) -> None:
    path = write(tmp_path, "people: {zbgd: {email: {email: e@example.org}}}\n")
    config = load_notification_config(path, environ={})
    assert config.address(Person("zbgd", "email")) == Address("email", "e@example.org")


def test_without_a_file_or_environment_everything_goes_to_files() -> None:
    config = load_notification_config(None, environ={})
    assert config == NotificationConfig()
    assert config.address(ZBGD_LI) == Address("file", "zbgd/李四")


def test_the_environment_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "webhook: {timeout: 2}\n")
    assert (
        load_notification_config(None, environ={"WORKFLOW_NOTIFY": str(path)}).webhook_timeout == 2
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("emial: {host: x}\n", "(top): unknown key(s) emial"),
        ("people: {zbgd: {李四: {mail: a@b}}}\n", "people.zbgd.李四: unknown key(s) mail"),
        ("people: {zbgd: {李四: {email: x}}}\n", "people.zbgd.李四.email: 'x' is not an e-mail"),
        ("people: {zbgd: {李四: {webhook: ftp://x}}}\n", "people.zbgd.李四.webhook: must be"),
        ("people: {zbgd: {李四: {email: a@b, channel: sms}}}\n", "李四.channel: must be one of"),
        ("agencies: {zbgd: {email: nobody}}\n", "agencies.zbgd.email: 'nobody' is not an e-"),
        ("people: [李四]\n", "people: must map an agency's code to its people, each by name"),
        ("people: {李四: {email: a@b}}\n", "people.李四: people are listed under their agency"),
        ("people: {zbgd: 李四}\n", "people.zbgd: must map each person's name to their address"),
        ("retry: {max_attempts: 0}\n", "retry.max_attempts: must be a positive number"),
        ("email: [1]\n", "email: must be a mapping"),
        ("file: {directory: [\n", "cannot read the notification config"),
    ],
)
def test_a_mistake_is_refused_naming_the_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_notification_config(path, environ={})
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_the_old_form_by_name_alone_is_refused_naming_the_new_form(tmp_path: Path) -> None:
    path = write(tmp_path, "users:\n  李四: {email: lisi@example.org}\n")
    with pytest.raises(ConfigError) as raised:
        load_notification_config(path, environ={})
    assert str(raised.value) == (
        f"{path}: users: a name alone may be two people in two agencies; "
        "write people: {<agency code>: {<name>: {email: ...}}}, "
        "and an agency's own address as agencies: {<agency code>: {email: ...}}"
    )


def test_retries_back_off_doubling_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=9, backoff_seconds=60, max_backoff_seconds=300)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(seconds=s) for s in (60, 120, 240, 300)
    ]


def test_message_keys_are_ascii_and_stable_per_person_of_an_agency() -> None:
    assert Person("zbgd", "lisi").token == "zbgd.lisi"
    assert Person("zbgd").token == "zbgd"  # the agency itself
    assert ZBGD_LI.token == Person("zbgd", "李四").token == "zbgd.p" + ZBGD_LI.token[6:]
    assert ZBGD_LI.token != CITY_LI.token != Person("zbgd", "李五").token
    assert Person("zbgd", "li.si@x").token.startswith("zbgd.p")  # only plain names as they are
    key = message_key("reminder", "7:answer:v2:before_5", ZBGD_LI)
    assert key.isascii()
    assert key == f"reminder:7:answer:v2:before_5:{ZBGD_LI.token}"
    assert len(message_key("digest", "x" * 300, ZBGD_LI)) == 200


def test_the_readmes_example_config_loads_as_documented(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("### Who gets what: the notification config", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    config = load_notification_config(write(tmp_path, example), environ={})
    assert config.address(ZBGD_LI) == Address("email", "lisi@example.org")
    assert config.address(CITY_LI) == Address("email", "lisi@city.example.org")
    assert config.address(Person("zbgd")) == Address("email", "gongkai@example.org")
