"""One way to print a command's result: its JSON form (``--json``) or its text for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import click

R = TypeVar("R")


def emit(result: R, as_json: bool, text: Callable[[R], Iterable[str]]) -> None:
    """Print ``result`` as JSON (its ``to_json()``, or a plain mapping as it is), or as
    the lines ``text`` gives for people."""
    if as_json:
        echo_json(result if isinstance(result, Mapping | list) else _json_of(result))
        return
    for line in text(result):
        click.echo(line)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _json_of(result: object) -> Any:
    to_json = getattr(result, "to_json", None)
    if to_json is None:
        raise TypeError(f"{type(result).__name__} has no JSON form")
    return to_json()
