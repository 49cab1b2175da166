"""Reading triggers: transitions, guards, inputs, effects and letters, checked against the
names the code provides and the states, clocks, outcomes and letters the file declares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow.definition import schema
from workflow.definition.model import (
    OUTCOME_FROM_INPUT,
    SAME_STATE,
    ClockSpec,
    EffectSpec,
    LetterSpec,
    OpeningSpec,
    OutcomeSpec,
    StateSpec,
    TransitionSpec,
    TriggerSpec,
)
from workflow.definition.nodes import NodeReader
from workflow.definition.schema import Schema
from workflow.definition.source import Located
from workflow.definition.vocabulary import Vocabulary
from workflow.errors import DefinitionError


class TriggerReader(NodeReader):
    def __init__(self, path: Path, vocabulary: Vocabulary, schema: Schema) -> None:
        super().__init__(path, schema)
        self.vocabulary = vocabulary

    def trigger(
        self,
        name: str,
        value: Any,
        parent: Located,
        states: dict[str, StateSpec],
        clocks: dict[str, ClockSpec],
        outcomes: dict[str, OutcomeSpec],
        letters: dict[str, LetterSpec],
    ) -> TriggerSpec:
        where = f"triggers.{name}"
        node = self.mapping(value, where, "trigger", parent)
        transitions = self.transitions(node, where, states, clocks)
        guards = self.checked_names(node, "guards", where, self.vocabulary.guards, "guard")
        for guard in guards:
            self.clocks_read(node, "guards", where, f"guard {guard}", guard, clocks)
        inputs = self.checked_names(node, "inputs", where, self.vocabulary.inputs, "input")
        outcome = node.get("outcome")
        if outcome is not None and outcome != OUTCOME_FROM_INPUT and outcome not in outcomes:
            raise self.fail(
                node, "outcome", f"{where}.outcome", f"unknown outcome code {outcome!r}"
            )
        for transition in transitions:
            dest_closed = transition.dest != SAME_STATE and states[transition.dest].closed
            from_open = any(not states[source].closed for source in transition.sources)
            if dest_closed and from_open and outcome is None:
                raise self.fail(
                    node,
                    "transitions",
                    f"{where}.transitions",
                    f"closes the case in {transition.dest!r} without an outcome "
                    f"(set `outcome:` to a code or `{OUTCOME_FROM_INPUT}`)",
                )
        automatic = bool(node.get("automatic", False))
        clock = node.get("clock")
        if clock is not None and clock not in clocks:
            raise self.fail(node, "clock", f"{where}.clock", f"unknown clock {clock!r}")
        if automatic and clock is None:
            raise self.fail(node, "automatic", where, "an automatic trigger names its `clock`")
        effects = self.effects(node, where, clocks)
        if clock is None and any(effect.as_of == schema.LAPSE for effect in effects):
            raise self.fail(
                node, "effects", f"{where}.effects", "as_of: lapse needs the trigger's `clock`"
            )
        return TriggerSpec(
            name=name,
            label=str(node["label"]),
            transitions=transitions,
            inputs=inputs,
            guards=guards,
            effects=effects,
            letters=self.letter_names(node, where, letters),
            outcome=outcome,
            automatic=automatic,
            clock=clock,
            corrected_application=bool(node.get("corrected_application", False)),
            correction_requested=bool(node.get("correction_requested", False)),
        )

    def clocks_read(
        self,
        node: Located,
        key: str,
        where: str,
        what: str,
        name: str,
        clocks: dict[str, ClockSpec],
    ) -> None:
        """Refuse a guard or condition that reads a clock the definition does not declare."""
        for clock in self.vocabulary.clocks_read.get(name, ()):
            if clock not in clocks:
                raise self.fail(
                    node,
                    key,
                    f"{where}.{key}",
                    f"{what} reads the clock {clock!r}, which the definition does not "
                    f"declare; clocks: {', '.join(clocks)}",
                )

    def transitions(
        self,
        node: Located,
        where: str,
        states: dict[str, StateSpec],
        clocks: dict[str, ClockSpec],
    ) -> tuple[TransitionSpec, ...]:
        items = node["transitions"]
        if not isinstance(items, list) or not items:
            raise self.fail(
                node, "transitions", f"{where}.transitions", "expected a non-empty list"
            )
        result: list[TransitionSpec] = []
        for index, item in enumerate(items):
            here = f"{where}.transitions[{index}]"
            transition = self.mapping(item, here, "transition", node)
            sources = self.names(transition, "source", here)
            for state in sources:
                if state not in states:
                    raise self.fail(
                        transition, "source", f"{here}.source", f"unknown state {state!r}"
                    )
            dest = transition["dest"]
            if dest != SAME_STATE and dest not in states:
                raise self.fail(transition, "dest", f"{here}.dest", f"unknown state {dest!r}")
            when = transition.get("when")
            if when is not None and when not in self.vocabulary.conditions:
                raise self.fail(
                    transition,
                    "when",
                    f"{here}.when",
                    f"unknown condition {when!r}; known: "
                    + ", ".join(sorted(self.vocabulary.conditions)),
                )
            if when is not None:
                self.clocks_read(transition, "when", here, f"condition {when}", when, clocks)
            result.append(TransitionSpec(sources, str(dest), when))
        return tuple(result)

    def effects(
        self, node: Located, where: str, clocks: dict[str, ClockSpec]
    ) -> tuple[EffectSpec, ...]:
        items = node.get("effects", [])
        if not isinstance(items, list):
            raise self.fail(node, "effects", f"{where}.effects", "expected a list")
        effects: list[EffectSpec] = []
        for index, item in enumerate(items):
            here = f"{where}.effects[{index}]"
            effect = self.mapping(item, here, "effect", node)
            named = [key for key in effect if key in self.schema.effects]
            if len(named) != 1:
                raise DefinitionError(
                    self.path,
                    effect.line,
                    here,
                    f"name exactly one effect of: {', '.join(self.schema.effects)}",
                )
            name = named[0]
            target = effect[name]
            clock: str | None = None
            if name.endswith(("_clock", "_date")):
                if not isinstance(target, str) or target not in clocks:
                    raise self.fail(
                        effect,
                        name,
                        f"{here}.{name}",
                        f"unknown clock {target!r}; clocks: {', '.join(clocks)}",
                    )
                clock = target
                if name == "extend_clock" and clocks[target].max_extension is None:
                    raise self.fail(
                        effect,
                        name,
                        f"{here}.{name}",
                        f"clock {target!r} has no max_extension to extend it by",
                    )
            reason = effect.get("reason")
            as_of = effect.get("as_of")
            if as_of is not None and as_of != schema.LAPSE:
                raise self.fail(effect, "as_of", f"{here}.as_of", f"expected {schema.LAPSE}")
            effects.append(EffectSpec(name, clock, None if reason is None else str(reason), as_of))
        return tuple(effects)

    def letter_names(
        self, node: Located, where: str, letters: dict[str, LetterSpec]
    ) -> tuple[str, ...]:
        names = self.names(node, "letters", where)
        for name in names:
            if name not in letters:
                raise self.fail(
                    node,
                    "letters",
                    f"{where}.letters",
                    f"unknown letter {name!r}; letters: {', '.join(letters)}",
                )
        return names

    def opening(
        self, top: Located, clocks: dict[str, ClockSpec], letters: dict[str, LetterSpec]
    ) -> OpeningSpec:
        if "opening" not in top:
            return OpeningSpec()
        node = self.mapping(top["opening"], "opening", "opening", top)
        return OpeningSpec(
            self.effects(node, "opening", clocks), self.letter_names(node, "opening", letters)
        )
