"""Definition file -> typed model -> validated graph.

Every problem is a ``DefinitionError`` naming the file, the line and the key:
unknown keys, unknown states, a state no trigger reaches, a closed state reached
without an outcome, an outcome without a report row, an unregistered guard or
effect, a letter template that does not exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workflow.definition import schema
from workflow.definition.model import (
    OUTCOME_FROM_INPUT,
    SAME_STATE,
    ClockSpec,
    EffectSpec,
    LateCorrectionPolicy,
    LetterSpec,
    OpeningSpec,
    OutcomeSpec,
    Overdue,
    ReminderSpec,
    Settings,
    StateSpec,
    TransitionSpec,
    TriggerSpec,
    WorkflowDefinition,
)
from workflow.definition.source import Located, read_source
from workflow.errors import DefinitionError


@dataclass(frozen=True)
class Vocabulary:
    """The names code provides, which a definition may refer to."""

    guards: frozenset[str]
    conditions: frozenset[str]  # routing conditions for a transition's `when`
    inputs: frozenset[str]
    template_exists: Callable[[str], bool] | None = None  # None: templates not checked


def load_definition(
    path: Path, vocabulary: Vocabulary, text: str | None = None
) -> WorkflowDefinition:
    """Read and validate one definition file (``text`` overrides reading ``path``)."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DefinitionError(path, None, "", f"cannot read: {exc.strerror}") from exc
    data = read_source(path, text)
    builder = _Builder(path, vocabulary)
    definition = builder.build(data)
    return replace(
        definition,
        source=text,
        path=str(path),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


class _Builder:
    def __init__(self, path: Path, vocabulary: Vocabulary) -> None:
        self.path = path
        self.vocabulary = vocabulary

    # -- reporting -----------------------------------------------------------

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
        unknown = sorted(set(value) - schema.keys(kind))
        if unknown:
            key = unknown[0]
            raise DefinitionError(
                self.path,
                value.line_of(key),
                f"{where}.{key}" if where else key,
                f"unknown key; allowed: {', '.join(sorted(schema.keys(kind)))}",
            )
        for key in schema.required(kind):
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

    def build(self, data: Any) -> WorkflowDefinition:
        top = self.mapping(data, "", None, None)
        definition_id = self.typed(top, "id", "", str)
        version = self.typed(top, "version", "", int)
        settings = self.settings(top)
        clocks = {
            name: self.clock(name, node, top) for name, node in self.section(top, "clocks").items()
        }
        report_rows = {str(k): str(v) for k, v in self.section(top, "report_rows").items()}
        outcomes = {
            code: self.outcome(code, node, top, report_rows)
            for code, node in self.section(top, "outcomes").items()
        }
        letters = {
            name: self.letter(name, node, outcomes)
            for name, node in self.section(top, "letters").items()
        }
        states = {
            name: self.state(name, node) for name, node in self.section(top, "states").items()
        }
        initial = self.typed(top, "initial", "", str)
        if initial not in states:
            raise self.fail(top, "initial", "initial", f"unknown state {initial!r}")
        triggers_node = self.section(top, "triggers")
        triggers = {
            name: self.trigger(name, node, triggers_node, states, clocks, outcomes, letters)
            for name, node in triggers_node.items()
        }
        opening = self.opening(top, clocks, letters)
        reminders = {
            clock: self.reminder(clock, node, clocks)
            for clock, node in self.section(top, "reminders").items()
        }
        lapses = self.lapses(top, clocks, triggers)
        self.check_reachable(top, initial, states, triggers)
        return WorkflowDefinition(
            id=definition_id,
            version=version,
            title=str(top.get("title", definition_id)),
            initial=initial,
            settings=settings,
            clocks=clocks,
            reminders=reminders,
            lapses=lapses,
            report_rows=report_rows,
            outcomes=outcomes,
            letters=letters,
            states=states,
            opening=opening,
            triggers=triggers,
        )

    def section(self, top: Located, key: str) -> Located:
        value = top.get(key)
        if value is None:
            empty = Located()
            empty.line, empty.key_lines = top.line_of(key), {}
            return empty
        if not isinstance(value, Located):
            raise self.fail(top, key, key, "expected a mapping")
        return value

    def settings(self, top: Located) -> Settings:
        if "settings" not in top:
            return Settings()
        node = self.mapping(top["settings"], "settings", "settings", top)
        policy = node.get("late_correction_notice", "refuse")
        if policy not in ("refuse", "warn"):
            raise self.fail(
                node,
                "late_correction_notice",
                "settings.late_correction_notice",
                "expected refuse or warn",
            )
        window = node.get("backdating_window_days", 366)
        if not isinstance(window, int) or window < 0:
            raise self.fail(
                node,
                "backdating_window_days",
                "settings.backdating_window_days",
                "expected a non-negative number of days",
            )
        pattern = str(node.get("case_number_pattern", Settings.case_number_pattern))
        if "{seq" not in pattern:
            raise self.fail(
                node,
                "case_number_pattern",
                "settings.case_number_pattern",
                "the pattern needs {seq} (e.g. {agency}-{year}-{seq:04d})",
            )
        return Settings(LateCorrectionPolicy(policy), window, pattern)

    def clock(self, name: str, value: Any, top: Located) -> ClockSpec:
        where = f"clocks.{name}"
        node = self.mapping(value, where, "clock", self.section(top, "clocks"))
        days = self.typed(node, "days", where, int)
        maximum = node.get("max_extension")
        if maximum is not None:
            maximum = self.typed(node, "max_extension", where, int)
        window = bool(node.get("window", False))
        return ClockSpec(name, str(node["label"]), days, str(node["basis"]), maximum, window)

    def outcome(self, code: str, value: Any, top: Located, rows: dict[str, str]) -> OutcomeSpec:
        where = f"outcomes.{code}"
        node = self.mapping(value, where, "outcome", self.section(top, "outcomes"))
        row = str(node["row"])
        if row not in rows:
            raise self.fail(
                node, "row", f"{where}.row", f"report row {row!r} is not in report_rows"
            )
        return OutcomeSpec(
            code=code,
            label=str(node["label"]),
            row=row,
            basis=str(node["basis"]) if "basis" in node else None,
            reasons_required=node.get("reasons") == "required",
            refusal=bool(node.get("refusal", False)),
            needs_party=bool(node.get("needs_party", False)),
        )

    def letter(self, name: str, value: Any, outcomes: dict[str, OutcomeSpec]) -> LetterSpec:
        where = f"letters.{name}"
        node = self.mapping(value, where, "letter", None)
        spec = LetterSpec(name, str(node["title"]), str(node["template"]))
        exists = self.vocabulary.template_exists
        if exists is not None:
            needed = (
                [spec.template_for(code) for code in outcomes]
                if "{outcome}" in spec.template
                else [spec.template]
            )
            for template in needed:
                if not exists(template):
                    raise self.fail(
                        node,
                        "template",
                        f"{where}.template",
                        f"letter template {template!r} does not exist",
                    )
        return spec

    def state(self, name: str, value: Any) -> StateSpec:
        node = self.mapping(value, f"states.{name}", "state", None)
        return StateSpec(name, str(node["label"]), bool(node.get("closed", False)))

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
            named = [key for key in effect if key in schema.EFFECT_NAMES]
            if len(named) != 1:
                raise DefinitionError(
                    self.path,
                    effect.line,
                    here,
                    f"name exactly one effect of: {', '.join(schema.EFFECT_NAMES)}",
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
            reason = effect.get("reason")
            effects.append(EffectSpec(name, clock, None if reason is None else str(reason)))
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
        transitions = self.transitions(node, where, states)
        guards = self.checked_names(node, "guards", where, self.vocabulary.guards, "guard")
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
        return TriggerSpec(
            name=name,
            label=str(node["label"]),
            transitions=transitions,
            inputs=inputs,
            guards=guards,
            effects=self.effects(node, where, clocks),
            letters=self.letter_names(node, where, letters),
            outcome=outcome,
            automatic=automatic,
            clock=clock,
        )

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

    def transitions(
        self, node: Located, where: str, states: dict[str, StateSpec]
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
            result.append(TransitionSpec(sources, str(dest), when))
        return tuple(result)

    def opening(
        self, top: Located, clocks: dict[str, ClockSpec], letters: dict[str, LetterSpec]
    ) -> OpeningSpec:
        if "opening" not in top:
            return OpeningSpec()
        node = self.mapping(top["opening"], "opening", "opening", top)
        return OpeningSpec(
            self.effects(node, "opening", clocks), self.letter_names(node, "opening", letters)
        )

    def reminder(self, clock: str, value: Any, clocks: dict[str, ClockSpec]) -> ReminderSpec:
        where = f"reminders.{clock}"
        node = self.mapping(value, where, "reminder", None)
        if clock not in clocks:
            raise DefinitionError(self.path, node.line, where, f"unknown clock {clock!r}")
        before = node.get("before", [])
        if not isinstance(before, list) or not all(
            isinstance(days, int) and not isinstance(days, bool) and days > 0 for days in before
        ):
            raise self.fail(node, "before", f"{where}.before", "expected a list of working days")
        overdue = node.get("overdue", "none")
        if overdue not in {member.value for member in Overdue}:
            raise self.fail(node, "overdue", f"{where}.overdue", "expected none, once or daily")
        to = self.names(node, "to", where) or ("handler",)
        for recipient in to:
            if recipient not in ("handler", "head"):
                raise self.fail(node, "to", f"{where}.to", "recipients are handler and head")
        return ReminderSpec(
            clock=clock,
            before=tuple(sorted(set(before), reverse=True)),
            on_due=bool(node.get("on_due", False)),
            overdue=Overdue(overdue),
            to=to,
        )

    def lapses(
        self, top: Located, clocks: dict[str, ClockSpec], triggers: dict[str, TriggerSpec]
    ) -> dict[str, str]:
        node = self.section(top, "lapses")
        lapses: dict[str, str] = {}
        for clock, trigger in node.items():
            where = f"lapses.{clock}"
            if clock not in clocks:
                raise self.fail(node, clock, where, f"unknown clock {clock!r}")
            spec = triggers.get(str(trigger))
            if spec is None or not spec.automatic or spec.clock != clock:
                raise self.fail(
                    node,
                    clock,
                    where,
                    f"{trigger!r} must be an automatic trigger with clock {clock}",
                )
            lapses[clock] = str(trigger)
        return lapses

    def check_reachable(
        self,
        top: Located,
        initial: str,
        states: dict[str, StateSpec],
        triggers: dict[str, TriggerSpec],
    ) -> None:
        edges: dict[str, set[str]] = {state: set() for state in states}
        for trigger in triggers.values():
            for transition in trigger.transitions:
                for source in transition.sources:
                    if transition.dest != SAME_STATE:
                        edges[source].add(transition.dest)
        reached = _reach(initial, edges)
        states_node = self.section(top, "states")
        for state in states:
            if state not in reached:
                raise self.fail(
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


def template_checker(directories: Iterable[Path]) -> Callable[[str], bool]:
    """A check that a letter template exists as ``<name>.j2`` in one of the directories."""
    roots = list(directories)

    def exists(template: str) -> bool:
        return any((root / f"{template}.j2").is_file() for root in roots)

    return exists
