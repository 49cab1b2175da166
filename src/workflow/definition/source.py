"""YAML that remembers where each key was written, so errors can name the line.

``read_source`` returns plain ``dict``/``list``/scalars, except that every mapping
is a ``Located`` dict carrying the line of each of its keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workflow import bounded_yaml
from workflow.errors import DefinitionError
from workflow.input_files import UnreadableFile, read_text


class Located(dict[str, Any]):
    """A mapping from the file, with the (1-based) line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# libyaml's parser when PyYAML has it (as its wheels do): the same nodes and marks, faster.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_source(path: Path, text: str | None = None) -> Any:
    """Parse a definition file; a YAML syntax error names the file and line."""
    if text is None:
        try:
            text = read_text(path)
        except UnreadableFile as exc:
            raise DefinitionError(path, None, "", f"cannot read: {exc.reason}") from exc
    try:
        return bounded_yaml.load(text, _Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DefinitionError(path, line, "", f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(path, None, "", f"not valid YAML: {exc}") from exc
