"""The ``workflow`` command. Every ``WorkflowError``, and every database error a command cannot
get past, becomes one line and exit code 2."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError

from workflow.cli.admin_commands import agency_group, definition_group, init, verify
from workflow.cli.calendar_commands import calendar_group
from workflow.cli.case_commands import case_group
from workflow.cli.context import AppContext
from workflow.cli.import_commands import import_group
from workflow.cli.letter_commands import letter_group
from workflow.cli.report_commands import report_group
from workflow.cli.scheduler_commands import outbox_group, scheduler_group, sweep
from workflow.cli.serve_commands import serve
from workflow.cli.user_commands import token_group, user_group
from workflow.errors import WorkflowError
from workflow.store.database import store_problem


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Store URL (default sqlite:///workflow.db; env WORKFLOW_DB).",
)
@click.option(
    "--definitions",
    "definitions_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of workflow definitions (env WORKFLOW_DEFINITIONS).",
)
@click.option(
    "--calendars",
    "calendars_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of calendar year files extending the shipped ones (env WORKFLOW_CALENDARS).",
)
@click.pass_context
def cli(
    ctx: click.Context, db_url: str | None, definitions_dir: Path | None, calendars_dir: Path | None
) -> None:
    """Disclosure-on-request applications: calendar, cases, deadlines, letters, reports."""
    ctx.obj = AppContext.from_options(db_url, definitions_dir, calendars_dir)
    ctx.call_on_close(ctx.obj.close)


for command in (
    init,
    agency_group,
    case_group,
    calendar_group,
    definition_group,
    verify,
    sweep,
    scheduler_group,
    outbox_group,
    report_group,
    import_group,
    letter_group,
    serve,
    user_group,
    token_group,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="workflow", standalone_mode=False)
        if isinstance(code, int) and code:  # click returns (not raises) Exit codes here
            sys.exit(code)
    except WorkflowError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except DBAPIError as exc:  # no schema yet, a server that is down: one line, not a traceback
        click.echo(f"error: {store_problem(exc)}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        # One line, like every other error; `--help` shows the usage.
        command = exc.ctx.command_path if exc.ctx is not None else "workflow"
        click.echo(f"error: {exc.format_message()} (see `{command} --help`)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
