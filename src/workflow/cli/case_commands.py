"""``workflow case ...``: register applications, fire their triggers, look at them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from workflow.cases.service import NewCase
from workflow.cases.views import CaseFilter, list_cases, show_case
from workflow.cli.choices import CodeParam
from workflow.cli.context import DATE, app
from workflow.cli.step_options import step_input, step_options
from workflow.codes import ApplicantType, Channel


@click.group("case")
def case_group() -> None:
    """Applications: open, fire triggers, show, list."""


@case_group.command("open")
@click.option("--agency", required=True, help="The receiving agency's code.")
@click.option("--applicant", required=True, help="The applicant's name.")
@click.option(
    "--applicant-type",
    required=True,
    type=CodeParam("applicant type", ApplicantType),
    help="Table 三 column.",
)
@click.option(
    "--channel", required=True, type=CodeParam("channel", Channel), help="How it came in (Art. 31)."
)
@click.option("--received", "received_on", required=True, type=DATE, help="Receipt date (Art. 31).")
@click.option("--request", "request_text", required=True, help="What information is requested.")
@click.option("--contact", help="The applicant's address, phone or e-mail.")
@click.option("--handler", help="The officer handling the case (default: --by).")
@click.option("--by", "actor", default="system", show_default=True, help="Who registers it.")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@click.pass_context
def open_case(
    ctx: click.Context,
    agency: str,
    applicant: str,
    applicant_type: str,
    channel: str,
    received_on: date,
    request_text: str,
    contact: str | None,
    handler: str | None,
    actor: str,
    as_json: bool,
) -> None:
    """Register an application; prints its case number."""
    context = app(ctx)
    case = context.cases.open(
        NewCase(
            agency=agency,
            applicant=applicant,
            applicant_type=applicant_type,
            channel=channel,
            received_on=received_on,
            request=request_text,
            contact=contact,
            handler=handler,
            by=actor,
        )
    )
    if as_json:
        _show(ctx, case.number, received_on)
    else:
        click.echo(case.number)


@case_group.command("fire")
@click.argument("number")
@click.argument("trigger")
@step_options()
@click.option("--expect-version", type=int, help="Refuse if the case changed since this version.")
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
    """Fire TRIGGER on case NUMBER (e.g. extend, decide, request_correction)."""
    context = app(ctx)
    step = step_input(context, options)
    fired = context.cases.fire(number, trigger, step, expected_version=expect_version)
    if as_json:
        _echo_json(
            {
                "number": fired.number,
                "trigger": fired.trigger,
                "from_state": fired.source,
                "to_state": fired.dest,
                "outcome": fired.outcome,
                "event": fired.event_seq,
                "version": fired.version,
                "warnings": list(fired.warnings),
            }
        )
        return
    outcome_text = f" ({fired.outcome})" if fired.outcome else ""
    click.echo(f"{fired.number}: {fired.trigger}: {fired.source} -> {fired.dest}{outcome_text}")
    for warning in fired.warnings:
        click.echo(f"warning: {warning}")


@case_group.command("show")
@click.argument("number")
@click.option(
    "--as-of", "as_of", type=DATE, help="Count deadlines as of this date (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, number: str, as_of: date | None, as_json: bool) -> None:
    """A case: state, deadlines with explanations, history."""
    effective = app(ctx).effective_date(as_of)
    if as_json:
        _show(ctx, number, effective)
        return
    context = app(ctx)
    with context.database.reading() as session:
        data = show_case(session, context.registry, context.calendar, number, effective)
    state = "open" if data["open"] else f"closed: {data['outcome']}"
    click.echo(
        f"{data['number']}  {data['agency_name']}  {data['state_label']} ({data['state']}, {state})"
    )
    click.echo(
        f"  applicant: {data['applicant']['name']} ({data['applicant']['type']}), "
        f"received {data['received_on']} via {data['channel']}"
    )
    click.echo(f"  request: {data['request']}")
    for name, deadline in data["deadlines"].items():
        status = deadline["status"]
        if deadline["running"] and deadline["overdue_workdays"]:
            status = f"OVERDUE by {deadline['overdue_workdays']} WD"
        elif deadline["running"]:
            status = f"{deadline['remaining_workdays']} WD left"
        due = deadline["due_on"] or _unknown_due(deadline["awaiting_calendar_year"])
        click.echo(f"  {name} ({deadline['label']}): due {due}, {status}")
        for line in deadline["explanation"]:
            click.echo(f"      {line}")
    click.echo("  history:")
    for event in data["events"]:
        click.echo(
            f"    {event['seq']:>2}. {event['occurred_on']} {event['trigger']}: "
            f"{event['from_state'] or '-'} -> {event['to_state']} by {event['actor']}"
        )
    for appeal in data["appeals"]:
        click.echo(
            f"  appeal: {appeal['kind']} filed {appeal['filed_on']}, "
            f"{appeal['result'] or 'pending'}"
        )
    click.echo(f"  allowed: {', '.join(data['allowed_triggers']) or 'none'}")


@case_group.command("list")
@click.option("--agency", help="Only this agency's cases.")
@click.option("--state", help="Only cases in this state.")
@click.option("--open", "open_only", is_flag=True, help="Only open cases.")
@click.option("--due-within", type=int, metavar="N", help="A running clock due within N WD.")
@click.option("--overdue", is_flag=True, help="A running clock past its due date.")
@click.option(
    "--awaiting-calendar",
    is_flag=True,
    help="A clock whose due date waits for a calendar year not loaded yet.",
)
@click.option(
    "--as-of", "as_of", type=DATE, help="Count deadlines as of this date (default today)."
)
@click.option("--limit", type=int, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_command(
    ctx: click.Context,
    agency: str | None,
    state: str | None,
    open_only: bool,
    due_within: int | None,
    overdue: bool,
    awaiting_calendar: bool,
    as_of: date | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Cases, each with its nearest running deadline.

    A due date that waits for a calendar year not loaded yet shows as unknown; when
    --due-within N runs past the loaded calendar such cases are listed, as they may be
    due within it.
    """
    context = app(ctx)
    effective = context.effective_date(as_of)
    criteria = CaseFilter(
        agency, state, open_only, due_within, overdue, awaiting_calendar, limit=limit
    )
    with context.database.reading() as session:
        rows = list_cases(session, context.registry, context.calendar, criteria, effective)
    if as_json:
        _echo_json({"as_of": effective.isoformat(), "cases": rows})
        return
    for row in rows:
        due = row["next_due"]
        if due is None:
            urgency = row["outcome"] or "-"
        elif due["due_on"] is None:
            urgency = (
                f"{due['clock']} due {_unknown_due(due['awaiting_calendar_year'])} "
                f"({due['remaining_workdays']} WD left)"
            )
        elif due["overdue_workdays"]:
            urgency = f"{due['clock']} OVERDUE {due['overdue_workdays']} WD (due {due['due_on']})"
        else:
            urgency = f"{due['clock']} due {due['due_on']} ({due['remaining_workdays']} WD left)"
        click.echo(f"{row['number']:<22} {row['received_on']} {row['state']:<26} {urgency}")
    click.echo(f"{len(rows)} case(s) as of {effective}")


def _unknown_due(year: int | None) -> str:
    return f"unknown (awaits the {year} calendar)"


def _show(ctx: click.Context, number: str, as_of: date) -> None:
    context = app(ctx)
    with context.database.reading() as session:
        _echo_json(show_case(session, context.registry, context.calendar, number, as_of))


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
