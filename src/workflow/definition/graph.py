"""The definition as a graph: every state must be reachable from the initial one."""

from __future__ import annotations

from workflow.definition.model import SAME_STATE, StateSpec, TriggerSpec
from workflow.definition.nodes import NodeReader
from workflow.definition.source import Located


def check_reachable(
    reader: NodeReader,
    top: Located,
    initial: str,
    states: dict[str, StateSpec],
    triggers: dict[str, TriggerSpec],
) -> None:
    """Refuse a state no trigger reaches from the initial state, naming its line."""
    edges: dict[str, set[str]] = {state: set() for state in states}
    for trigger in triggers.values():
        for transition in trigger.transitions:
            for source in transition.sources:
                if transition.dest != SAME_STATE:
                    edges[source].add(transition.dest)
    reached = _reach(initial, edges)
    states_node = reader.section(top, "states")
    for state in states:
        if state not in reached:
            raise reader.fail(
                states_node,
                state,
                f"states.{state}",
                "no trigger reaches this state from the initial state",
            )


def _reach(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    todo: list[str] = [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
