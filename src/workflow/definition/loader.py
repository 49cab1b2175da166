"""Definition file -> typed model -> validated graph.

Every problem is a ``DefinitionError`` naming the file, the line and the key:
unknown keys, unknown states, a state no trigger reaches, a closed state reached
without an outcome, an outcome without a report row, an unregistered guard or
effect, a letter template that does not exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from workflow.definition.graph import check_reachable
from workflow.definition.model import (
    ClockSpec,
    EarlierSpec,
    ImportStates,
    LateCorrectionPolicy,
    LetterSpec,
    OutcomeSpec,
    Overdue,
    ReminderSpec,
    Settings,
    StateSpec,
    TriggerSpec,
    WorkflowDefinition,
)
from workflow.definition.nodes import NodeReader
from workflow.definition.number_patterns import check_pattern
from workflow.definition.schema import Schema
from workflow.definition.source import Located, read_source
from workflow.definition.triggers import TriggerReader
from workflow.definition.vocabulary import Vocabulary
from workflow.errors import DefinitionError, InvalidInput
from workflow.input_files import UnreadableFile, read_text


def load_definition(
    path: Path, vocabulary: Vocabulary, text: str | None = None
) -> WorkflowDefinition:
    """Read and validate one definition file (``text`` overrides reading ``path``)."""
    if text is None:
        try:
            text = read_text(path)
        except UnreadableFile as exc:
            raise DefinitionError(path, None, "", f"cannot read: {exc.reason}") from exc
    data = read_source(path, text)
    builder = _Builder(path, vocabulary)
    definition = builder.build(data)
    return replace(
        definition,
        source=text,
        path=str(path),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


class _Builder(NodeReader):
    """Builds the sections; triggers are read by a TriggerReader."""

    def __init__(self, path: Path, vocabulary: Vocabulary) -> None:
        schema = Schema(vocabulary.effects)
        super().__init__(path, schema)
        self.vocabulary = vocabulary
        self.triggers = TriggerReader(path, vocabulary, schema)

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
            code: self.outcome(code, node, top, report_rows, clocks)
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
            name: self.triggers.trigger(
                name, node, triggers_node, states, clocks, outcomes, letters
            )
            for name, node in triggers_node.items()
        }
        opening = self.triggers.opening(top, clocks, letters)
        reminders = {
            clock: self.reminder(clock, node, clocks)
            for clock, node in self.section(top, "reminders").items()
        }
        lapses = self.lapses(top, clocks, triggers)
        imports = self.imports(top, states)
        check_reachable(self, top, initial, states, triggers)
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
            earlier=self.earlier(top),
            imports=imports,
        )

    def earlier(self, top: Located) -> EarlierSpec | None:
        if "earlier" not in top:
            return None
        node = self.mapping(top["earlier"], "earlier", "earlier", top)
        text = str(node["received_before"])
        try:
            before = date.fromisoformat(text)
        except ValueError:
            raise self.fail(
                node, "received_before", "earlier.received_before", f"{text!r} is not a date"
            ) from None
        return EarlierSpec(before, str(node["definition"]))

    def imports(self, top: Located, states: dict[str, StateSpec]) -> ImportStates:
        """The states importers write: a past closed case's, a pending appeal's."""
        if "imports" not in top:
            return ImportStates()
        node = self.mapping(top["imports"], "imports", "imports", top)
        named: dict[str, str | None] = {}
        for key in ("closed", "appealed"):
            state = node.get(key)
            if state is not None and (state not in states or not states[state].closed):
                raise self.fail(node, key, f"imports.{key}", f"{state!r} is not a closed state")
            named[key] = None if state is None else str(state)
        return ImportStates(**named)

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
        try:
            check_pattern(pattern)
        except InvalidInput as error:
            raise self.fail(
                node, "case_number_pattern", "settings.case_number_pattern", str(error)
            ) from None
        return Settings(LateCorrectionPolicy(policy), window, pattern)

    def clock(self, name: str, value: Any, top: Located) -> ClockSpec:
        where = f"clocks.{name}"
        node = self.mapping(value, where, "clock", self.section(top, "clocks"))
        days = self.typed(node, "days", where, int)
        if days < 1:
            raise self.fail(node, "days", f"{where}.days", "a clock runs at least one working day")
        maximum = node.get("max_extension")
        if maximum is not None:
            maximum = self.typed(node, "max_extension", where, int)
            if maximum < 0:
                key = f"{where}.max_extension"
                raise self.fail(node, "max_extension", key, "an extension cannot be negative")
        window = bool(node.get("window", False))
        return ClockSpec(name, str(node["label"]), days, str(node["basis"]), maximum, window)

    def outcome(
        self,
        code: str,
        value: Any,
        top: Located,
        rows: dict[str, str],
        clocks: dict[str, ClockSpec],
    ) -> OutcomeSpec:
        where = f"outcomes.{code}"
        node = self.mapping(value, where, "outcome", self.section(top, "outcomes"))
        row = str(node["row"])
        if row not in rows:
            raise self.fail(
                node, "row", f"{where}.row", f"report row {row!r} is not in report_rows"
            )
        requires = node.get("requires")
        if requires is not None and requires not in self.vocabulary.conditions:
            raise self.fail(
                node,
                "requires",
                f"{where}.requires",
                f"unknown condition {requires!r}; known: "
                + ", ".join(sorted(self.vocabulary.conditions)),
            )
        if requires is not None:
            self.triggers.clocks_read(
                node, "requires", where, f"condition {requires}", requires, clocks
            )
        return OutcomeSpec(
            code=code,
            label=str(node["label"]),
            row=row,
            basis=str(node["basis"]) if "basis" in node else None,
            reasons_required=node.get("reasons") == "required",
            refusal=bool(node.get("refusal", False)),
            needs_party=bool(node.get("needs_party", False)),
            requires=requires,
            ground_required=node.get("ground") == "required",
            ground_of_withheld=bool(node.get("ground_of_withheld", False)),
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
