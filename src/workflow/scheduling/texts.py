"""Reminder and digest texts: Jinja2 templates in ``notifications/reminders/`` (Chinese).

A template's first line is the message's subject; the body follows after a blank
line. Rendering is sandboxed and size-bounded (``template_sandbox.BoundedSandbox``, as
letters are: an override cannot build a huge value) with ``StrictUndefined``: a missing
field is an error, never a blank in a reminder.
Autoescaping is off because the texts are plain text; case data (applicant names,
request text) is passed as values and never compiled as template source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError

from workflow.errors import LetterError
from workflow.resources import notifications_dir
from workflow.template_sandbox import BoundedSandbox, render_bounded

REMINDER_TEMPLATE = "reminder.j2"
DIGEST_TEMPLATE = "digest.j2"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def chinese_date(value: date) -> str:
    """2026-03-18 -> 2026年3月18日, as dates are written in official letters."""
    return f"{value.year}年{value.month}月{value.day}日"


class MessageTexts:
    """Renders the reminder and digest templates; an override directory is searched first."""

    def __init__(self, override: Path | None = None) -> None:
        search = [notifications_dir() / "reminders"]
        if override is not None:
            search.insert(0, override)
        self._environment = BoundedSandbox(
            loader=FileSystemLoader([str(path) for path in search]),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._environment.filters["cn_date"] = chinese_date

    def render(self, template: str, context: Mapping[str, Any]) -> Message:
        try:
            text = render_bounded(self._environment.get_template(template), context)
        except TemplateError as exc:
            raise LetterError(f"reminder template {template}: {exc}") from exc
        subject, _, body = text.strip("\n").partition("\n")
        if not subject.strip():
            raise LetterError(f"reminder template {template}: the first line (subject) is empty")
        return Message(subject.strip(), body.lstrip("\n").rstrip() + "\n")
