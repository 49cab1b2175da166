"""Render a definition for people: a Mermaid state diagram and a plain outline."""

from __future__ import annotations

from workflow.definition.model import OUTCOME_FROM_INPUT, SAME_STATE, WorkflowDefinition


def mermaid(definition: WorkflowDefinition) -> str:
    """A ``stateDiagram-v2`` a legal officer can review: labels in Chinese, triggers by name."""
    lines = [
        "stateDiagram-v2",
        f"    %% {definition.title} ({definition.id} version {definition.version})",
    ]
    for state in definition.states.values():
        lines.append(f'    state "{state.label}<br/>{state.name}" as {state.name}')
    lines.append(f"    [*] --> {definition.initial}: 登记 (open)")
    for trigger in definition.triggers.values():
        for transition in trigger.transitions:
            label = f"{trigger.label} ({trigger.name})"
            if trigger.automatic:
                label += " 自动"
            if transition.when:
                label += f" [{transition.when}]"
            if trigger.outcome and trigger.outcome != OUTCOME_FROM_INPUT:
                label += f" → {trigger.outcome}"
            for source in transition.sources:
                dest = source if transition.dest == SAME_STATE else transition.dest
                lines.append(f"    {source} --> {dest}: {label}")
    for state in definition.states.values():
        if state.closed:
            lines.append(f"    {state.name} --> [*]")
    return "\n".join(lines)


def outline(definition: WorkflowDefinition) -> str:
    """Everything a definition declares, one line each."""
    out = [f"{definition.id} version {definition.version}: {definition.title}", "", "states:"]
    for state in definition.states.values():
        closed = " (closed)" if state.closed else ""
        initial = " (initial)" if state.name == definition.initial else ""
        out.append(f"  {state.name}: {state.label}{initial}{closed}")
    out += ["", "clocks:"]
    for clock in definition.clocks.values():
        extra = f", extension up to {clock.max_extension} WD" if clock.max_extension else ""
        window = ", a window" if clock.window else ""
        out.append(f"  {clock.name}: {clock.label}, {clock.days} WD{extra}{window} ({clock.basis})")
    out += ["", "triggers:"]
    for trigger in definition.triggers.values():
        sources = ", ".join(trigger.sources)
        dests = ", ".join(dict.fromkeys(t.dest for t in trigger.transitions))
        flags = " [automatic]" if trigger.automatic else ""
        out.append(f"  {trigger.name}: {trigger.label}{flags}: {sources} -> {dests}")
        if trigger.inputs:
            out.append(f"      inputs: {', '.join(trigger.inputs)}")
        if trigger.guards:
            out.append(f"      guards: {', '.join(trigger.guards)}")
        if trigger.effects:
            effects = ", ".join(
                f"{e.name}({e.clock})" if e.clock else e.name for e in trigger.effects
            )
            out.append(f"      effects: {effects}")
        if trigger.letters:
            out.append(f"      letters: {', '.join(trigger.letters)}")
    out += ["", "reminders:"]
    for reminder in definition.reminders.values():
        before = ", ".join(str(d) for d in reminder.before)
        out.append(
            f"  {reminder.clock}: {before} WD before; on the day: {reminder.on_due}; "
            f"overdue: {reminder.overdue.value}; to {', '.join(reminder.to)}"
        )
    out += ["", "outcomes (table 三 row):"]
    for outcome in definition.outcomes.values():
        out.append(f"  {outcome.code}: {outcome.row} {outcome.label} ({outcome.basis or '-'})")
    return "\n".join(out)
