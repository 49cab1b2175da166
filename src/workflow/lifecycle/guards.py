"""Named guards a definition's triggers may refer to.

A guard returns ``None`` when the step may go ahead, or a ``Verdict``: a refusal
with the reason the handler sees, or (under a `warn` policy) a warning recorded
with the event. A routing condition only chooses between transitions (``conditions.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from workflow.codes import AppealKind, AppealResult
from workflow.deadlines import ClockStatus, Deadline, EntryKind, WorkingCalendar, derive
from workflow.definition.model import LateCorrectionPolicy, TriggerSpec, WorkflowDefinition
from workflow.lifecycle.conditions import CONDITIONS, standing_objection
from workflow.lifecycle.step import (
    ANSWER,
    CORRECTION,
    CORRECTION_NOTICE,
    REASONS,
    CaseSnapshot,
    StepInput,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: str
    warning: bool = False  # allowed, but recorded
    # A refusal for an input the handler left out names it (any one of these will do):
    # the step's refusal then lists every missing input at once, its letters' too.
    missing: tuple[str, ...] = ()
    what: str = ""  # what to give, in Chinese, where the input's own description is not enough


@dataclass(frozen=True, slots=True)
class GuardContext:
    definition: WorkflowDefinition
    calendar: WorkingCalendar
    case: CaseSnapshot
    trigger: TriggerSpec
    step: StepInput
    # Several guards of one step look at the same clock: derive each once.
    _deadlines: dict[str, Deadline | None] = field(default_factory=dict, compare=False)

    def deadline(self, clock: str) -> Deadline | None:
        if clock not in self._deadlines:
            entries = self.case.ledgers.get(clock)
            self._deadlines[clock] = derive(entries, self.calendar, clock) if entries else None
        return self._deadlines[clock]

    def lapsed_on(self) -> date | None:
        """An automatic trigger's lapsed period's last day (None for a handler's step)."""
        clock = self.trigger.clock
        if not self.trigger.automatic or clock is None:
            return None
        deadline = self.deadline(clock)
        return deadline.due_on if deadline is not None else None


Guard = Callable[[GuardContext], Verdict | None]


def first_correction(ctx: GuardContext) -> Verdict | None:
    if ctx.case.corrections_requested:
        return Verdict("a correction notice was already sent; Art. 30 allows one notice only")
    return None


def correction_notice_in_time(ctx: GuardContext) -> Verdict | None:
    deadline = ctx.deadline(CORRECTION_NOTICE)
    # A window whose last day runs into an unloaded year closes after every loaded day,
    # and the step's own date is in a loaded year: it is in time.
    if deadline is None or deadline.due_on is None or ctx.step.on <= deadline.due_on:
        return None
    late = ctx.calendar.working_days_between(deadline.due_on, ctx.step.on)
    reason = (
        f"the correction notice is due within {ctx.definition.clocks[CORRECTION_NOTICE].days} "
        f"WD of receipt (by {deadline.due_on}); "
        f"{ctx.step.on} is {late} WD late"
    )
    warn = ctx.definition.settings.late_correction_notice is LateCorrectionPolicy.WARN
    return Verdict(reason, warning=warn)


def reason_given(ctx: GuardContext) -> Verdict | None:
    if not (ctx.step.reason or "").strip():
        return Verdict(
            f"{ctx.trigger.name} needs --reason (what to correct, or the grounds)",
            missing=("reason",),
        )
    return None


def party_given(ctx: GuardContext) -> Verdict | None:
    if not (ctx.step.party or "").strip():
        return Verdict(f"{ctx.trigger.name} needs --party (who is consulted)", missing=("party",))
    return None


def amount_given(ctx: GuardContext) -> Verdict | None:
    if ctx.step.amount is None or ctx.step.amount <= 0:
        missing = ("amount",) if ctx.step.amount is None else ()
        return Verdict("a fee notice needs --amount, a positive sum in yuan", missing=missing)
    return None


def not_extended(ctx: GuardContext) -> Verdict | None:
    if ctx.case.extensions:
        return Verdict("the answer period was already extended once; Art. 33 allows one extension")
    return None


def before_answer_due(ctx: GuardContext) -> Verdict | None:
    deadline = ctx.deadline(ANSWER)
    if deadline is None or deadline.status is not ClockStatus.RUNNING:
        return Verdict("the answer clock is not running")
    # A due date still awaiting its year's calendar lies after the step's (loaded) date.
    if deadline.due_on is not None and ctx.step.on > deadline.due_on:
        return Verdict(
            f"{ctx.trigger.name} must be decided before the answer is due ({deadline.due_on}); "
            f"{ctx.step.on} is after it"
        )
    return None


def extension_within_limit(ctx: GuardContext) -> Verdict | None:
    limit = ctx.definition.clocks[ANSWER].max_extension
    if limit is None:
        return Verdict(f"the {ANSWER} clock of this definition allows no extension")
    days = ctx.step.days if ctx.step.days is not None else limit
    if not 1 <= days <= limit:
        return Verdict(f"an extension is 1 to {limit} WD (got {days})")
    return None


def approver_given(ctx: GuardContext) -> Verdict | None:
    if not (ctx.step.approver or "").strip():
        return Verdict(
            "an extension needs the approval of the head of the disclosure office: --approver NAME",
            missing=("approver",),
        )
    return None


def until_after_on(ctx: GuardContext) -> Verdict | None:
    if ctx.step.until is None:
        return Verdict(f"{ctx.trigger.name} needs --until DATE", missing=("until",))
    if ctx.step.until <= ctx.step.on:
        return Verdict(f"--until {ctx.step.until} must be after the step's date {ctx.step.on}")
    ctx.calendar.is_working_day(ctx.step.until)  # refuses a date in an unpublished year
    return None


def outcome_known(ctx: GuardContext) -> Verdict | None:
    code = ctx.step.outcome
    if code is None:
        return Verdict(
            "decide needs --outcome CODE; codes: " + ", ".join(ctx.definition.outcomes),
            missing=("outcome",),
        )
    if code not in ctx.definition.outcomes:
        return Verdict(
            f"unknown outcome code {code!r}; codes: " + ", ".join(ctx.definition.outcomes)
        )
    return None


def reasons_given_if_required(ctx: GuardContext) -> Verdict | None:
    outcome = ctx.definition.outcomes.get(ctx.step.outcome or "")
    if outcome is not None and outcome.reasons_required and not (ctx.step.reason or "").strip():
        return Verdict(
            f"outcome {outcome.code} must state its legal reasons: give --reason "
            f"(the letter cites {outcome.basis})",
            missing=("reason",),
        )
    return None


def party_given_if_required(ctx: GuardContext) -> Verdict | None:
    """Art. 36(5): name the responsible agency where it can be determined; say it cannot
    (--responsible-unknown) otherwise."""
    outcome = ctx.definition.outcomes.get(ctx.step.outcome or "")
    named = bool((ctx.step.party or "").strip())
    if ctx.step.responsible_unknown and (named or outcome is None or not outcome.needs_party):
        return Verdict(
            "--responsible-unknown is for an outcome that names the responsible agency, "
            "in place of --party"
        )
    if outcome is not None and outcome.needs_party and not named:
        if ctx.step.responsible_unknown:
            return None
        return Verdict(
            f"outcome {outcome.code} must name the responsible agency: --party NAME "
            "[--contact TEXT], or --responsible-unknown when it cannot be determined",
            missing=("party", "responsible_unknown"),
            what="负责公开该信息的机关；无法确定的，给出 --responsible-unknown",
        )
    return None


def ground_given_if_required(ctx: GuardContext) -> Verdict | None:
    """The withheld part of a partial disclosure is withheld on a ground of Arts. 14-16:
    the handler names it by its outcome code (``--ground withheld.third_party_rights``)."""
    outcome = ctx.definition.outcomes.get(ctx.step.outcome or "")
    grounds = [code for code, spec in ctx.definition.outcomes.items() if spec.ground_of_withheld]
    if outcome is None or not outcome.ground_required:
        if ctx.step.ground is not None:
            return Verdict("--ground names the ground of a partial disclosure's withheld part")
        return None
    if ctx.step.ground not in grounds:
        given = f" (got {ctx.step.ground!r})" if ctx.step.ground is not None else ""
        return Verdict(
            f"outcome {outcome.code} must name the ground of the withheld part{given}: "
            "--ground " + "|".join(grounds),
            missing=("ground",) if ctx.step.ground is None else (),
            what="不予公开部分的理由：" + "|".join(grounds),
        )
    return None


def clock_lapsed(ctx: GuardContext) -> Verdict | None:
    clock = ctx.trigger.clock
    deadline = ctx.deadline(clock) if clock else None
    if deadline is None:
        return Verdict(f"the {clock} clock was never started")
    if deadline.status is not ClockStatus.RUNNING:
        return Verdict(f"the {clock} clock is {deadline.status.value}")
    if deadline.due_on is None:
        return Verdict(
            f"the {clock} period runs into {deadline.awaiting_year}, whose holiday schedule is "
            "not loaded yet; it has not lapsed"
        )
    if ctx.step.on <= deadline.due_on:
        return Verdict(f"the {clock} period runs until {deadline.due_on}; it has not lapsed")
    return None


def appeal_kind_known(ctx: GuardContext) -> Verdict | None:
    if ctx.step.kind not in AppealKind.codes():
        missing = ("kind",) if ctx.step.kind is None else ()
        return Verdict(f"--kind must be one of {AppealKind.known()}", missing=missing)
    return None


def appeal_result_known(ctx: GuardContext) -> Verdict | None:
    if ctx.step.result not in AppealResult.codes():
        missing = ("result",) if ctx.step.result is None else ()
        return Verdict(f"--result must be one of {AppealResult.known()}", missing=missing)
    return None


def no_appeal_pending(ctx: GuardContext) -> Verdict | None:
    if ctx.case.pending_appeals:
        return Verdict("an appeal is still pending; resolve it first (resolve_appeal)")
    return None


def one_delayed_date(ctx: GuardContext) -> Verdict | None:
    """Art. 35: one reasonable delayed answer date, never a second one."""
    entries = ctx.case.ledgers.get(ANSWER, ())
    since = max(
        (i for i, e in enumerate(entries) if e.kind in (EntryKind.START, EntryKind.RESTART)),
        default=0,
    )
    if any(entry.kind is EntryKind.SET_DUE for entry in entries[since:]):
        return Verdict("a delayed answer date was already set; Art. 35 allows one")
    return None


def one_period_given(ctx: GuardContext) -> Verdict | None:
    if ctx.step.days is not None and ctx.step.until is not None:
        return Verdict(f"{ctx.trigger.name} takes --days N or --until DATE, not both")
    if ctx.step.days is not None and ctx.step.days < 1:
        return Verdict(f"--days must be at least 1 (got {ctx.step.days})")
    if ctx.step.until is not None:
        return until_after_on(ctx)
    return None


# What an outcome's `requires` asks of the handler when it does not hold.
_REQUIREMENTS = {
    "reasons_asked": "the applicant must first be asked to state reasons (ask_reasons, Art. 35)",
    "objection_answered": (
        "the third party objected: tell it in writing of the decision to disclose and why "
        "first (notify_third_party, Art. 32)"
    ),
    "correction_received": (
        "it needs an Art. 30 correction notice and the corrected application "
        "(request_correction, then receive_correction)"
    ),
}


def outcome_requirement_met(ctx: GuardContext) -> Verdict | None:
    outcome = ctx.definition.outcomes.get(ctx.step.outcome or "")
    if outcome is None or outcome.requires is None or CONDITIONS[outcome.requires](ctx):
        return None
    need = _REQUIREMENTS.get(outcome.requires, f"{outcome.requires} must hold")
    return Verdict(f"outcome {outcome.code} cannot be decided yet: {need}")


def objection_recorded(ctx: GuardContext) -> Verdict | None:
    if standing_objection(ctx) is None:
        return Verdict(
            f"{ctx.trigger.name} answers a third party's objection; none is recorded "
            "(receive_third_party_reply --objection TEXT)"
        )
    return None


def answer_overdue_if_open(ctx: GuardContext) -> Verdict | None:
    """An appeal on an open case is against a failure to answer (逾期不予答复): the answer
    must be overdue on the step's date."""
    if ctx.definition.is_closed(ctx.case.state):
        return None
    deadline = ctx.deadline(ANSWER)
    if deadline is not None and deadline.overdue_workdays(ctx.calendar, ctx.step.on) > 0:
        return None
    due = f" (due {deadline.due_on})" if deadline is not None and deadline.due_on else ""
    return Verdict(
        f"an appeal on an open case is against a failure to answer; the answer is not "
        f"overdue on {ctx.step.on}{due}"
    )


def reconsideration_before_suit(ctx: GuardContext) -> Verdict | None:
    if ctx.step.kind == "litigation_after_reconsideration" and (
        "reconsideration" not in ctx.case.appeals
    ):
        return Verdict(
            "a suit after reconsideration needs a reconsideration of this case: record it "
            "first (appeal --kind reconsideration), or file the suit as litigation_direct"
        )
    return None


GUARDS: dict[str, Guard] = {
    guard.__name__: guard
    for guard in (
        first_correction,
        correction_notice_in_time,
        reason_given,
        party_given,
        amount_given,
        not_extended,
        before_answer_due,
        extension_within_limit,
        approver_given,
        until_after_on,
        outcome_known,
        reasons_given_if_required,
        party_given_if_required,
        clock_lapsed,
        appeal_kind_known,
        appeal_result_known,
        no_appeal_pending,
        one_delayed_date,
        one_period_given,
        outcome_requirement_met,
        ground_given_if_required,
        objection_recorded,
        answer_overdue_if_open,
        reconsideration_before_suit,
    )
}

# The clocks each guard and condition reads by name; see ``step.ANSWER``.
CLOCKS_READ: dict[str, tuple[str, ...]] = {
    "first_correction": (CORRECTION,),
    "correction_notice_in_time": (CORRECTION_NOTICE,),
    "not_extended": (ANSWER,),
    "before_answer_due": (ANSWER,),
    "extension_within_limit": (ANSWER,),
    "one_delayed_date": (ANSWER,),
    "answer_overdue_if_open": (ANSWER,),
    "answer_extended": (ANSWER,),
    "reasons_asked": (REASONS,),
}
