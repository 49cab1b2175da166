"""The next legal step of a case, as its queue row names it: the step a handler takes
before the clock that matters now runs out.

Read from the definition, not listed per state: among the handler's steps (not automatic)
allowed in the case's state, the first that stops that clock (作出答复 stops the answer
period, 收到补正 the correction period); for a case whose clocks are all paused, the first
that resumes or restarts one (收到第三方意见). None when no step does (a closed case).
"""

from __future__ import annotations

from workflow.definition import WorkflowDefinition

_ENDS = ("stop_clock",)
_RESUMES = ("resume_clock", "restart_clock")


def next_step(definition: WorkflowDefinition, state: str, clock: str | None) -> str | None:
    """The trigger name of the case's next legal step, or None."""
    if definition.is_closed(state):
        return None
    steps = [definition.triggers[name] for name in definition.triggers_from(state, automatic=False)]
    wanted = _ENDS if clock is not None else _RESUMES
    for spec in steps:
        for effect in spec.effects:
            if effect.name in wanted and (clock is None or effect.clock == clock):
                return spec.name
    return None
