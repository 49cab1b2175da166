"""The options of a step (``case fire``, ``letter preview``): one list, one way to read them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from workflow.cli.choices import CodeParam, Labels
from workflow.cli.context import AMOUNT, DATE, WORKING_DAYS, AppContext, app
from workflow.codes import AppealKind, AppealResult
from workflow.lifecycle import StepInput

_F = TypeVar("_F", bound=Callable[..., Any])


def definition_labels(part: str) -> Labels:
    """The codes of one part of the definitions (``triggers``, ``outcomes``, ``states``)
    with their labels; the latest version's label wins."""

    def read(ctx: click.Context) -> dict[str, str]:
        labels: dict[str, str] = {}
        for definition in sorted(app(ctx).registry.definitions(), key=lambda d: d.version):
            labels.update({code: spec.label for code, spec in getattr(definition, part).items()})
        return labels

    return read


TRIGGERS = definition_labels("triggers")
OUTCOMES = definition_labels("outcomes")
STATES = definition_labels("states")
BY_HELP = "Who acts (default: WORKFLOW_USER, else the system user)."

_COMMON = [
    click.option("--on", "on", type=DATE, help="The legal date of the step (default: today)."),
    click.option(
        "--outcome", type=CodeParam("outcome", OUTCOMES), help="Outcome, code or label (decide)."
    ),
    click.option("--reason", help="Legal reasons (refusals), items to correct, Art. 35 reasons."),
    click.option("--days", type=WORKING_DAYS, help="Working days (correction period, extension)."),
    click.option("--until", type=DATE, help="An explicit date (correction period, Art. 35)."),
    click.option("--amount", type=AMOUNT, help="Fee in yuan (issue_fee_notice)."),
    click.option("--party", help="Third party, consulted agency or responsible agency."),
    click.option("--contact", help="That party's contact."),
    click.option("--approver", help="Who approved an extension (head of the disclosure office)."),
    click.option("--access", help="How, where and when the applicant gets the information."),
    click.option("--objection", help="A third party's objection and its grounds (its reply)."),
    click.option(
        "--ground",
        type=CodeParam("ground", OUTCOMES),
        help="The withheld part's ground, a withheld.* code or label (partial).",
    ),
    click.option(
        "--responsible-unknown",
        is_flag=True,
        default=None,
        help="The responsible agency cannot be determined (unavailable.other_agency).",
    ),
    click.option("--by", "by", help=BY_HELP),
    click.option("--note", help="A note kept with the event."),
]
_APPEALS = [
    click.option("--kind", type=CodeParam("appeal kind", AppealKind), help="Appeal kind (appeal)."),
    click.option(
        "--result",
        type=CodeParam("appeal result", AppealResult),
        help="Appeal result (resolve_appeal).",
    ),
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
    by = context.settings.actor(given.pop("by", None))
    return StepInput(on=on, by=by, **given)
