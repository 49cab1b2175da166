"""The ``workflow`` command. Every ``WorkflowError``, and every database error a command cannot
get past, becomes one line and exit code 2.

A command's module is imported only when the command runs: ``workflow --help`` and a
``case show`` do not pay for the report, letter and scheduler libraries they do not use.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from workflow.cli.context import AppContext
from workflow.errors import WorkflowError

# name: (module under workflow.cli, attribute, the short help ``workflow --help`` shows)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "agency": ("admin_commands", "agency_group", "Agencies, their letterhead data and hierarchy."),
    "calendar": (
        "calendar_commands",
        "calendar_group",
        "Official working days (weekends, holidays, make-up working days).",
    ),
    "case": ("case_commands", "case_group", "Applications: open, fire triggers, show, list."),
    "definition": (
        "admin_commands",
        "definition_group",
        "Workflow definitions: validate, show, diagram.",
    ),
    "import": (
        "import_commands",
        "import_group",
        "Import past cases and appeals, so reports cover the years before the engine.",
    ),
    "init": (
        "admin_commands",
        "init",
        "Create the store's schema, or upgrade it; safe to run again.",
    ),
    "letter": (
        "letter_commands",
        "letter_group",
        "Letters: list a case's letters, render them as archived, preview, re-issue.",
    ),
    "outbox": (
        "scheduler_commands",
        "outbox_group",
        "Messages waiting to leave, and their delivery.",
    ),
    "report": (
        "report_commands",
        "report_group",
        "Annual reports (2021 Format): tables 三 and 四, checks, the full draft.",
    ),
    "serve": (
        "serve_commands",
        "serve",
        "Serve the REST API (/api/v1, docs at /api/docs) and /health.",
    ),
    "scheduler": (
        "scheduler_commands",
        "scheduler_group",
        "The scheduler: run it, see its sweeps, queue a digest.",
    ),
    "sweep": (
        "scheduler_commands",
        "sweep",
        "Fire every due reminder and automatic lapse once; exit 1 if a case failed.",
    ),
    "token": (
        "user_commands",
        "token_group",
        "API tokens for portals and scripts: create, list, revoke.",
    ),
    "user": (
        "user_commands",
        "user_group",
        "Staff accounts of the service: add, list, disable, reset a password.",
    ),
    "verify": (
        "admin_commands",
        "verify",
        "Replay every case's events; report any case whose stored rows differ.",
    ),
}


class LazyGroup(click.Group):
    """The top-level group: commands listed from ``COMMANDS``, imported when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attribute, _ = entry
        command = getattr(importlib.import_module(f"workflow.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="workflow", standalone_mode=False)
        if isinstance(code, int) and code:  # click returns (not raises) Exit codes here
            sys.exit(code)
    except WorkflowError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
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
    except Exception as exc:
        problem = _store_problem(exc)
        if problem is None:
            raise
        click.echo(f"error: {problem}", err=True)  # no schema yet, a server that is down
        sys.exit(2)


def _store_problem(exc: Exception) -> str | None:
    """The one line for a database error; None for anything else. A process that never
    imported SQLAlchemy cannot have met one, and does not import it to find out."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    from workflow.store.database import store_problem

    return store_problem(exc) if isinstance(exc, DBAPIError) else None
