"""The definition file's JSON Schema: the single list of keys the loader accepts.

The loader refuses any key not listed here, and ``definitions/schema.json`` (for
editors) is this dictionary written out; a test keeps the two equal. The effect names
are the code's (``Vocabulary.effects``, from the lifecycle's registry), so the schema is
built for a vocabulary: one list of effects, not two.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_NAMES = {"type": "array", "items": _NAME}
_STATES = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
LAPSE = "lapse"  # an effect's `as_of`: the last day of the lapsed period


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def _map_of(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": value}


DEFS: dict[str, dict[str, Any]] = {
    "settings": _object(
        {
            "late_correction_notice": {"enum": ["refuse", "warn"]},
            "backdating_window_days": {"type": "integer", "minimum": 0},
            "case_number_pattern": {"type": "string"},
        }
    ),
    "clock": _object(
        {
            "label": {"type": "string"},
            "days": {"type": "integer", "minimum": 1},
            "basis": {"type": "string"},
            "max_extension": {"type": "integer", "minimum": 1},
            "window": {"type": "boolean"},
        },
        ("label", "days", "basis"),
    ),
    "reminder": _object(
        {
            "before": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "on_due": {"type": "boolean"},
            "overdue": {"enum": ["none", "once", "daily"]},
            "to": {"type": "array", "items": {"enum": ["handler", "head"]}},
        }
    ),
    "outcome": _object(
        {
            "label": {"type": "string"},
            "row": {"type": "string"},
            "basis": {"type": "string"},
            "reasons": {"enum": ["required", "optional"]},
            "refusal": {"type": "boolean"},
            "needs_party": {"type": "boolean"},
            "requires": _NAME,
            "ground": {"enum": ["required"]},
            "ground_of_withheld": {"type": "boolean"},
        },
        ("label", "row"),
    ),
    "letter": _object(
        {"title": {"type": "string"}, "template": {"type": "string"}}, ("title", "template")
    ),
    "state": _object({"label": {"type": "string"}, "closed": {"type": "boolean"}}, ("label",)),
    "earlier": _object(
        {"received_before": {"type": "string", "format": "date"}, "definition": _NAME},
        ("received_before", "definition"),
    ),
    "transition": _object(
        {"source": _STATES, "dest": {"type": "string"}, "when": _NAME}, ("source", "dest")
    ),
    "imports": _object(
        {"closed": {"type": "string"}, "appealed": {"type": "string"}},
    ),
    "opening": _object(
        {
            "effects": {"type": "array", "items": {"$ref": "#/$defs/effect"}},
            "letters": _NAMES,
        }
    ),
    "trigger": _object(
        {
            "label": {"type": "string"},
            "automatic": {"type": "boolean"},
            "transitions": {
                "type": "array",
                "items": {"$ref": "#/$defs/transition"},
                "minItems": 1,
            },
            "inputs": _NAMES,
            "guards": _NAMES,
            "effects": {"type": "array", "items": {"$ref": "#/$defs/effect"}},
            "letters": _NAMES,
            "outcome": {"type": "string"},
            "clock": _NAME,
            "corrected_application": {"type": "boolean"},
            "correction_requested": {"type": "boolean"},
        },
        ("label", "transitions"),
    ),
}


def _effect(names: Iterable[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            **{name: {"type": ["string", "boolean"]} for name in names},
            "reason": {"type": "string"},
            "as_of": {"enum": [LAPSE]},
        },
        "additionalProperties": False,
        "minProperties": 1,
    }


class Schema:
    """The schema of definition files whose effects are ``effects``."""

    def __init__(self, effects: Iterable[str]) -> None:
        self.effects = tuple(sorted(effects))
        self.defs: dict[str, dict[str, Any]] = {**DEFS, "effect": _effect(self.effects)}
        self.top: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://example.org/workflow/definition.schema.json",
            "title": "Workflow definition (disclosure-on-request lifecycle)",
            **_object(
                {
                    "id": _NAME,
                    "version": {"type": "integer", "minimum": 1},
                    "title": {"type": "string"},
                    "initial": {"type": "string"},
                    "settings": {"$ref": "#/$defs/settings"},
                    "clocks": _map_of({"$ref": "#/$defs/clock"}),
                    "reminders": _map_of({"$ref": "#/$defs/reminder"}),
                    "lapses": _map_of({"type": "string"}),
                    "report_rows": _map_of({"type": "string"}),
                    "outcomes": _map_of({"$ref": "#/$defs/outcome"}),
                    "letters": _map_of({"$ref": "#/$defs/letter"}),
                    "states": _map_of({"$ref": "#/$defs/state"}),
                    "imports": {"$ref": "#/$defs/imports"},
                    "earlier": {"$ref": "#/$defs/earlier"},
                    "opening": {"$ref": "#/$defs/opening"},
                    "triggers": _map_of({"$ref": "#/$defs/trigger"}),
                },
                ("id", "version", "initial", "clocks", "outcomes", "states", "triggers"),
            ),
            "$defs": self.defs,
        }

    def keys(self, definition: str | None) -> frozenset[str]:
        """The keys an object of the given kind may have (None: the top level)."""
        schema = self.top if definition is None else self.defs[definition]
        return frozenset(schema["properties"])

    def required(self, definition: str | None) -> tuple[str, ...]:
        schema = self.top if definition is None else self.defs[definition]
        return tuple(schema.get("required", ()))

    def text(self) -> str:
        return json.dumps(self.top, ensure_ascii=False, indent=2) + "\n"
