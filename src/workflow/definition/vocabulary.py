"""The names code provides, which a definition may refer to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Vocabulary:
    """Registered guards, routing conditions, effects and inputs, the clocks guards and
    conditions read, and how to tell a template exists."""

    guards: frozenset[str]
    conditions: frozenset[str]  # routing conditions for a transition's `when`
    inputs: frozenset[str]
    effects: frozenset[str] = frozenset()
    # The clocks a guard or condition reads: a definition using it must declare them.
    clocks_read: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    template_exists: Callable[[str], bool] | None = None  # None: templates not checked


def template_checker(directories: Iterable[Path]) -> Callable[[str], bool]:
    """A check that a letter template exists as ``<name>.j2`` in one of the directories."""
    roots = list(directories)

    def exists(template: str) -> bool:
        return any((root / f"{template}.j2").is_file() for root in roots)

    return exists
