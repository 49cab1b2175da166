"""Blocks -> a print-ready HTML document (A4; the stylesheet is the template set's ``letter.css``).

The document is written from the blocks, not copied from the template output, so its
markup is always the same small vocabulary, every text node escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from workflow.letters.blocks import Block, BlockKind

_CLASSES = {
    BlockKind.NUMBER: "number",
    BlockKind.ADDRESSEE: "addressee",
    BlockKind.ITEM: "item",
    BlockKind.NOTE: "note",
}


def _text(block: Block) -> str:
    return "<br>".join(escape(line, quote=False) for line in block.lines)


def html_document(
    blocks: Sequence[Block],
    *,
    stylesheet: str,
    title: str,
    author: str,
    issued_on: date,
) -> str:
    """A complete HTML5 document; ``title``/``author``/``issued_on`` become its metadata."""
    if "</style" in stylesheet.lower():
        stylesheet = stylesheet.replace("</", "<\\/")
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f'<meta name="author" content="{escape(author)}">',
        f'<meta name="dcterms.created" content="{issued_on.isoformat()}">',
        f"<style>\n{stylesheet.strip()}\n</style>",
        "</head>",
        "<body>",
        '<article class="letter">',
    ]
    # The block before the signature and the signature form the closing, which the
    # stylesheet keeps on one page: the agency, seal and date never stand alone (GB/T 9704).
    first_signature = next(
        (i for i, block in enumerate(blocks) if block.kind is BlockKind.SIGNATURE), None
    )
    closing_from = first_signature - 1 if first_signature else None
    in_signature = in_closing = False
    for index, block in enumerate(blocks):
        if index == closing_from:
            out.append('<div class="closing">')
            in_closing = True
        if block.kind is BlockKind.SIGNATURE and not in_signature:
            out.append('<div class="signature">')
            in_signature = True
        elif block.kind is not BlockKind.SIGNATURE and in_signature:
            out.append("</div>")
            in_signature = False
            if in_closing:
                out.append("</div>")
                in_closing = False
        if block.kind is BlockKind.TITLE:
            out.append(f"<h1>{_text(block)}</h1>")
        elif block.kind in _CLASSES:
            out.append(f'<p class="{_CLASSES[block.kind]}">{_text(block)}</p>')
        else:
            out.append(f"<p>{_text(block)}</p>")
    if in_signature:
        out.append("</div>")
    if in_closing:
        out.append("</div>")
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)
