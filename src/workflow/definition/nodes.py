"""Reading a definition's YAML nodes: every problem names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow.definition.schema import Schema
from workflow.definition.source import Located
from workflow.errors import DefinitionError


class NodeReader:
    """Typed access to the mappings of one definition file, refusing what the schema does not
    list."""

    def __init__(self, path: Path, schema: Schema) -> None:
        self.path = path
        self.schema = schema

    def fail(self, node: Located | None, key: str, where: str, problem: str) -> DefinitionError:
        line = node.line_of(key.rsplit(".", 1)[-1]) if node is not None else None
        return DefinitionError(self.path, line, where, problem)

    def mapping(self, value: Any, where: str, kind: str | None, parent: Located | None) -> Located:
        if not isinstance(value, Located):
            raise DefinitionError(
                self.path,
                parent.line_of(where.rsplit(".", 1)[-1]) if parent else None,
                where,
                "expected a mapping",
            )
        unknown = sorted(set(value) - self.schema.keys(kind))
        if unknown:
            key = unknown[0]
            raise DefinitionError(
                self.path,
                value.line_of(key),
                f"{where}.{key}" if where else key,
                f"unknown key; allowed: {', '.join(sorted(self.schema.keys(kind)))}",
            )
        for key in self.schema.required(kind):
            if key not in value:
                raise DefinitionError(self.path, value.line, where or "(top)", f"missing `{key}`")
        return value

    def typed(self, node: Located, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        value = node[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise DefinitionError(
                self.path, node.line_of(key), f"{where}.{key}", f"expected {names}"
            )
        return value

    def names(self, node: Located, key: str, where: str) -> tuple[str, ...]:
        value = node.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise DefinitionError(
                self.path, node.line_of(key), f"{where}.{key}", "expected a list of names"
            )
        return tuple(value)

    # -- building --------------------------------------------------------------

    def section(self, top: Located, key: str) -> Located:
        value = top.get(key)
        if value is None:
            empty = Located()
            empty.line, empty.key_lines = top.line_of(key), {}
            return empty
        if not isinstance(value, Located):
            raise self.fail(top, key, key, "expected a mapping")
        return value

    def checked_names(
        self, node: Located, key: str, where: str, known: frozenset[str], what: str
    ) -> tuple[str, ...]:
        names = self.names(node, key, where)
        for name in names:
            if name not in known:
                raise self.fail(
                    node,
                    key,
                    f"{where}.{key}",
                    f"unknown {what} {name!r}; known: {', '.join(sorted(known))}",
                )
        return names
