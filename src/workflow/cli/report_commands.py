"""``workflow report annual`` and ``workflow report draft``: the annual report's tables.

Both run the identity checks; when one fails the output is still written, the failing
checks and their case numbers go to stderr, and the exit code is 1 (usage and data
errors exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from workflow.cli.context import (
    DATE,
    YEAR,
    AppContext,
    app,
    write_output,
)
from workflow.errors import InvalidInput
from workflow.reporting import (
    AnnualReport,
    AppealsRule,
    ReportRequest,
    agency_contact,
    annual_report,
    catch_up,
    draft_html,
    html_to_docx,
    load_figures,
    resolve_scope,
    to_csv,
    to_html,
    to_markdown,
    to_xlsx,
)
from workflow.store.records import AgencyRecord

FORMATS = ("md", "csv", "xlsx", "json", "html")
_SUFFIXES = {".md": "md", ".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".html": "html"}


@click.group("report")
def report_group() -> None:
    """Annual reports (2021 Format): tables 三 and 四, checks, the full draft."""


def _report_options(function: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--year", type=YEAR, required=True, help="The calendar year reported."),
        click.option(
            "--agency", help="The agency's code (its own cases); default: the store's only one."
        ),
        click.option(
            "--subtree", is_flag=True, help="With --agency: add every agency below it (roll-up)."
        ),
        click.option("--all", "all_agencies", is_flag=True, help="Sum every agency in the store."),
        click.option(
            "--as-of",
            "as_of",
            type=DATE,
            help="Count only what was recorded by the end of this day (default today, China).",
        ),
        click.option(
            "--previous-as-of",
            type=DATE,
            help="Compare 二 with last year's 四 as of this day (default 31 January of --year).",
        ),
        click.option(
            "--appeals",
            "appeals_rule",
            type=click.Choice([rule.value for rule in AppealsRule]),
            default=AppealsRule.FILED_YEAR_END.value,
            show_default=True,
            help="Which appeals table 四 counts (see README: appeals that span years).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _build(
    context: AppContext,
    year: int,
    agency: str | None,
    subtree: bool,
    all_agencies: bool,
    as_of: date | None,
    previous_as_of: date | None,
    appeals_rule: str,
) -> tuple[AnnualReport, str | None]:
    if agency is None and not all_agencies:
        agency = _only_agency(context)
    if all_agencies == (agency is not None):
        raise InvalidInput("give either --agency CODE (with --subtree for a roll-up) or --all")
    if subtree and agency is None:
        raise InvalidInput("--subtree needs --agency CODE")
    request = ReportRequest(
        year=year,
        today=context.clock.today(),
        as_of=as_of,
        previous_as_of=previous_as_of,
        appeals_rule=AppealsRule(appeals_rule),
    )
    catch_up(context.database, context.registry)  # recorded dates of rows written since
    with context.database.reading() as session:
        scope = resolve_scope(session, agency, subtree=subtree)
        report = annual_report(session, context.registry, scope, request)
        contact = agency_contact(session, agency) if agency is not None else None
    return report, contact


def _only_agency(context: AppContext) -> str:
    """The agency a store of one agency reports; with several, the caller must choose."""
    with context.database.reading() as session:
        codes = session.scalars(select(AgencyRecord.code).order_by(AgencyRecord.code)).all()
    if len(codes) == 1:
        return codes[0]
    known = ", ".join(codes) or "none (workflow agency add)"
    raise InvalidInput(
        f"give either --agency CODE (with --subtree for a roll-up) or --all; agencies: {known}"
    )


@report_group.command("annual")
@_report_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from -o, else md.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def annual(ctx: click.Context, /, fmt: str | None, output: Path | None, **options: Any) -> None:
    """Tables 三 and 四 for a year, an agency (or a roll-up) and an as-of date, checked."""
    report, _ = _build(app(ctx), **options)
    fmt = fmt or (_SUFFIXES.get(output.suffix.lower(), "md") if output else "md")
    if fmt == "xlsx":
        if output is None:
            raise InvalidInput("--format xlsx writes a workbook: give -o FILE.xlsx")
        write_output(output, to_xlsx(report))
    else:
        text = {
            "md": to_markdown,
            "csv": to_csv,
            "html": to_html,
            "json": _json,
        }[fmt](report)
        if output is None:
            click.echo(text, nl=False)
        else:  # a BOM lets Excel open a Chinese CSV as UTF-8
            write_output(output, text, "utf-8-sig" if fmt == "csv" else "utf-8")
    if output is not None:
        click.echo(f"wrote {output}", err=True)
    _finish(report)


@report_group.command("draft")
@_report_options
@click.option(
    "--figures",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="YAML/JSON: table 二, the fee total and the text sections (README).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="out.html or out.docx.",
)
@click.pass_context
def draft(ctx: click.Context, /, figures: Path, output: Path, **options: Any) -> None:
    """The whole 2021-Format annual report (sections 一 to 六) as HTML or DOCX."""
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".docx"):
        raise InvalidInput(f"-o {output}: the draft is written as .html or .docx")
    loaded = load_figures(figures)
    report, contact = _build(app(ctx), **options)
    html = draft_html(report, loaded, contact)
    if suffix == ".docx":
        write_output(output, html_to_docx(html, report.as_of))
    else:
        write_output(output, html)
    click.echo(f"wrote {output}", err=True)
    _finish(report)


def _json(report: AnnualReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def _finish(report: AnnualReport) -> None:
    for change in report.changes:
        if change.case_count:
            click.echo(f"note: {change.sentence}: {', '.join(change.cases)}", err=True)
    if not report.failed:
        return
    for check in report.failed:
        more = check.case_count - len(check.cases)
        cases = ", ".join(check.cases) + (f" and {more} more" if more else "")
        click.echo(f"check failed: {check.title}: {check.detail}; cases: {cases}", err=True)
    raise click.exceptions.Exit(1)
