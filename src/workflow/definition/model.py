"""A workflow definition as typed, frozen data: what the YAML file says, validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

SAME_STATE = "="  # a transition's dest meaning "stay in the source state"
OUTCOME_FROM_INPUT = "input"  # a trigger's outcome given by the handler (--outcome)


class LateCorrectionPolicy(StrEnum):
    REFUSE = "refuse"
    WARN = "warn"


class Overdue(StrEnum):
    NONE = "none"
    ONCE = "once"
    DAILY = "daily"


@dataclass(frozen=True)
class Settings:
    late_correction_notice: LateCorrectionPolicy = LateCorrectionPolicy.REFUSE
    backdating_window_days: int = 366
    case_number_pattern: str = "{agency}-{year}-{seq:04d}"


@dataclass(frozen=True)
class ClockSpec:
    name: str
    label: str
    days: int
    basis: str
    max_extension: int | None = None
    window: bool = False  # a period for an optional step: it closes, it is never "overdue"


@dataclass(frozen=True)
class ReminderSpec:
    clock: str
    before: tuple[int, ...] = ()
    on_due: bool = False
    overdue: Overdue = Overdue.NONE
    to: tuple[str, ...] = ("handler",)


@dataclass(frozen=True)
class OutcomeSpec:
    code: str
    label: str
    row: str
    basis: str | None = None
    reasons_required: bool = False
    refusal: bool = False
    needs_party: bool = False
    # A routing condition that must hold before this outcome may be decided (e.g. Art. 35:
    # not_processed.excessive only after the applicant was asked for reasons).
    requires: str | None = None
    # Partial disclosure: the handler names the withheld part's ground (--ground), one of
    # the outcomes marked ground_of_withheld (Arts. 14-16), whose basis the letter cites.
    ground_required: bool = False
    ground_of_withheld: bool = False


@dataclass(frozen=True)
class LetterSpec:
    name: str
    title: str
    template: str  # may contain "{outcome}"

    def template_for(self, outcome: str | None) -> str:
        if "{outcome}" in self.template:
            if outcome is None:
                raise ValueError(f"letter {self.name} needs an outcome to choose its template")
            return self.template.replace("{outcome}", outcome)
        return self.template


@dataclass(frozen=True)
class StateSpec:
    name: str
    label: str
    closed: bool = False


@dataclass(frozen=True)
class EffectSpec:
    """A named effect; ``clock`` is its target clock, if it has one."""

    name: str
    clock: str | None = None
    reason: str | None = None
    # "lapse": dated on the last day of the period whose lapse fired the trigger, not on the
    # step's date (a consultation that lapses ends with its period's last day).
    as_of: str | None = None


@dataclass(frozen=True)
class TransitionSpec:
    sources: tuple[str, ...]
    dest: str  # a state name or SAME_STATE
    when: str | None = None  # a routing condition: first transition whose `when` holds wins


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    label: str
    transitions: tuple[TransitionSpec, ...]
    inputs: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    effects: tuple[EffectSpec, ...] = ()
    letters: tuple[str, ...] = ()
    outcome: str | None = None  # an outcome code, OUTCOME_FROM_INPUT, or None
    automatic: bool = False
    clock: str | None = None  # for automatic triggers: the clock whose lapse fires it
    # The step receives the corrected application (Art. 30): its letters state the date.
    corrected_application: bool = False
    # The step is the correction notice (Art. 30): letters state its date.
    correction_requested: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for transition in self.transitions:
            for source in transition.sources:
                seen[source] = None
        return tuple(seen)


@dataclass(frozen=True)
class OpeningSpec:
    effects: tuple[EffectSpec, ...] = ()
    letters: tuple[str, ...] = ()


@dataclass(frozen=True)
class EarlierSpec:
    """The definition that governs applications received before this one's law applied."""

    received_before: date
    definition: str


@dataclass(frozen=True)
class ImportStates:
    """Where importers put past cases: a closed one, one with a pending appeal."""

    closed: str | None = None
    appealed: str | None = None


@dataclass(frozen=True)
class WorkflowDefinition:
    id: str
    version: int
    title: str
    initial: str
    settings: Settings
    clocks: Mapping[str, ClockSpec]
    reminders: Mapping[str, ReminderSpec]
    lapses: Mapping[str, str]  # clock -> automatic trigger
    report_rows: Mapping[str, str]
    outcomes: Mapping[str, OutcomeSpec]
    letters: Mapping[str, LetterSpec]
    states: Mapping[str, StateSpec]
    opening: OpeningSpec
    triggers: Mapping[str, TriggerSpec]
    earlier: EarlierSpec | None = None
    imports: ImportStates = ImportStates()
    source: str = field(default="", repr=False, compare=False)  # the file's text
    path: str = ""
    content_hash: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def is_closed(self, state: str) -> bool:
        return self.states[state].closed

    def triggers_from(self, state: str, *, automatic: bool | None = None) -> list[str]:
        return [
            name
            for name, trigger in self.triggers.items()
            if state in trigger.sources and (automatic is None or trigger.automatic == automatic)
        ]
