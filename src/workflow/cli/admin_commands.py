"""``workflow init``, ``agency ...``, ``verify`` and ``definition ...``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from workflow.cases.agencies import AGENCY_FIELDS, add_agency, agency_rows, set_agency
from workflow.cases.verify import verify_cases
from workflow.cli.calendar_load_commands import echo_load
from workflow.cli.case_text import coded
from workflow.cli.context import DATE, AppContext, app
from workflow.cli.output import emit
from workflow.definition import load_definition
from workflow.definition.diagram import mermaid, outline
from workflow.definition.schema import Schema
from workflow.errors import InvalidInput, WorkflowError
from workflow.lifecycle import vocabulary
from workflow.lifecycle.effects import EFFECTS
from workflow.resources import notifications_dir


@click.command("init")
@click.option("--by", "by", help="Who runs it, for the record (default: WORKFLOW_USER or login).")
@click.pass_context
def init(ctx: click.Context, by: str | None) -> None:
    """Create or upgrade the schema and load this release's calendar years; safe to run again.

    A shipped year this release corrects is applied, its deadlines recomputed; a year the
    office loaded itself is kept, and a different one shipped is reported. The year files
    of --calendars DIR are loaded too."""
    context = app(ctx)
    before, after, loaded = context.initialise(context.settings.actor(by))
    if before == after:
        click.echo(f"schema is up to date (revision {after})")
    else:
        click.echo(f"schema upgraded from {before or 'empty'} to {after}")
    echo_load(loaded, unchanged=False)
    if loaded.report is not None and loaded.report.failures:
        raise click.exceptions.Exit(1)


def _agency_options(function: click.decorators.FC) -> click.decorators.FC:
    for field in reversed(AGENCY_FIELDS):
        if field == "name":
            continue
        option = "--" + field.replace("_", "-")
        function = click.option(option, field, help=f"Agency {field.replace('_', ' ')}.")(function)
    return function


@click.group("agency")
def agency_group() -> None:
    """Agencies, their letterhead data and hierarchy."""


@agency_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Full name, as in letter titles.")
@click.option("--parent", help="The parent agency's code (a government above its departments).")
@_agency_options
@click.pass_context
def agency_add(
    ctx: click.Context, /, code: str, name: str, parent: str | None, **fields: str | None
) -> None:
    """Add an agency."""
    from workflow.letters.record_data import letterhead_gaps  # the letters package loads Jinja2

    context = app(ctx)
    default = _checked_patterns(context, fields)
    with context.database.transaction() as session:
        agency = add_agency(session, code, name, parent, default_pattern=default, **fields)
        gaps = letterhead_gaps(agency)
    click.echo(f"added agency {code}")
    if gaps:
        click.echo(
            f"warning: {code} cannot issue reply letters until it names the body that hears a "
            f"reconsideration and the court: `workflow agency set {code} "
            + " ".join(f"{option} NAME" for option in gaps)
            + "`",
            err=True,
        )


@agency_group.command("set")
@click.argument("code")
@click.option("--name", help="Full name.")
@click.option("--parent", help="The parent agency's code.")
@_agency_options
@click.pass_context
def agency_set(ctx: click.Context, /, code: str, parent: str | None, **fields: str | None) -> None:
    """Change an agency's data."""
    context = app(ctx)
    default = _checked_patterns(context, fields)
    with context.database.transaction() as session:
        set_agency(session, code, parent, default_pattern=default, **fields)
    click.echo(f"updated agency {code}")


def _checked_patterns(context: AppContext, fields: dict[str, str | None]) -> str:
    """Refuse a letter-number pattern that cannot number letters, when it is set; the
    case-number pattern of agencies without their own (the current definition's)."""
    if fields.get("letter_number_pattern") is not None:
        from workflow.letters.numbering import check_pattern  # letters load on demand

        check_pattern(str(fields["letter_number_pattern"]))
    return context.registry.latest().settings.case_number_pattern


@agency_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def agency_list(ctx: click.Context, as_json: bool) -> None:
    """List agencies."""
    with app(ctx).database.reading() as session:
        rows = agency_rows(session)
    emit({"agencies": rows}, as_json, _agency_lines)


def _agency_lines(data: dict[str, Any]) -> Iterator[str]:
    for row in data["agencies"]:
        parent = f" (under {row['parent']})" if row["parent"] else ""
        yield f"{row['code']:<16} {row['name']}{parent}"


@click.command("verify")
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Replay every case's events; report any case whose stored rows differ."""
    context = app(ctx)
    differences = 0
    with context.database.reading() as session:
        for difference in verify_cases(session, context.registry, context.calendar):
            differences += 1
            click.echo(str(difference))
    if differences:
        raise click.ClickException(f"{differences} difference(s) between the store and the replay")
    click.echo("verify: every case matches its event log")


@click.command("doctor")
@click.option("--as-of", "as_of", type=DATE, help="Check as of this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def doctor(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Check the store, calendar, timers, outbox and agencies; say what needs doing.

    Exits 1 when something needs action."""
    from workflow.doctor import examine

    context = app(ctx)
    effective = context.effective_date(as_of)
    findings = examine(context, effective)
    data = {"as_of": effective.isoformat(), "findings": [f.to_json() for f in findings]}
    emit(data, as_json, _doctor_lines)
    if findings:
        sys.exit(1)


def _doctor_lines(data: dict[str, Any]) -> Iterator[str]:
    from workflow.doctor import AREAS

    if not data["findings"]:
        yield f"{data['as_of']}：一切正常 [ok]"
    for finding in data["findings"]:
        area = coded(AREAS[finding["area"]], finding["area"])
        yield f"{area}：{finding['problem']} [{finding['code']}]"
        yield f"  处理：{finding['action']}"


@click.command("export")
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (default standard output).",
)  # fmt: skip
@click.pass_context
def export(ctx: click.Context, output: Path | None) -> None:
    """The whole store as JSON Lines, for `workflow import store` into another store."""
    from workflow.store.transfer import export_lines

    database = app(ctx).database
    if output is None:
        for line in export_lines(database):
            click.echo(line)
        return
    partial = output.with_name(output.name + ".partial")  # never a half export under its name
    try:
        with partial.open("w", encoding="utf-8") as file:
            rows = sum(file.write(line + "\n") > 0 for line in export_lines(database)) - 1
        partial.replace(output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {output}: {error.strerror or error}") from None
    click.echo(f"exported {rows} rows to {output}", err=True)


@click.group("definition")
def definition_group() -> None:
    """Workflow definitions: validate, show, diagram."""


@definition_group.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def definition_validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Validate definition files (default: every definition in use)."""
    words = vocabulary([notifications_dir() / "letters"])
    paths = list(files) or sorted(app(ctx).settings.definitions_root.glob("*.yaml"))
    failed = 0
    for path in paths:
        try:
            definition = load_definition(path, words)
        except WorkflowError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        click.echo(
            f"{path}: ok ({definition.id} version {definition.version}: {len(definition.states)} "
            f"states, {len(definition.triggers)} triggers, {len(definition.outcomes)} outcomes)"
        )
    if failed:
        raise click.exceptions.Exit(2)


@definition_group.command("show")
@click.option("--id", "definition_id", default="disclosure", show_default=True)
@click.pass_context
def definition_show(ctx: click.Context, definition_id: str) -> None:
    """Outline the definition in use: states, triggers, clocks, outcomes."""
    click.echo(outline(app(ctx).registry.latest(definition_id)))


@definition_group.command("diagram")
@click.option("--id", "definition_id", default="disclosure", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["mermaid"]), default="mermaid", show_default=True
)
@click.pass_context
def definition_diagram(ctx: click.Context, definition_id: str, fmt: str) -> None:
    """The lifecycle as a Mermaid state diagram, for legal review."""
    click.echo(mermaid(app(ctx).registry.latest(definition_id)))


@definition_group.command("schema")
def definition_schema() -> None:
    """Print the JSON Schema of definition files (as in definitions/schema.json)."""
    click.echo(Schema(EFFECTS).text(), nl=False)
