"""The ``workflow`` command. Every error becomes one line on stderr and an exit code that says
who can act on it (``WorkflowError.exit_code``, the table in the README); never a traceback.

A command's module is imported only when the command runs: ``workflow --help`` and a
``case show`` do not pay for the report, letter and scheduler libraries they do not use.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from workflow.cli.context import AppContext
from workflow.errors import InvalidInput, WorkflowError

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
    "doctor": (
        "admin_commands",
        "doctor",
        "Check the store, calendar, timers, outbox and agencies; say what needs doing.",
    ),
    "export": (
        "admin_commands",
        "export",
        "The whole store as JSON Lines, for `workflow import store` into another store.",
    ),
    "import": (
        "import_commands",
        "import_group",
        "Import past cases and appeals, or a whole store's export.",
    ),
    "init": (
        "admin_commands",
        "init",
        "Create or upgrade the schema and load this release's calendar years; safe to run again.",
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
    help="Directory of calendar year files for `init` and `calendar load` to load into the "
    "store (env WORKFLOW_CALENDARS).",
)
@click.pass_context
def cli(
    ctx: click.Context, db_url: str | None, definitions_dir: Path | None, calendars_dir: Path | None
) -> None:
    """Disclosure-on-request applications: calendar, cases, deadlines, letters, reports."""
    ctx.obj = AppContext.from_options(db_url, definitions_dir, calendars_dir)
    ctx.call_on_close(ctx.obj.close)


INTERNAL_ERROR = 70  # a bug: sysexits' EX_SOFTWARE
INTERRUPTED = 130
DEBUG_ENV = "WORKFLOW_DEBUG"  # set to 1 to see the traceback of an internal error


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    try:
        _check_text(args)
        code = cli.main(args=args, prog_name="workflow", standalone_mode=False)
        if isinstance(code, int) and code:  # click returns (not raises) Exit codes here
            sys.exit(code)
    except WorkflowError as exc:
        _fail(str(exc), exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 1, prefix="")
    except click.UsageError as exc:
        # One line, like every other error; `--help` shows the usage.
        command = exc.ctx.command_path if exc.ctx is not None else "workflow"
        _fail(f"{exc.format_message()} (see `{command} --help`)", exc.exit_code)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", INTERRUPTED, prefix="")
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:  # the machine refused: a full disk, a file that vanished
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}", 1)
    except Exception as exc:
        store = _store_error(exc)  # outside a unit of work: a migration, a first connection
        if store is not None:
            _fail(str(store), store.exit_code)
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        _fail(  # a bug; its one line says how to see more
            f"internal error ({type(exc).__name__}: {_one_line(str(exc))}); "
            f"run again with {DEBUG_ENV}=1 for the traceback and report it",
            INTERNAL_ERROR,
        )


def _store_error(exc: Exception) -> WorkflowError | None:
    """The tree's class for a database error; None for anything else. A process that never
    imported SQLAlchemy cannot have met one, and does not import it to find out."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    from workflow.store.database import store_error

    return store_error(exc) if isinstance(exc, DBAPIError) else None


def _fail(message: str, code: int, *, prefix: str = "error: ") -> None:
    click.echo(prefix + message, err=True)
    sys.exit(code)


def _check_text(args: list[str]) -> None:
    """Refuse an argument that is not UTF-8: Python hands its bytes over as surrogates,
    which would fail later, wherever the argument is first printed or stored."""
    for position, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise InvalidInput(f"argument {position} ({shown}) is not UTF-8 text") from None


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""
