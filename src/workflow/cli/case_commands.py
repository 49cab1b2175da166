"""``workflow case ...``: register applications, fire their triggers, look at them.

What only registering or listing uses is imported by that command: ``case show`` is the
command an officer runs most, and it loads the read path only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from workflow.cases.receipt import confirmation_warning
from workflow.cases.step_view import step_view
from workflow.cases.views import show_case
from workflow.cli.case_text import case_lines, list_lines, step_lines
from workflow.cli.choices import CodeParam, CodesCommand
from workflow.cli.context import COUNT, DATE, POSITIVE, app
from workflow.cli.output import emit
from workflow.cli.step_options import BY_HELP, OUTCOMES, STATES, TRIGGERS, step_input, step_options
from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel


@click.group("case")
def case_group() -> None:
    """Applications: open, fire triggers, show, list."""


@case_group.command(
    "open",
    cls=CodesCommand,
    codes=(("Applicant types (申请人类型)", ApplicantType), ("Channels (提交方式)", Channel)),
)
@click.option("--agency", required=True, help="The receiving agency's code.")
@click.option("--applicant", required=True, help="The applicant's name.")
@click.option(
    "--applicant-type",
    required=True,
    type=CodeParam("applicant type", ApplicantType),
    help="Table 三 column, code or label (below).",
)
@click.option(
    "--channel",
    required=True,
    type=CodeParam("channel", Channel),
    help="How it came in (Art. 31), code or label (below).",
)
@click.option("--received", "received_on", required=True, type=DATE, help="Receipt date (Art. 31).")
@click.option(
    "--arrived",
    "arrived_on",
    type=DATE,
    help="Ordinary post, internet channels: the day it arrived (--received: confirmed).",
)
@click.option("--request", "request_text", required=True, help="What information is requested.")
@click.option("--contact", help="The applicant's address, phone or e-mail.")
@click.option("--handler", help="The officer handling the case (default: --by).")
@click.option("--by", "actor", help=BY_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@click.pass_context
def open_case(
    ctx: click.Context,
    agency: str,
    applicant: str,
    applicant_type: str,
    channel: str,
    received_on: date,
    arrived_on: date | None,
    request_text: str,
    contact: str | None,
    handler: str | None,
    actor: str | None,
    as_json: bool,
) -> None:
    """Register an application; prints its case number."""
    from workflow.cases.service import NewCase

    context = app(ctx)
    by = context.settings.actor(actor)
    case = context.cases.open(
        NewCase(
            agency=agency,
            applicant=applicant,
            applicant_type=applicant_type,
            channel=channel,
            received_on=received_on,
            arrived_on=arrived_on,
            request=request_text,
            contact=contact,
            handler=handler or by,
            by=by,
        )
    )
    if as_json:
        with context.reading_rows() as rows:
            view = show_case(rows, context.registry, context.calendar, case.number, received_on)
        emit(view, True, case_lines)
        return
    click.echo(case.number)
    warning = confirmation_warning(context.calendar, arrived_on, received_on)
    if warning is not None:
        click.echo(f"warning: {warning}")


@case_group.command(
    "fire",
    cls=CodesCommand,
    codes=(
        ("Triggers (操作)", TRIGGERS),
        ("Outcomes (答复结果, --outcome)", OUTCOMES),
        ("Appeal kinds (--kind)", AppealKind),
        ("Appeal results (--result)", AppealResult),
    ),
)
@click.argument("number")
@click.argument("trigger", type=CodeParam("trigger", TRIGGERS))
@step_options()
@click.option(
    "--expect-version", type=POSITIVE, help="Refuse if the case changed since this version."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def fire(
    ctx: click.Context,
    /,
    number: str,
    trigger: str,
    expect_version: int | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Fire TRIGGER (code or label) on case NUMBER; prints the letters it issued."""
    context = app(ctx)
    step = step_input(context, options)
    fired = context.cases.fire(number, trigger, step, expected_version=expect_version)
    with context.database.reading() as session:
        emit(step_view(session, context.registry, fired), as_json, step_lines)


@case_group.command("show")
@click.argument("number")
@click.option(
    "--as-of", "as_of", type=DATE, help="Count deadlines as of this date (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, number: str, as_of: date | None, as_json: bool) -> None:
    """A case: state, handler, deadlines with explanations, history."""
    context = app(ctx)
    effective = context.effective_date(as_of)
    with context.reading_rows() as rows:
        view = show_case(rows, context.registry, context.calendar, number, effective)
    emit(view, as_json, case_lines)


@case_group.command("list")
@click.option("--agency", help="Only this agency's cases.")
@click.option("--state", type=CodeParam("state", STATES), help="Only this state, code or label.")
@click.option("--handler", help="Only the cases of this handler.")
@click.option("--open", "open_only", is_flag=True, help="Only open cases.")
@click.option("--due-within", type=COUNT, metavar="N", help="A running clock due within N WD.")
@click.option("--overdue", is_flag=True, help="A running clock past its due date.")
@click.option(
    "--awaiting-calendar",
    is_flag=True,
    help="A clock whose due date waits for a calendar year not loaded yet.",
)
@click.option(
    "--as-of", "as_of", type=DATE, help="Count deadlines as of this date (default today)."
)
@click.option("--limit", type=POSITIVE, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_command(
    ctx: click.Context,
    agency: str | None,
    state: str | None,
    handler: str | None,
    open_only: bool,
    due_within: int | None,
    overdue: bool,
    awaiting_calendar: bool,
    as_of: date | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Cases with applicant, handler and the nearest running deadline.

    A due date that waits for a calendar year not loaded yet shows as unknown; when
    --due-within N runs past the loaded calendar such cases are listed, as they may be
    due within it. An agency, state or handler that names nothing is refused.
    """
    from workflow.cases.case_list import CaseFilter, list_cases

    context = app(ctx)
    effective = context.effective_date(as_of)
    criteria = CaseFilter(
        agency=agency,
        state=state,
        handler=handler,
        open_only=open_only,
        due_within=due_within,
        overdue=overdue,
        awaiting_calendar=awaiting_calendar,
        limit=limit,
    )
    with context.database.reading() as session:
        listed = list_cases(session, context.registry, context.calendar, criteria, effective)
    emit(listed, as_json, list_lines)
