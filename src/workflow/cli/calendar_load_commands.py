"""``workflow calendar import-notice | load | history``: years into the store, and their audit.

The store's years are what every command, the scheduler and the web service count
with; these commands write them (then recompute the deadlines they change) and show
what was loaded, replaced or kept, and the due dates each load moved.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from workflow import bounded_yaml
from workflow.cases.calendar_changes import history_rows
from workflow.cases.calendar_loading import (
    CORRECTED,
    KEPT,
    LOADED,
    REPLACED,
    CalendarLoad,
    explicit,
    notice_version,
)
from workflow.cases.calendar_years import YearVersion, year_file
from workflow.cli.context import AppContext, app
from workflow.deadlines import YearSchedule
from workflow.deadlines.calendar_files import dump_year, parse_year, year_files
from workflow.errors import InvalidInput
from workflow.input_files import UnreadableFile, read_text

by_option = click.option(
    "--by", "by", help="Who loads it, for the record (default: WORKFLOW_USER or your login)."
)
force_option = click.option(
    "--force", is_flag=True, help="Replace a different version of a year the store already has."
)
no_recompute_option = click.option(
    "--no-recompute", is_flag=True, help="Do not recompute the store's deadlines afterwards."
)


@click.command("import-notice")
@click.argument("notice", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--extension",
    "extensions",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A later notice that lengthens a holiday of the same year (e.g. 2020's Spring Festival).",
)
@force_option
@no_recompute_option
@by_option
@click.pass_context
def import_notice(
    ctx: click.Context,
    notice: Path,
    extensions: tuple[Path, ...],
    force: bool,
    no_recompute: bool,
    by: str | None,
) -> None:
    """Read a State Council holiday notice (its published text) into the store's calendar.

    Every command, the scheduler and the web service on this store count with it from
    then on; the store's deadlines are recomputed with it (as `workflow calendar
    recompute` does). A sentence that cannot be read exactly is refused, quoted; nothing
    is guessed. With no store here, the year file is written into --calendars DIR.
    """
    context = app(ctx)
    texts = [_read_text(notice), *(_read_text(extension) for extension in extensions)]
    names = " + ".join(path.name for path in (notice, *extensions))
    version, warnings = notice_version(texts, names)
    for warning in warnings:
        click.echo(f"note: {warning}")
    if not context.has_store:
        _write_year_file(context, version.schedule, force)
        if not no_recompute:
            click.echo("no case store here (workflow init): no deadlines to recompute")
        return
    _load(context, [version], force, no_recompute, by)


@click.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--shipped",
    "shipped",
    multiple=True,
    type=int,
    metavar="YEAR",
    help="Load the year this release ships (instead of a year of your own).",
)
@force_option
@no_recompute_option
@by_option
@click.pass_context
def load(
    ctx: click.Context,
    files: tuple[Path, ...],
    shipped: tuple[int, ...],
    force: bool,
    no_recompute: bool,
    by: str | None,
) -> None:
    """Load year files (YYYY.yaml) into the store's calendar, then recompute.

    Without FILES, the year files of --calendars DIR (WORKFLOW_CALENDARS). Nothing is
    loaded unless every file is valid; a different version of a year the store already
    has is replaced only with --force.
    """
    context = app(ctx)
    if not context.has_store:
        raise InvalidInput("no case store here: run `workflow init` first")
    versions = [year_file(path) for path in files]
    if shipped:
        release = {version.year: version for version in context.shipped_years()}
        unknown = [year for year in shipped if year not in release]
        if unknown:
            raise InvalidInput(
                f"this release ships no {', '.join(map(str, unknown))}; it ships "
                + ", ".join(map(str, sorted(release)))
            )
        versions += [release[year] for year in shipped]
    if not versions:
        directories = context.settings.own_calendar_dirs()
        if not directories:
            raise InvalidInput("name the year files to load, or --calendars DIR")
        versions = [year_file(path) for directory in directories for path in year_files(directory)]
        if not versions:
            raise InvalidInput(f"no year file (YYYY.yaml) in {', '.join(map(str, directories))}")
    years = [version.year for version in versions]
    twice = sorted({year for year in years if years.count(year) > 1})
    if twice:
        raise InvalidInput(f"{', '.join(map(str, twice))} given more than once")
    _load(context, versions, force, no_recompute, by)


@click.command("history")
@click.argument("year", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def history(ctx: click.Context, year: int | None, as_json: bool) -> None:
    """What was done to the store's calendar years, by whom, and the due dates it moved."""
    context = app(ctx)
    if not context.has_store:
        raise InvalidInput("no case store here: the shipped years are used as they are")
    with context.database.reading() as session:
        rows = history_rows(session, year)
    if as_json:
        click.echo(json.dumps({"changes": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        was = f" (was {row['previous_hash'][:12]})" if row["previous_hash"] else ""
        click.echo(
            f"{row['at'][:16]}  {row['year']} {row['action']}: {row['origin']} {row['source']} "
            f"{row['content_hash'][:12]}{was}, by {row['by']}"
        )
        if row["note"]:
            click.echo(f"    {row['note']}")
        for moved in row["deadlines"]:
            after = moved["after"] or f"unknown (awaits {moved['awaiting_calendar_year']})"
            click.echo(f"    {moved['case']} {moved['clock']}: {moved['before']} -> {after}")
    click.echo(f"{len(rows)} change(s)")


def _load(
    context: AppContext,
    versions: list[YearVersion],
    force: bool,
    no_recompute: bool,
    by: str | None,
) -> None:
    done = context.load_calendar_years(
        explicit(versions, replace=force),
        context.settings.actor(by),
        recompute_after=not no_recompute,
    )
    echo_load(done)
    if no_recompute and any(outcome.written for outcome in done.outcomes):
        click.echo("deadlines not recomputed: run `workflow calendar recompute`")
    if done.report is not None and done.report.failures:
        raise click.exceptions.Exit(1)  # the year is loaded; the cases listed need a look


def echo_load(done: CalendarLoad, *, unchanged: bool = True) -> None:
    """A line per year loaded, replaced or kept (and, if ``unchanged``, per year already in
    the store as offered), then the recompute."""
    for outcome in done.outcomes:
        version, previous = outcome.version, outcome.previous
        schedule = version.schedule
        counts = (
            f"{len(schedule.off_days)} days off, {len(schedule.makeup_days)} make-up working "
            f"days, {schedule.working_day_count()} working days"
        )
        if outcome.action == LOADED:
            click.echo(f"calendar {version.year}: loaded {_offered(version)}: {counts}")
        elif outcome.action in (REPLACED, CORRECTED) and previous is not None:
            how = "corrected by this release" if outcome.action == CORRECTED else "replaced"
            click.echo(
                f"calendar {version.year}: {how}: {previous.describe()} -> "
                f"{_offered(version)}: {counts}"
            )
        elif outcome.action == KEPT:
            click.echo(f"note: calendar {version.year}: {outcome.note}")
        elif unchanged:
            click.echo(f"calendar {version.year}: already in the store as {_offered(version)}")
    if done.report is not None and (done.report.cases_checked or done.report.failures):
        from workflow.cli.calendar_commands import report_recompute  # the group's module

        report_recompute(done.report, as_json=False)  # (a new store has no case to recompute)


def _offered(version: YearVersion) -> str:
    return f"{version.origin_label} {version.source_name} (hash {version.content_hash[:12]})"


def _write_year_file(context: AppContext, schedule: YearSchedule, force: bool) -> None:
    """No store: the year file goes into --calendars DIR, which commands here count with
    and ``workflow init`` loads."""
    target_dir = context.settings.calendars_dir
    if target_dir is None:
        raise InvalidInput(
            "no case store here (workflow init) to load the year into: run `workflow init` "
            "first, or give --calendars DIR to write the year file into"
        )
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{schedule.year}.yaml"
    if target.exists() and not force:
        raise InvalidInput(f"{target} exists; use --force to replace it")
    text = dump_year(schedule)
    parse_year(bounded_yaml.load(text), target, schedule.year)  # the file must load as written
    target.write_text(text, encoding="utf-8")
    click.echo(
        f"wrote {target}: {len(schedule.off_days)} days off, {len(schedule.makeup_days)} make-up "
        f"working days, {schedule.working_day_count()} working days in {schedule.year}"
    )


def _read_text(path: Path) -> str:
    try:
        return read_text(path)
    except UnreadableFile as exc:
        raise InvalidInput(f"cannot read the notice: {exc}") from exc
