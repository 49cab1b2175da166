"""Definition files: load, validate the graph, name file, line and key for every problem."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from workflow.definition import load_definition
from workflow.definition.diagram import mermaid, outline
from workflow.definition.schema import Schema
from workflow.errors import DefinitionError
from workflow.lifecycle import vocabulary
from workflow.lifecycle.effects import EFFECTS
from workflow.resources import definitions_dir, notifications_dir

SHIPPED = definitions_dir() / "disclosure.yaml"
WORDS = vocabulary([notifications_dir() / "letters"])
SCHEMA = Schema(WORDS.effects)


def test_shipped_definition_loads_with_every_outcome_and_row() -> None:
    definition = load_definition(SHIPPED, WORDS)
    assert (definition.id, definition.version) == ("disclosure", 3)
    assert len(definition.outcomes) == 25
    assert definition.outcomes["partially_disclosed"].row == "3.2"
    assert definition.outcomes["other.withdrawn"].row == "3.6.3"
    assert definition.lapses == {
        "correction": "lapse_correction",
        "fee_payment": "lapse_fee",
        "third_party": "third_party_silent",
        "other_agency": "agency_silent",
    }
    stable = {
        "request_correction", "receive_correction", "consult_third_party",
        "receive_third_party_reply", "consult_agency", "receive_agency_reply",
        "issue_fee_notice", "receive_payment", "extend", "set_delayed_deadline", "decide",
        "withdraw", "appeal", "resolve_appeal", "reopen", "lapse_correction", "lapse_fee",
        "third_party_silent",
    }  # fmt: skip
    receipts = {"third_party_served", "agency_served", "fee_notice_served"}  # since version 2
    since_3 = {"agency_silent", "consult_other_agency", "ask_reasons", "notify_third_party"}
    assert set(definition.triggers) == stable | receipts | since_3


@pytest.mark.parametrize("path", sorted(definitions_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_definition_file_loads_and_matches_the_schema(path: Path) -> None:
    load_definition(path, WORDS)
    jsonschema.validate(yaml.safe_load(path.read_text("utf-8")), SCHEMA.top)


def test_published_schema_is_the_loaders_schema() -> None:
    assert (definitions_dir() / "schema.json").read_text("utf-8") == SCHEMA.text()
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.text()))


def test_the_schemas_effects_are_the_lifecycles_one_list() -> None:
    """An effect the lifecycle registers is one the loader accepts, and no other."""
    assert SCHEMA.effects == tuple(sorted(EFFECTS))
    effect = json.loads(SCHEMA.text())["$defs"]["effect"]["properties"]
    assert set(effect) - {"reason", "as_of"} == set(EFFECTS)


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = SHIPPED.read_text("utf-8")
    assert old in text, old
    broken = text.replace(old, new, 1)
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "disclosure.yaml"
    path.write_text(broken, "utf-8")
    return path, line


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            "  extend:\n    label: 延期答复\n",
            "  extend:\n    label: 延期答复\n    colour: red\n",
            "triggers.extend.colour",
            "unknown key",
        ),
        (
            "      - {source: received, dest: extended}",
            "      - {source: received, dest: extnded}",
            "triggers.extend.transitions[0].dest",
            "unknown state 'extnded'",
        ),
        (
            "guards: [not_extended, before_answer_due,",
            "guards: [not_extended, before_answer_dew,",
            "triggers.extend.guards",
            "unknown guard 'before_answer_dew'",
        ),
        (
            "      - {extend_clock: answer}",
            "      - {extend_clock: answr}",
            "triggers.extend.effects[1].extend_clock",
            "unknown clock 'answr'",
        ),
        (
            "      - {extend_clock: answer}",
            "      - {lengthen_clock: answer}",
            "triggers.extend.effects[1].lengthen_clock",
            "unknown key",
        ),
        (
            'row: "3.4.2", basis: 第三十八条',
            'row: "3.4.9", basis: 第三十八条',
            "outcomes.unavailable.needs_creation.row",
            "report row '3.4.9' is not in report_rows",
        ),
        (
            "    outcome: other.withdrawn\n",
            "\n",
            "triggers.withdraw.transitions",
            "without an outcome",
        ),
        (
            "  acknowledgement: {title: 政府信息公开申请登记回执, template: acknowledgement}",
            "  acknowledgement: {title: 政府信息公开申请登记回执, template: acknowledgment}",
            "letters.acknowledgement.template",
            "'acknowledgment' does not exist",
        ),
        (
            "imports: {closed: decided, appealed: appealed}",
            "imports: {closed: received, appealed: appealed}",
            "imports.closed",
            "'received' is not a closed state",
        ),
        (
            "    letters: [extension_notice]",
            "    letters: [extension_letter]",
            "triggers.extend.letters",
            "unknown letter 'extension_letter'",
        ),
    ],
)
def test_malformed_definition_names_file_line_and_key(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    path, line = _broken(tmp_path, old, new)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path, WORDS)
    error = caught.value
    assert error.path == str(path)
    assert error.key == key
    assert problem in error.problem
    assert error.line is not None
    assert abs(error.line - line) <= 4, (error.line, line)
    assert str(error).startswith(f"{path}:{error.line}: {key}: ")


def test_extending_a_clock_without_a_maximum_is_refused_where_it_is_extended(
    tmp_path: Path,
) -> None:
    path, _ = _broken(tmp_path, "    max_extension: 20\n", "")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path, WORDS)
    assert caught.value.key == "triggers.extend.effects[1].extend_clock"
    assert "clock 'answer' has no max_extension to extend it by" in caught.value.problem
    text = path.read_text("utf-8")
    assert caught.value.line == text[: text.index("{extend_clock: answer}")].count("\n") + 1


def test_a_state_no_trigger_reaches_is_refused(tmp_path: Path) -> None:
    path, _ = _broken(
        tmp_path,
        "  appealed: {label: 行政复议或诉讼中, closed: true}\n",
        "  appealed: {label: 行政复议或诉讼中, closed: true}\n  limbo: {label: 悬空}\n",
    )
    with pytest.raises(DefinitionError, match=r"states\.limbo: no trigger reaches this state"):
        load_definition(path, WORDS)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nversion: 1\nstates: {a: [\n", "utf-8")
    with pytest.raises(DefinitionError, match=r"bad\.yaml:\d+: not valid YAML"):
        load_definition(path, WORDS)


def test_diagram_and_outline_cover_every_trigger() -> None:
    definition = load_definition(SHIPPED, WORDS)
    diagram = mermaid(definition)
    assert diagram.startswith("stateDiagram-v2")
    assert "received --> extended: 延期答复 (extend)" in diagram
    assert (
        "third_party_consultation --> extended: "
        "收到第三方意见 (receive_third_party_reply) [answer_extended]" in diagram
    )
    text = outline(definition)
    for trigger in definition.triggers:
        assert f"  {trigger}: " in text
