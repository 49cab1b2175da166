"""What the lifecycle's code provides to definitions, as one ``Vocabulary``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from workflow.definition.vocabulary import Vocabulary, template_checker
from workflow.lifecycle.conditions import CONDITIONS
from workflow.lifecycle.effects import EFFECTS
from workflow.lifecycle.guards import CLOCKS_READ, GUARDS
from workflow.lifecycle.step import INPUT_NAMES


def vocabulary(template_dirs: Iterable[Path] | None = None) -> Vocabulary:
    """What definitions may refer to: registered guards, conditions, effects, inputs (and
    the clocks guards read), templates."""
    return Vocabulary(
        guards=frozenset(GUARDS),
        conditions=frozenset(CONDITIONS),
        inputs=INPUT_NAMES,
        effects=frozenset(EFFECTS),
        clocks_read=CLOCKS_READ,
        template_exists=None if template_dirs is None else template_checker(template_dirs),
    )
