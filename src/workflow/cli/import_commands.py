"""``workflow import cases FILE`` and ``workflow import appeals FILE`` (CSV or XLSX).

Every row is checked before anything is written; a bad file is refused with every
problem listed by row and column (exit 2), a good one is written in one transaction,
with a progress bar on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from workflow.cli.context import app
from workflow.errors import InvalidInput
from workflow.importing import AppealImport, CaseImport

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("import")
def import_group() -> None:
    """Import past cases and appeals, or a whole store's export."""


def _common(function: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--by", default="import", show_default=True, help="Recorded as actor."),
            click.option(
                "--encoding",
                default="utf-8-sig",
                show_default=True,
                help="CSV text encoding (gb18030 for a GBK file saved by Excel).",
            ),
            click.option("--check", "check_only", is_flag=True, help="Validate only."),
        ]
    ):
        function = option(function)
    return function


class _ProgressBar:
    """A click progress bar on stderr, opened when the importer knows how many rows."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@import_group.command("cases")
@click.argument("file", type=_FILE)
@_common
@click.pass_context
def import_cases(ctx: click.Context, file: Path, by: str, encoding: str, check_only: bool) -> None:
    """Past cases. Columns: number, agency, applicant_name, applicant_type, channel,
    received_on, request, closed_on, outcome (closed_on and outcome empty while open)."""
    context = app(ctx)
    bar = _ProgressBar("importing cases")
    try:
        result = CaseImport(context.database, context.registry, context.clock).run(
            file, by=by, encoding=encoding, check_only=check_only, progress=bar
        )
    finally:
        bar.close()
    verb = "checked" if check_only else "imported"
    click.echo(
        f"{verb} {result.rows} case(s) from {file.name} ({result.closed} closed, "
        f"{result.rows - result.closed} open)"
    )
    for scope, value in sorted(result.counters.items()):
        click.echo(f"case numbers {scope} continue after {value}")


@import_group.command("appeals")
@click.argument("file", type=_FILE)
@_common
@click.pass_context
def import_appeals(
    ctx: click.Context, file: Path, by: str, encoding: str, check_only: bool
) -> None:
    """Past appeals. Columns: case_number, kind, filed_on, result, decided_on (result and
    decided_on empty while pending)."""
    context = app(ctx)
    bar = _ProgressBar("importing appeals")
    try:
        result = AppealImport(context.database, context.registry, context.clock).run(
            file, by=by, encoding=encoding, check_only=check_only, progress=bar
        )
    finally:
        bar.close()
    verb = "checked" if check_only else "imported"
    click.echo(f"{verb} {result.rows} appeal(s) from {file.name} ({result.pending} pending)")


@import_group.command("store")
@click.argument("file", type=_FILE)
@click.pass_context
def import_store(ctx: click.Context, file: Path) -> None:
    """Load a whole-store export (`workflow export`) into this new, empty store."""
    from workflow.input_files import UnreadableFile, read_text
    from workflow.store.transfer import import_lines

    try:
        content = read_text(file)
    except UnreadableFile as error:
        raise InvalidInput(str(error)) from None
    # not splitlines(): a JSON string may hold U+2028, which it counts as a line break
    counts = import_lines(app(ctx).database, content.split("\n"))
    click.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables")
