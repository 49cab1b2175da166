"""What a step established, stored with its event: the facts its letters state.

``StepFacts`` is what the lifecycle (a trigger, the opening) or an import says
happened: the trigger, its legal date and actor, the states it went from and to,
the outcome it decided, the period it set, whether it received a corrected
application, what it did to an appeal, and the handler's inputs. The event row
stores them (``event_row``), the case projection is folded from them
(``project``), and the letters read them back instead of inferring them.

In the stored payload the handler's inputs stay at the top level (as the CLI's
JSON shows them) and the established facts sit under one key, ``facts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from workflow.deadlines import ClockEntry, EntryKind, WorkingCalendar, derive
from workflow.definition.model import TriggerSpec, WorkflowDefinition
from workflow.lifecycle.effects import AppealAction

FACTS_KEY = "facts"
# The entries that set a period a letter states: its length and last day.
_SETS_PERIOD = frozenset({EntryKind.START, EntryKind.RESTART, EntryKind.EXTEND, EntryKind.SET_DUE})


@dataclass(frozen=True, slots=True)
class Period:
    """A period a step set (or that lapsed): its clock, working days and last day.

    ``last_day`` is None when the count runs into a year whose calendar is not
    loaded (``awaits_year``); the working days are exact either way.
    """

    clock: str
    days: int | None
    last_day: date | None
    awaits_year: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "clock": self.clock,
            "days": self.days,
            "last_day": None if self.last_day is None else self.last_day.isoformat(),
            "awaits_year": self.awaits_year,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Period:
        last_day = data.get("last_day")
        return cls(
            clock=str(data["clock"]),
            days=data.get("days"),
            last_day=None if last_day is None else date.fromisoformat(last_day),
            awaits_year=data.get("awaits_year"),
        )


class StoredEvent(Protocol):
    """The columns of a ``case_events`` row that ``StepFacts.of_event`` reads."""

    @property
    def trigger(self) -> str: ...
    @property
    def occurred_on(self) -> date: ...
    @property
    def actor(self) -> str: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def imported(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class StepFacts:
    """What happened in one step: everything its event row stores."""

    trigger: str
    on: date
    by: str
    source: str | None  # None: the step that registers the case
    dest: str
    outcome: str | None = None
    period: Period | None = None
    corrected_application: bool = False
    correction_requested: bool = False  # the step is the correction notice (Art. 30)
    appeal: AppealAction | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)  # the inputs, as stored
    imported: bool = False

    def stored_payload(self) -> dict[str, Any]:
        """The event's JSON payload: the inputs, and the facts under ``facts``."""
        facts: dict[str, Any] = {}
        if self.outcome is not None:
            facts["outcome"] = self.outcome
        if self.period is not None:
            facts["period"] = self.period.to_json()
        if self.corrected_application:
            facts["corrected_application"] = True
        if self.correction_requested:
            facts["correction_requested"] = True
        if self.appeal is not None:
            facts["appeal"] = {
                "action": self.appeal.action,
                "kind": self.appeal.kind,
                "result": self.appeal.result,
            }
        payload = dict(self.payload)
        if facts:
            payload[FACTS_KEY] = facts
        return payload

    @classmethod
    def of_event(cls, event: StoredEvent) -> StepFacts:
        """The facts a stored event states (``stored_payload`` reversed)."""
        payload = dict(event.payload)
        facts: Mapping[str, Any] = payload.pop(FACTS_KEY, None) or {}
        period = facts.get("period")
        appeal = facts.get("appeal")
        return cls(
            trigger=event.trigger,
            on=event.occurred_on,
            by=event.actor,
            source=event.from_state,
            dest=event.to_state,
            outcome=facts.get("outcome"),
            period=None if period is None else Period.from_json(period),
            corrected_application=bool(facts.get("corrected_application", False)),
            correction_requested=bool(facts.get("correction_requested", False)),
            appeal=None
            if appeal is None
            else AppealAction(appeal["action"], appeal.get("kind"), appeal.get("result")),
            payload=payload,
            imported=event.imported,
        )


def period_set(
    definition: WorkflowDefinition,
    trigger: TriggerSpec | None,
    entries: Mapping[str, Sequence[ClockEntry]],
    ledgers: Mapping[str, Sequence[ClockEntry]],
    calendar: WorkingCalendar,
    on: date,
) -> Period | None:
    """The period a step states: the one that lapsed, or the one its entries set.

    ``entries``: the step's new entries per clock; ``ledgers``: every clock's entries
    before the step. A lapse states the period of its clock; another step the first
    clock (by name) it started, restarted, extended or dated, a window (such as the
    correction notice's) only when it set no other clock (the applicant's time to state
    reasons, Art. 35): an extension's length is the days it adds, any other the working
    days from the step's date to the due date.
    """
    if trigger is not None and trigger.automatic and trigger.clock is not None:
        lapsed = _after(ledgers, entries, trigger.clock)
        if lapsed:
            deadline = derive(lapsed, calendar, trigger.clock)
            return Period(trigger.clock, deadline.length, deadline.due_on)
    known = [clock for clock in entries if clock in definition.clocks]
    for clock in sorted(known, key=lambda name: (definition.clocks[name].window, name)):
        setting = next((entry for entry in entries[clock] if entry.kind in _SETS_PERIOD), None)
        if setting is None:
            continue
        deadline = derive(_after(ledgers, entries, clock), calendar, clock)
        if setting.kind is EntryKind.EXTEND:
            return Period(clock, setting.days, deadline.due_on, deadline.awaiting_year)
        if deadline.due_on is None:
            return Period(clock, deadline.length, None, deadline.awaiting_year)
        return Period(
            clock, calendar.working_days_between(on, deadline.due_on), deadline.due_on, None
        )
    return None


def _after(
    ledgers: Mapping[str, Sequence[ClockEntry]],
    entries: Mapping[str, Sequence[ClockEntry]],
    clock: str,
) -> list[ClockEntry]:
    return [*ledgers.get(clock, ()), *entries.get(clock, ())]
