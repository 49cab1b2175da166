"""YAML read with limits: every file the project reads is bounded in depth and in size.

PyYAML composes recursively, so a file nested a few thousand levels deep ends in a
``RecursionError``; and aliases let a few lines stand for billions of nodes (the
"billion laughs"), which any walk over the result then expands. ``check`` counts both
over the parse events, before anything is composed, and refuses the file naming the line.
Nothing the project reads comes near the limits: a definition is about ten levels deep
and a few thousand nodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workflow.input_files import UnreadableFile, read_text

MAX_DEPTH = 100
MAX_NODES = 200_000  # counting each alias as the nodes it stands for


class LimitExceeded(yaml.MarkedYAMLError):
    """A YAML document deeper or larger than the limits; a ``YAMLError`` like any other."""


# libyaml's parser when PyYAML has it (as its wheels do): the same nodes and marks, faster.
FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check(text: str, loader: type[yaml.SafeLoader] = FastLoader) -> None:
    """Refuse ``text`` past the limits, reading only its parse events (the parser keeps a
    stack, not recursion); raises ``LimitExceeded``."""
    depth = 0
    nodes = 0
    open_sizes: list[tuple[int, str | None]] = []  # per open collection: nodes before, anchor
    sizes: dict[str, int] = {}  # anchor -> the nodes it expands to
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            nodes += sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitExceeded(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", _mark(event)
                )
            open_sizes.append((nodes, event.anchor))
            nodes += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            before, anchor = open_sizes.pop()
            if anchor is not None:
                sizes[anchor] = nodes - before
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        if nodes > MAX_NODES:
            raise LimitExceeded(
                None,
                None,
                f"more than {MAX_NODES} values (aliases counted as what they repeat)",
                _mark(event),
            )


def _mark(event: yaml.Event) -> yaml.Mark | None:
    mark = event.start_mark  # libyaml's own Mark class: the same fields, another type
    if mark is None or isinstance(mark, yaml.Mark):
        return mark
    return yaml.Mark("", mark.index, mark.line, mark.column, "", 0)


def load(text: str, loader: type[yaml.SafeLoader] = FastLoader) -> Any:
    """``yaml.safe_load`` within the limits; raises ``yaml.YAMLError``.

    A value PyYAML reads but Python cannot hold (the date ``0000-01-01`` or ``2026-02-30``)
    is a ``YAMLError`` too, not the constructor's ``ValueError``.
    """
    check(text, loader)
    try:
        return yaml.load(text, Loader=loader)
    except (ValueError, OverflowError) as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"a value that cannot be read ({error})", None
        ) from None


def describe(error: yaml.YAMLError) -> str:
    """One line for a YAML error: the line and the problem (PyYAML's own text spans lines)."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "not valid YAML"
        return f"line {mark.line + 1}: {problem}" if mark is not None else problem
    return " ".join(str(error).split())


def read(path: Path) -> Any:
    """A YAML file's data; any problem is ``UnreadableFile`` with a one-line reason."""
    text = read_text(path)
    try:
        return load(text)
    except yaml.YAMLError as error:
        raise UnreadableFile(path, f"not valid YAML: {describe(error)}") from None
