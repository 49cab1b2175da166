"""The lifecycle: a definition bound to a ``transitions`` state machine.

This is the only module that imports ``transitions``. One machine is built per
definition version and kept. Cases are never added to it as models: ``add_model``
is quadratic in the number of models and never forgets them, and binding even one
model per firing costs more than the rest of the decision. Instead each thread
has one long-lived model, a ``_Binding``, which is pointed at the case being
decided (its context and state are set) and fired. Every guard, condition and
effect name was resolved when the definition was loaded, so a misspelt name
cannot surface only when a trigger fires.

The result of firing is a ``Decision``: data the service persists.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial

from transitions import EventData, Machine

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
from workflow.lifecycle.guards import CONDITIONS, GUARDS, GuardContext
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


@dataclass
class _Binding:
    """A thread's model on the machine, pointed at one case per firing."""

    context: GuardContext | None = None
    state: str = ""
    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chosen: TransitionSpec | None = None

    def point_at(self, context: GuardContext) -> None:
        self.context = context
        self.refusals.clear()
        self.warnings.clear()
        self.chosen = None


class Lifecycle:
    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self._lock = threading.Lock()  # adding a thread's binding to the machine
        self._bindings = threading.local()
        self._from_state = {
            state: set(definition.triggers_from(state)) for state in definition.states
        }
        self._machine = Machine(
            model=None,
            states=list(definition.states),
            transitions=[
                {
                    "trigger": trigger.name,
                    "source": list(transition.sources),
                    "dest": SAME_STATE if transition.dest == SAME_STATE else transition.dest,
                    "conditions": [partial(self._admit, trigger, transition)],
                    "after": [partial(self._record, transition)],
                }
                for trigger in definition.triggers.values()
                for transition in trigger.transitions
            ],
            initial=definition.initial,
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
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
        """Check and fire ``trigger_name``; raise ``TransitionRejected`` with the reasons."""
        trigger = self.definition.triggers.get(trigger_name)
        if trigger is None or trigger_name not in self._from_state.get(case.state, ()):
            allowed = self.allowed_triggers(case.state)
            raise TransitionRejected(case.number, trigger_name, case.state, allowed)
        extra = sorted(step.given() - set(trigger.inputs))
        if extra:
            takes = ", ".join(f"--{name}" for name in trigger.inputs) or "no options"
            raise InvalidInput(
                f"{trigger_name} does not take {', '.join('--' + name for name in extra)} "
                f"(it takes {takes})"
            )
        binding = self._binding()
        context = GuardContext(self.definition, calendar, case, trigger, step)
        binding.point_at(context)
        self._machine.set_state(case.state, model=binding)
        fired = getattr(binding, trigger_name)()
        if not fired or binding.chosen is None:
            reasons = list(dict.fromkeys(binding.refusals)) or ["no transition applies"]
            allowed = self.allowed_triggers(case.state)
            raise TransitionRejected(case.number, trigger_name, case.state, allowed, reasons)
        dest = case.state if binding.chosen.dest == SAME_STATE else binding.chosen.dest
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
        warnings = tuple(dict.fromkeys(binding.warnings))
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

    def _binding(self) -> _Binding:
        binding: _Binding | None = getattr(self._bindings, "model", None)
        if binding is None:
            binding = _Binding()
            with self._lock:
                self._machine.add_model(binding, initial=self.definition.initial)
            self._bindings.model = binding
        return binding

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

    # -- transitions callbacks -------------------------------------------------

    @staticmethod
    def _admit(trigger: TriggerSpec, transition: TransitionSpec, event: EventData) -> bool:
        binding = event.model
        assert isinstance(binding, _Binding)
        context = binding.context
        assert context is not None
        refused = False
        warnings: list[str] = []
        for name in trigger.guards:
            verdict = GUARDS[name](context)
            if verdict is None:
                continue
            if verdict.warning:
                warnings.append(verdict.reason)
            else:
                binding.refusals.append(verdict.reason)
                refused = True
        if refused:
            return False
        if transition.when is not None and not CONDITIONS[transition.when](context):
            return False
        binding.warnings.extend(warnings)
        return True

    @staticmethod
    def _record(transition: TransitionSpec, event: EventData) -> None:
        binding = event.model
        assert isinstance(binding, _Binding)
        binding.chosen = transition
