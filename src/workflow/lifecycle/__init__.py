"""The lifecycle (pure): a definition's triggers decided over a case snapshot, and a step
as a value.

``Lifecycle.decide`` gives a ``Decision`` whose ``facts`` (``StepFacts``) say what the
step established; ``project`` folds those facts into the case's ``CaseProjection`` and
``event_row`` is the row its event stores. Every path that writes an event (a handler's
step, the sweeper's lapse, the opening, the importers) uses these three, and
``workflow verify`` folds ``project`` over the stored events. ``vocabulary()`` is what
definitions may name (guards, conditions, effects, inputs, the clocks guards read).
"""

from workflow.lifecycle.facts import Period, StepFacts
from workflow.lifecycle.machine import Decision, Lifecycle
from workflow.lifecycle.names import vocabulary
from workflow.lifecycle.projection import (
    IMPORT_TRIGGER,
    OPEN_TRIGGER,
    UNOPENED,
    CaseProjection,
    event_row,
    project,
)
from workflow.lifecycle.step import CaseSnapshot, PastStep, StepInput

__all__ = [
    "IMPORT_TRIGGER",
    "OPEN_TRIGGER",
    "UNOPENED",
    "CaseProjection",
    "CaseSnapshot",
    "Decision",
    "Lifecycle",
    "PastStep",
    "Period",
    "StepFacts",
    "StepInput",
    "event_row",
    "project",
    "vocabulary",
]
