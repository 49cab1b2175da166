"""Named routing conditions a definition's transitions may be chosen by (``when:``).

A condition only chooses between transitions; it never refuses a step (that is a
guard's, ``guards.py``). An outcome's ``requires`` names one too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workflow.lifecycle.facts import FACTS_KEY
from workflow.lifecycle.step import ANSWER, REASONS

if TYPE_CHECKING:
    from workflow.lifecycle.guards import GuardContext

Condition = Callable[["GuardContext"], bool]


def standing_objection(ctx: GuardContext) -> int | None:
    """The index in the history of a third party's objection not yet answered in writing."""
    standing: int | None = None
    for index, past in enumerate(ctx.case.history):
        if past.payload.get("objection"):
            standing = index
        elif past.trigger == "notify_third_party":
            standing = None
    return standing


def objection_answered(ctx: GuardContext) -> bool:
    """No third party's objection stands unanswered: none was made, or the third party was
    told in writing of the decision to disclose (Art. 32)."""
    return standing_objection(ctx) is None


def reasons_asked(ctx: GuardContext) -> bool:
    """The applicant was asked to state reasons (Art. 35): the reasons clock was started."""
    return REASONS in ctx.case.ledgers


def correction_received(ctx: GuardContext) -> bool:
    """A correction notice went out and the corrected application came in (Art. 30), as
    the steps so far stored it."""
    stated = [past.payload.get(FACTS_KEY) or {} for past in ctx.case.history]
    return any(facts.get("correction_requested") for facts in stated) and any(
        facts.get("corrected_application") for facts in stated
    )


def answer_extended(ctx: GuardContext) -> bool:
    deadline = ctx.deadline(ANSWER)
    return deadline is not None and deadline.extended_by > 0


def other_appeals_pending(ctx: GuardContext) -> bool:
    return len(ctx.case.pending_appeals) > 1


def appeal_pending(ctx: GuardContext) -> bool:
    """An appeal against the failure to answer is still pending when the answer is made."""
    return bool(ctx.case.pending_appeals)


CONDITIONS: dict[str, Condition] = {
    condition.__name__: condition
    for condition in (
        answer_extended,
        other_appeals_pending,
        appeal_pending,
        reasons_asked,
        correction_received,
        objection_answered,
    )
}
