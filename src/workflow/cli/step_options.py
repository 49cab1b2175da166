"""The options of a step (``case fire``, ``letter preview``): one list, one way to read them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from workflow.cli.context import AMOUNT, DATE, AppContext
from workflow.lifecycle import StepInput

_F = TypeVar("_F", bound=Callable[..., Any])

_COMMON = [
    click.option("--on", "on", type=DATE, help="The legal date of the step (default: today)."),
    click.option("--outcome", help="Outcome code (decide)."),
    click.option("--reason", help="Legal reasons (refusals), items to correct, Art. 35 reasons."),
    click.option("--days", type=int, help="Working days (correction period, extension)."),
    click.option("--until", type=DATE, help="An explicit date (correction period, Art. 35)."),
    click.option("--amount", type=AMOUNT, help="Fee in yuan (issue_fee_notice)."),
    click.option("--party", help="Third party, consulted agency or responsible agency."),
    click.option("--contact", help="That party's contact."),
    click.option("--approver", help="Who approved an extension (head of the disclosure office)."),
    click.option("--access", help="How, where and when the applicant gets the information."),
    click.option("--objection", help="A third party's objection and its grounds (its reply)."),
    click.option("--ground", help="The withheld part's ground, a withheld.* code (partial)."),
    click.option(
        "--responsible-unknown",
        is_flag=True,
        default=None,
        help="The responsible agency cannot be determined (unavailable.other_agency).",
    ),
    click.option("--by", "by", default="system", show_default=True, help="Who fires it."),
    click.option("--note", help="A note kept with the event."),
]
_APPEALS = [
    click.option("--kind", help="Appeal kind (appeal)."),
    click.option("--result", help="Appeal result (resolve_appeal)."),
]


def step_options(*, appeals: bool = True) -> Callable[[_F], _F]:
    """Add the step's options to a command (the appeal ones unless ``appeals=False``)."""

    def decorate(function: _F) -> _F:
        for option in reversed(_COMMON + (_APPEALS if appeals else [])):
            function = option(function)
        return function

    return decorate


STEP_FIELDS = (
    "on", "outcome", "reason", "days", "until", "amount", "party", "contact", "approver",
    "access", "objection", "ground", "responsible_unknown", "by", "note", "kind", "result",
)  # fmt: skip


def step_input(context: AppContext, values: dict[str, Any]) -> StepInput:
    """The StepInput the options describe; ``values`` loses them, keeping the command's own."""
    given = {name: values.pop(name) for name in STEP_FIELDS if name in values}
    on = context.effective_date(given.pop("on"))
    return StepInput(on=on, **given)
