"""The lifecycle: a definition's triggers decided over a case snapshot.

A decision has two parts. The trigger's guards (named, resolved when the definition
was loaded) must all pass, or the handler is told every reason: that is the
project's own, since a refusal must say why. A guard that refuses for an input the
handler left out names it, so a refusal lists every missing input at once
(``MissingInputs``); ``supposing`` decides as if the guards held, so that the service
can add the inputs the step's letters would need, without recording anything. Then the
state machine routes: one
``transitions.Machine`` per definition version holds the states and, per trigger, its
transitions in the definition's order with their ``when`` conditions; firing the
event on a throw-away model that carries the case's state takes the first transition
whose conditions hold, and the model's state afterwards is the destination. No model
is added to the machine (``add_model`` per case was quadratic and was once the largest
single cost of a decision), so the machine is shared read-only by every thread.
Validating a definition (reachable states, closed states reached only with an outcome,
names) happens at load, in ``definition/``, and drawing it in ``definition/diagram.py``.

The result is a ``Decision``: data the service persists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from workflow.deadlines import WorkingCalendar
from workflow.definition.model import (
    OUTCOME_FROM_INPUT,
    TriggerSpec,
    WorkflowDefinition,
)
from workflow.errors import InvalidInput, MissingInputs, Needed, TransitionRejected, WorkflowError
from workflow.lifecycle.conditions import CONDITIONS, Condition
from workflow.lifecycle.effects import EffectPlan, plan_effects
from workflow.lifecycle.facts import StepFacts, period_set
from workflow.lifecycle.guards import GUARDS, Guard, GuardContext
from workflow.lifecycle.projection import OPEN_TRIGGER
from workflow.lifecycle.step import INPUT_HELP, CaseSnapshot, StepInput

if TYPE_CHECKING:
    from transitions import Event, EventData, Machine


@dataclass(frozen=True, slots=True)
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


class _Case:
    """What the machine moves for one decision: the case's state, then its destination."""

    def __init__(self, state: str) -> None:
        self.state = state


class Lifecycle:
    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self._guards: dict[str, tuple[Guard, ...]] = {
            trigger.name: tuple(GUARDS[name] for name in trigger.guards)
            for trigger in definition.triggers.values()
        }

    @cached_property
    def _machine(self) -> Machine:
        """Built on the first decision: a command that only reads a case never imports it."""
        from transitions import Machine

        definition = self.definition
        return Machine(
            model=None,
            states=list(definition.states),
            initial=definition.initial,
            transitions=[
                {
                    "trigger": trigger.name,
                    "source": list(transition.sources),
                    "dest": transition.dest,  # SAME_STATE ("=") is transitions' reflexive dest
                    "conditions": [] if transition.when is None else [_when(transition.when)],
                }
                for trigger in definition.triggers.values()
                for transition in trigger.transitions
            ],
            send_event=True,  # conditions get the EventData, whose first argument is the context
            auto_transitions=False,
        )

    def allowed_triggers(self, state: str, *, automatic: bool = True) -> list[str]:
        return [
            name
            for name in self.definition.triggers_from(state)
            if automatic or not self.definition.triggers[name].automatic
        ]

    def decide(
        self, case: CaseSnapshot, trigger_name: str, step: StepInput, calendar: WorkingCalendar
    ) -> Decision:
        """Check and fire ``trigger_name``; raise ``TransitionRejected`` with the reasons
        (``MissingInputs`` when some are inputs the handler left out: all of them)."""
        trigger, event = self._event(case, trigger_name, step)
        context = GuardContext(self.definition, calendar, case, trigger, step)
        verdicts = [v for guard in self._guards[trigger_name] if (v := guard(context)) is not None]
        refusals = [verdict for verdict in verdicts if not verdict.warning]
        if refusals:
            allowed = self.allowed_triggers(case.state)
            missing = [
                Needed(v.missing, v.what or INPUT_HELP[v.missing[0]], v.reason)
                for v in refusals
                if v.missing
            ]
            others = list(dict.fromkeys(v.reason for v in refusals if not v.missing))
            if missing:
                raise MissingInputs(
                    case.number, trigger_name, case.state, allowed, missing, others,
                    label=trigger.label,
                )  # fmt: skip
            raise TransitionRejected(case.number, trigger_name, case.state, allowed, others)
        warnings = tuple(dict.fromkeys(v.reason for v in verdicts if v.warning))
        decision = self._decision(case, trigger, event, context, warnings)
        if decision is None:  # every `when` failed: no default transition
            allowed = self.allowed_triggers(case.state)
            reasons = ["no transition applies"]
            raise TransitionRejected(case.number, trigger_name, case.state, allowed, reasons)
        return decision

    def supposing(
        self, case: CaseSnapshot, trigger_name: str, step: StepInput, calendar: WorkingCalendar
    ) -> Decision | None:
        """The decision as if the trigger's guards held, or None if it would still not
        fire (no transition, an effect that refuses the inputs). Nothing here is recorded:
        it tells a refusal which inputs the step's letters would need besides."""
        try:
            trigger, event = self._event(case, trigger_name, step)
            context = GuardContext(self.definition, calendar, case, trigger, step)
            return self._decision(case, trigger, event, context, ())
        except WorkflowError:
            return None

    def _event(
        self, case: CaseSnapshot, trigger_name: str, step: StepInput
    ) -> tuple[TriggerSpec, Event]:
        trigger = self.definition.triggers.get(trigger_name)
        event = self._machine.events.get(trigger_name)
        if trigger is None or event is None or case.state not in event.transitions:
            allowed = self.allowed_triggers(case.state)
            raise TransitionRejected(case.number, trigger_name, case.state, allowed)
        extra = sorted(step.given() - set(trigger.inputs))
        if extra:
            takes = ", ".join(f"--{name}" for name in trigger.inputs) or "no options"
            raise InvalidInput(
                f"{trigger_name} does not take {', '.join('--' + name for name in extra)} "
                f"(it takes {takes})"
            )
        return trigger, event

    def _decision(
        self,
        case: CaseSnapshot,
        trigger: TriggerSpec,
        event: Event,
        context: GuardContext,
        warnings: tuple[str, ...],
    ) -> Decision | None:
        """Route and plan the effects of a trigger whose guards were checked."""
        routed = _Case(case.state)
        if not event.trigger(routed, context):
            return None
        step, calendar = context.step, context.calendar
        dest = routed.state
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
        payload = step.to_payload()
        if warnings:
            payload["warnings"] = list(warnings)
        facts = StepFacts(
            trigger=trigger.name,
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
            trigger=trigger.name,
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


def letters_refusal(
    definition: WorkflowDefinition,
    number: str,
    trigger: str,
    state: str,
    missing: Sequence[Needed],
) -> MissingInputs:
    """A step whose letters cannot be written without inputs it was not given, refused as
    the step (its guards held: these are all it lacks)."""
    spec = definition.triggers.get(trigger)
    allowed = definition.triggers_from(state)
    label = spec.label if spec is not None else None
    return MissingInputs(number, trigger, state, allowed, missing, label=label)


def _when(name: str) -> Callable[[EventData], bool]:
    condition: Condition = CONDITIONS[name]

    def holds(event: EventData) -> bool:
        (context,) = event.args  # the one argument decide() fires the event with
        return condition(context)

    return holds
