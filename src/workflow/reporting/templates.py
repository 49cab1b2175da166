"""Report templates (``notifications/reports/``), rendered sandboxed, strict and autoescaped.

An officer's text (the figures file) is only ever data, never template source; a name the
template uses but the context lacks is an error, never a blank in a published report.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError

from workflow.errors import InvalidInput
from workflow.resources import notifications_dir
from workflow.template_sandbox import BoundedSandbox, render_bounded


def reports_dir() -> Path:
    return notifications_dir() / "reports"


@cache
def _environment(directory: Path) -> BoundedSandbox:
    return BoundedSandbox(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render(name: str, context: Mapping[str, Any], directory: Path | None = None) -> str:
    environment = _environment(directory or reports_dir())
    try:
        return render_bounded(environment.get_template(name), context)
    except TemplateError as error:
        raise InvalidInput(f"report template {name}: {error}") from None
