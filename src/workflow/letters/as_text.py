"""Blocks -> plain text (UTF-8), laid out like the printed letter on a 72-column line.

Chinese characters count two columns. Titles are centred, the number and the
signature set to the right, paragraphs indented by two ideographic spaces (　　) and
not wrapped: a reader's mail program wraps Chinese text itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from workflow.letters.blocks import Block, BlockKind

WIDTH = 72
INDENT = "\u3000\u3000"
_RIGHT_MARGIN = 4


@lru_cache(maxsize=4096)  # the same titles, agency names and seals head every letter
def width(text: str) -> int:
    """Display columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _centre(line: str) -> str:
    return " " * max(0, (WIDTH - width(line)) // 2) + line


def _right(line: str, column: int) -> str:
    return " " * max(0, column - width(line)) + line


def text_document(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    signature = [block for block in blocks if block.kind is BlockKind.SIGNATURE]
    sign_width = max((width(line) for b in signature for line in b.lines), default=0)
    previous: BlockKind | None = None
    for block in blocks:
        kind = block.kind
        if kind is BlockKind.TITLE:
            out += [_centre(line) for line in block.lines]
            out.append("")
        elif kind is BlockKind.NUMBER:
            out += [_right(line, WIDTH) for line in block.lines]
            out.append("")
        elif kind is BlockKind.SIGNATURE:
            if previous is not BlockKind.SIGNATURE:
                out.append("")
            # the lines are centred on each other, the block set to the right
            column = WIDTH - _RIGHT_MARGIN
            for line in block.lines:
                pad = (sign_width - width(line)) // 2
                out.append(_right(" " * pad + line + " " * pad, column).rstrip())
        elif kind is BlockKind.NOTE:
            if previous is not BlockKind.NOTE:
                out.append("")
            out += block.lines
        elif kind is BlockKind.ADDRESSEE:
            out += block.lines
        else:  # paragraph, item
            out += [INDENT + line for line in block.lines]
        previous = kind
    return "\n".join(out).rstrip() + "\n"
