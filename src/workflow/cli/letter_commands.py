"""``workflow letter ...``: a case's letters as issued, previews before a step, re-issues."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from workflow.cases.lookup import find_case
from workflow.cli.context import DATE, POSITIVE, AppContext, app, write_output
from workflow.cli.output import emit
from workflow.cli.step_options import step_input, step_options
from workflow.errors import InvalidInput, LetterError
from workflow.letters.archive import ArchivedLetter, letter_document, letters_of
from workflow.letters.issuing import ArchivingIssuer
from workflow.letters.preview import choose, preview_letters
from workflow.letters.record_data import letterhead_gaps
from workflow.letters.reissue import reissue
from workflow.letters.render import Format
from workflow.store.records import AgencyRecord

FORMATS = click.Choice([fmt.value for fmt in (Format.HTML, Format.DOCX, Format.PDF, Format.TEXT)])
OUTPUT = click.Path(dir_okay=False, allow_dash=True, path_type=Path)


@click.group("letter")
def letter_group() -> None:
    """Letters: list a case's letters, render them as archived, preview, re-issue."""


def _issuer(context: AppContext) -> ArchivingIssuer:
    issuer = context.letters
    if not isinstance(issuer, ArchivingIssuer):
        raise LetterError("letters are not enabled in this application")
    return issuer


_SUFFIXES = {".htm": Format.HTML, **{f".{fmt.value}": fmt for fmt in Format}}


def _format(given: str | None, out: Path) -> str:
    """The format asked for, else the one the output file's name says."""
    if given is not None:
        return given
    formats = ", ".join(Format)
    if str(out) == "-":
        raise InvalidInput(f"writing to standard output (-o -) needs --format ({formats})")
    inferred = _SUFFIXES.get(out.suffix.lower())
    if inferred is None:
        raise InvalidInput(
            f"give --format ({formats}): {out} does not say it "
            "(name the file x.pdf, x.docx, x.html or x.txt)"
        )
    return inferred.value


def _write(out: Path, content: bytes, summary: str) -> None:
    if str(out) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        click.echo(summary, err=True)
        return
    write_output(out, content)
    click.echo(f"{summary} -> {out}")


@letter_group.command("list")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_letters(ctx: click.Context, number: str, as_json: bool) -> None:
    """The letters of case NUMBER, in the order issued, with their stored formats."""
    context = app(ctx)
    with context.database.reading() as session:
        letters = letters_of(session, number)
        agency = session.get(AgencyRecord, find_case(session, number).agency_id)
        gaps = letterhead_gaps(agency) if agency is not None else []
        code = agency.code if agency is not None else "?"
    rows = [letter.to_json() for letter in letters]
    data = {"case": number, "letters": rows, "letterhead_unset": gaps}
    emit(data, as_json, lambda _: _letter_lines(letters, gaps, code))


def _letter_lines(letters: list[ArchivedLetter], gaps: list[str], code: str) -> Iterator[str]:
    for letter in letters:
        again = f"  re-issues {letter.reissue_of}" if letter.reissue_of else ""
        yield (
            f"{letter.number}  event {letter.event} {letter.trigger}  {letter.kind}  "
            f"{letter.issued_on}  [{' '.join(letter.documents)}]{again}"
        )
    yield f"{len(letters)} letter(s)"
    if gaps:
        yield (
            f"note: agency {code} has no {' or '.join(g.removeprefix('--') for g in gaps)} set; "
            f"its letters name a generic body: `workflow agency set {code} "
            + " ".join(f"{gap} ..." for gap in gaps)
            + "`"
        )


@letter_group.command("render")
@click.argument("number")
@click.option(
    "--event", type=POSITIVE, help="The letter of this event (its number in the history)."
)
@click.option("--kind", help="The letter of this kind (e.g. decision, correction_notice).")
@click.option("--letter-number", help="The letter with this number (文号), e.g. a re-issued one.")
@click.option("--format", "fmt", type=FORMATS, help="Document format (default: from -o).")
@click.option("-o", "--output", "out", type=OUTPUT, required=True, help="File to write (- stdout).")
@click.pass_context
def render_command(
    ctx: click.Context,
    number: str,
    event: int | None,
    kind: str | None,
    letter_number: str | None,
    fmt: str | None,
    out: Path,
) -> None:
    """Write a letter of case NUMBER as archived (default: its latest letter).

    The bytes are the stored ones: the same file, with the same SHA-256, every time.
    The format is the file's (x.pdf, x.docx, x.html, x.txt) unless --format says.
    """
    context = app(ctx)
    fmt = _format(fmt, out)
    letter, document = letter_document(
        context.database,
        context.clock,
        number,
        Format(fmt),
        event=event,
        kind=kind,
        number=letter_number,
    )
    summary = (
        f"{letter.number} {letter.kind} (event {letter.event}): {fmt} sha256 {document.sha256}"
    )
    _write(out, document.content, summary)


@letter_group.command("preview")
@click.argument("number")
@click.argument("trigger")
@step_options(appeals=False)
@click.option("--kind", help="Which letter, when the step produces several.")
@click.option("--format", "fmt", type=FORMATS, help="Document format (default: from -o).")
@click.option("-o", "--output", "out", type=OUTPUT, required=True, help="File to write (- stdout).")
@click.pass_context
def preview_command(
    ctx: click.Context,
    /,
    number: str,
    trigger: str,
    kind: str | None,
    fmt: str | None,
    out: Path,
    **options: Any,
) -> None:
    """Render the letter TRIGGER would produce on case NUMBER, without firing it.

    Takes the options of `case fire` that letters use (appeals produce none). Nothing is
    stored and no number is allocated: the number shown is marked （暂定）.
    """
    context = app(ctx)
    fmt = _format(fmt, out)
    step = step_input(context, options)
    letters = preview_letters(
        context.database, context.registry, _issuer(context), number, trigger, step, [Format(fmt)]
    )
    letter = choose(letters, kind)
    summary = f"{letter.context.letter.number} {letter.name} (preview, not issued): {fmt}"
    _write(out, letter.rendered.documents[Format(fmt)], summary)


@letter_group.command("reissue")
@click.argument("number")
@click.option("--event", type=POSITIVE, required=True, help="The event whose letters to re-issue.")
@click.option("--kind", help="Only the letter of this kind.")
@click.option("--on", "on", type=DATE, help="Date of re-issue (default today).")
@click.pass_context
def reissue_command(
    ctx: click.Context, number: str, event: int, kind: str | None, on: date | None
) -> None:
    """Issue the letters of an event again: new numbers and rows; the originals stay."""
    context = app(ctx)
    issuer = _issuer(context)
    with context.database.transaction() as session:
        issued = reissue(session, issuer, number, event, context.effective_date(on), kind)
        lines = [
            f"{letter.context.letter.number} {letter.name} (event {event}) "
            f"{letter.context.letter.issued_on}"
            for letter in issued
        ]
    for line in lines:
        click.echo(line)
