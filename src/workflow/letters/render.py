"""Render a letter: context -> template -> blocks -> the formats asked for.

The template is rendered once, to the block vocabulary of ``blocks``; HTML, text and
DOCX are written from the blocks and the PDF from the HTML, so every format says the
same thing. The result names the template and its version, for the archive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from workflow.errors import LetterError
from workflow.letters.as_html import html_document
from workflow.letters.as_text import text_document
from workflow.letters.blocks import Block, read_blocks
from workflow.letters.context import LetterContext
from workflow.letters.remedy import remedy_for
from workflow.letters.templates import (
    LoadedTemplate,
    Templates,
    shipped_templates,
    template_name,
)


class Format(StrEnum):
    HTML = "html"
    TEXT = "txt"
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True)
class RenderedLetter:
    template: str  # e.g. decision/withheld.state_secret.j2
    template_version: str  # SHA-256 over the sources that made it
    blocks: tuple[Block, ...]
    documents: Mapping[Format, bytes]


def letter_template(context: LetterContext) -> str:
    """The template name a context is rendered with."""
    outcome = context.outcome.code if context.outcome is not None else None
    return template_name(context.letter.kind, outcome)


def _variables(context: LetterContext) -> dict[str, Any]:
    refusal = context.outcome.refusal if context.outcome is not None else False
    return {
        "agency": context.agency,
        "applicant": context.applicant,
        "case": context.case,
        "letter": context.letter,
        "step": context.step,
        "outcome": context.outcome,
        "deadlines": context.deadlines,
        "remedy": remedy_for(context.letter.issued_on, refusal),
    }


def compose(
    context: LetterContext, templates: Templates | None = None
) -> tuple[LoadedTemplate, tuple[Block, ...]]:
    """The loaded template and the letter's blocks, before any format is written."""
    if not isinstance(context, LetterContext):
        raise LetterError(f"expected a LetterContext, got {type(context).__name__}")
    loaded = (templates or shipped_templates()).load(letter_template(context))
    markup = loaded.render(_variables(context))
    try:
        return loaded, read_blocks(markup)
    except LetterError as error:
        raise LetterError(f"{loaded.name}: {error}") from None


def _formats(formats: Iterable[Format | str]) -> list[Format]:
    wanted: list[Format] = []
    for value in [formats] if isinstance(formats, str) else formats:
        try:
            fmt = Format(value)
        except ValueError:
            known = ", ".join(f.value for f in Format)
            raise LetterError(f"unknown letter format {value!r}; known: {known}") from None
        if fmt not in wanted:
            wanted.append(fmt)
    return wanted


def render_letter(
    context: LetterContext,
    formats: Iterable[Format | str] = tuple(Format),
    *,
    templates: Templates | None = None,
) -> RenderedLetter:
    """Render ``context`` in each of ``formats`` (default: all four)."""
    wanted = _formats(formats)
    loaded, blocks = compose(context, templates)
    title = f"{context.agency.name}{context.letter.title}"
    author, issued_on = context.agency.name, context.letter.issued_on
    documents: dict[Format, bytes] = {}
    html: str | None = None
    if Format.HTML in wanted or Format.PDF in wanted:
        html = html_document(
            blocks, stylesheet=loaded.stylesheet, title=title, author=author, issued_on=issued_on
        )
    for fmt in wanted:
        if fmt is Format.HTML:
            assert html is not None
            documents[fmt] = html.encode("utf-8")
        elif fmt is Format.TEXT:
            documents[fmt] = text_document(blocks).encode("utf-8")
        elif fmt is Format.DOCX:
            from workflow.letters.as_docx import docx_document  # python-docx: load on demand

            documents[fmt] = docx_document(blocks, title=title, author=author, issued_on=issued_on)
        else:
            from workflow.letters.as_pdf import pdf_document  # WeasyPrint: load on demand

            assert html is not None
            documents[fmt] = pdf_document(html)
    return RenderedLetter(loaded.name, loaded.version, blocks, MappingProxyType(documents))


def render(
    context: LetterContext,
    formats: Iterable[Format | str] = (Format.HTML,),
    *,
    templates: Templates | None = None,
) -> dict[Format, bytes]:
    """The letter's bytes per format: ``render(ctx, ["html", "pdf"])["pdf"]``."""
    return dict(render_letter(context, formats, templates=templates).documents)
