"""The lifecycle: a definition's triggers decided over a case snapshot.

A decision is a plain loop over the definition, which is all the state machine a
declarative lifecycle needs: the trigger must leave the case's state; its guards
(named, resolved when the definition was loaded) must all pass, or the handler is
told every reason; then the first of its transitions from that state whose `when`
condition holds is taken. Validating a definition (reachable states, closed
states reached only with an outcome, names) happens at load, in ``definition/``,
and drawing it in ``definition/diagram.py``.

The result is a ``Decision``: data the service persists.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.deadlines import WorkingCalendar
from workflow.definition.model import (
    OUTCOME_FROM_INPUT,
    SAME_STATE,
    TransitionSpec,
    TriggerSpec,
    WorkflowDefinition,
)
from workflow.errors import InvalidInput, TransitionRejected
from workflow.lifecycle.effects import EffectPlan, plan_effects
from workflow.lifecycle.facts import StepFacts, period_set
from workflow.lifecycle.guards import CONDITIONS, GUARDS, Condition, Guard, GuardContext
from workflow.lifecycle.projection import OPEN_TRIGGER
from workflow.lifecycle.step import CaseSnapshot, StepInput


@dataclass(frozen=True)
class Decision:
    """What firing a trigger on a case means; nothing is persisted yet."""

    trigger: str
    source: str
    dest: str
    outcome: str | None
    plan: EffectPlan
    letters: tuple[str, ...]
    facts: StepFacts  # what the event stores: what the step's letters state
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Route:
    """A transition from one state, with its condition resolved."""

    dest: str
    when: Condition | None


class Lifecycle:
    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        # (trigger, state) -> the trigger's transitions from that state, in order.
        self._routes: dict[tuple[str, str], tuple[_Route, ...]] = {}
        self._guards: dict[str, tuple[Guard, ...]] = {}
        for trigger in definition.triggers.values():
            self._guards[trigger.name] = tuple(GUARDS[name] for name in trigger.guards)
            for transition in trigger.transitions:
                for state in transition.sources:
                    key = (trigger.name, state)
                    self._routes[key] = (*self._routes.get(key, ()), _route(transition))

    def allowed_triggers(self, state: str, *, automatic: bool = True) -> list[str]:
        return [
            name
            for name in self.definition.triggers_from(state)
            if automatic or not self.definition.triggers[name].automatic
        ]

    def decide(
        self, case: CaseSnapshot, trigger_name: str, step: StepInput, calendar: WorkingCalendar
    ) -> Decision:
        """Check and fire ``trigger_name``; raise ``TransitionRejected`` with the reasons."""
        trigger = self.definition.triggers.get(trigger_name)
        routes = self._routes.get((trigger_name, case.state))
        if trigger is None or routes is None:
            allowed = self.allowed_triggers(case.state)
            raise TransitionRejected(case.number, trigger_name, case.state, allowed)
        extra = sorted(step.given() - set(trigger.inputs))
        if extra:
            takes = ", ".join(f"--{name}" for name in trigger.inputs) or "no options"
            raise InvalidInput(
                f"{trigger_name} does not take {', '.join('--' + name for name in extra)} "
                f"(it takes {takes})"
            )
        context = GuardContext(self.definition, calendar, case, trigger, step)
        verdicts = [v for guard in self._guards[trigger_name] if (v := guard(context)) is not None]
        refusals = [verdict.reason for verdict in verdicts if not verdict.warning]
        if refusals:
            allowed = self.allowed_triggers(case.state)
            reasons = list(dict.fromkeys(refusals))
            raise TransitionRejected(case.number, trigger_name, case.state, allowed, reasons)
        chosen = next((r for r in routes if r.when is None or r.when(context)), None)
        if chosen is None:  # every transition's `when` failed: a definition without a default
            allowed = self.allowed_triggers(case.state)
            reasons = ["no transition applies"]
            raise TransitionRejected(case.number, trigger_name, case.state, allowed, reasons)
        dest = case.state if chosen.dest == SAME_STATE else chosen.dest
        plan = plan_effects(
            trigger.effects,
            self.definition,
            calendar,
            case.ledgers,
            step,
            trigger.label,
            trigger.inputs,
            context.lapsed_on(),
        )
        outcome = self._outcome(trigger, step)
        warnings = tuple(dict.fromkeys(v.reason for v in verdicts if v.warning))
        payload = step.to_payload()
        if warnings:
            payload["warnings"] = list(warnings)
        facts = StepFacts(
            trigger=trigger_name,
            on=step.on,
            by=step.by,
            source=case.state,
            dest=dest,
            outcome=outcome,
            period=period_set(
                self.definition, trigger, plan.clock_entries, case.ledgers, calendar, step.on
            ),
            corrected_application=trigger.corrected_application,
            correction_requested=trigger.correction_requested,
            appeal=plan.appeal,
            payload=payload,
        )
        return Decision(
            trigger=trigger_name,
            source=case.state,
            dest=dest,
            outcome=outcome,
            plan=plan,
            letters=trigger.letters,
            facts=facts,
            warnings=warnings,
        )

    def opening(self, step: StepInput, calendar: WorkingCalendar) -> EffectPlan:
        """The effects of registering an application (start its clocks)."""
        return plan_effects(
            self.definition.opening.effects, self.definition, calendar, {}, step, "opened"
        )

    def opening_facts(
        self,
        step: StepInput,
        plan: EffectPlan,
        calendar: WorkingCalendar,
        payload: dict[str, object],
    ) -> StepFacts:
        """What registering an application establishes (the period its receipt states)."""
        return StepFacts(
            trigger=OPEN_TRIGGER,
            on=step.on,
            by=step.by,
            source=None,
            dest=self.definition.initial,
            period=period_set(self.definition, None, plan.clock_entries, {}, calendar, step.on),
            payload=payload,
        )

    @staticmethod
    def _outcome(trigger: TriggerSpec, step: StepInput) -> str | None:
        if trigger.outcome == OUTCOME_FROM_INPUT:
            return step.outcome
        return trigger.outcome


def _route(transition: TransitionSpec) -> _Route:
    return _Route(transition.dest, None if transition.when is None else CONDITIONS[transition.when])
