"""Named effects, applied as data: new clock entries and appeal actions, nothing persisted.

The service writes what an effect returns in the same transaction as the event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from workflow.deadlines import ClockEntry, ClockStatus, WorkingCalendar, status_of
from workflow.definition.model import EffectSpec, WorkflowDefinition
from workflow.definition.schema import LAPSE
from workflow.lifecycle.step import StepInput


@dataclass(frozen=True, slots=True)
class AppealAction:
    action: str  # "file" | "resolve"
    kind: str | None = None
    result: str | None = None


@dataclass(slots=True)
class EffectPlan:
    """What a step does besides changing state: appended per clock, in order."""

    clock_entries: dict[str, list[ClockEntry]] = field(default_factory=dict)
    appeal: AppealAction | None = None

    def add(self, clock: str, entry: ClockEntry) -> None:
        self.clock_entries.setdefault(clock, []).append(entry)


@dataclass(frozen=True, slots=True)
class EffectContext:
    definition: WorkflowDefinition
    calendar: WorkingCalendar
    ledgers: Mapping[str, tuple[ClockEntry, ...]]
    step: StepInput
    label: str  # the trigger's label, used as a stop reason
    inputs: frozenset[str]  # the inputs the trigger declares (e.g. days for its clock)
    plan: EffectPlan
    lapsed_on: date | None = None  # an automatic trigger's: the last day of the lapsed period

    def dated(self, effect: EffectSpec) -> date:
        """The date of an effect's entry: the step's, or (``as_of: lapse``) the lapsed
        period's last day, with which a consultation that lapses ends (Art. 32, 34)."""
        if effect.as_of == LAPSE and self.lapsed_on is not None:
            return self.lapsed_on
        return self.step.on

    def status(self, clock: str) -> ClockStatus | None:
        return status_of([*self.ledgers.get(clock, ()), *self.plan.clock_entries.get(clock, [])])


Effect = Callable[[EffectContext, EffectSpec], None]


def start_clock(ctx: EffectContext, effect: EffectSpec) -> None:
    clock = _clock(effect)
    on = ctx.step.on
    days = ctx.step.days if "days" in ctx.inputs else None
    if ctx.status(clock) is None:
        ctx.plan.add(clock, ClockEntry.start(on, days or ctx.definition.clocks[clock].days))
    else:  # started before (a reopened case): count again, the period given or in full
        ctx.plan.add(clock, ClockEntry.restart(on, days))
    if ctx.step.until is not None and "until" in ctx.inputs:
        ctx.plan.add(clock, ClockEntry.set_due(on, ctx.step.until, "set by the agency"))


def pause_clock(ctx: EffectContext, effect: EffectSpec) -> None:
    clock = _clock(effect)
    if ctx.status(clock) is ClockStatus.RUNNING:
        ctx.plan.add(clock, ClockEntry.pause(ctx.step.on, effect.reason or ctx.label))


def resume_clock(ctx: EffectContext, effect: EffectSpec) -> None:
    clock = _clock(effect)
    if ctx.status(clock) is ClockStatus.PAUSED:
        ctx.plan.add(clock, ClockEntry.resume(ctx.dated(effect)))


def restart_clock(ctx: EffectContext, effect: EffectSpec) -> None:
    ctx.plan.add(_clock(effect), ClockEntry.restart(ctx.step.on))


def extend_clock(ctx: EffectContext, effect: EffectSpec) -> None:
    clock = _clock(effect)
    # The loader refuses extend_clock on a clock without max_extension.
    days = ctx.step.days or ctx.definition.clocks[clock].max_extension or 0
    ctx.plan.add(clock, ClockEntry.extend(ctx.step.on, days, ctx.step.approver or ctx.step.by))


def set_due_date(ctx: EffectContext, effect: EffectSpec) -> None:
    if ctx.step.until is None:
        raise ValueError("set_due_date needs an explicit date")  # guarded by until_after_on
    reason = ctx.step.reason or effect.reason or ctx.label
    ctx.plan.add(_clock(effect), ClockEntry.set_due(ctx.step.on, ctx.step.until, reason))


def stop_clock(ctx: EffectContext, effect: EffectSpec) -> None:
    clock = _clock(effect)
    if ctx.status(clock) in (ClockStatus.RUNNING, ClockStatus.PAUSED):
        ctx.plan.add(clock, ClockEntry.stop(ctx.dated(effect), effect.reason or ctx.label))


def stop_all_clocks(ctx: EffectContext, effect: EffectSpec) -> None:
    for clock in ctx.definition.clocks:
        stop_clock(ctx, EffectSpec("stop_clock", clock, effect.reason))


def file_appeal(ctx: EffectContext, effect: EffectSpec) -> None:
    ctx.plan.appeal = AppealAction("file", kind=ctx.step.kind)


def resolve_appeal(ctx: EffectContext, effect: EffectSpec) -> None:
    ctx.plan.appeal = AppealAction("resolve", result=ctx.step.result)


def _clock(effect: EffectSpec) -> str:
    if effect.clock is None:
        raise ValueError(f"effect {effect.name} needs a clock")  # the loader guarantees one
    return effect.clock


EFFECTS: dict[str, Effect] = {
    effect.__name__: effect
    for effect in (
        start_clock,
        pause_clock,
        resume_clock,
        restart_clock,
        extend_clock,
        set_due_date,
        stop_clock,
        stop_all_clocks,
        file_appeal,
        resolve_appeal,
    )
}


def plan_effects(
    effects: tuple[EffectSpec, ...],
    definition: WorkflowDefinition,
    calendar: WorkingCalendar,
    ledgers: Mapping[str, tuple[ClockEntry, ...]],
    step: StepInput,
    label: str,
    inputs: tuple[str, ...] = (),
    lapsed_on: date | None = None,
) -> EffectPlan:
    plan = EffectPlan()
    ctx = EffectContext(
        definition, calendar, ledgers, step, label, frozenset(inputs), plan, lapsed_on
    )
    for effect in effects:
        EFFECTS[effect.name](ctx, effect)
    return plan
