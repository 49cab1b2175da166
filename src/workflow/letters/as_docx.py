"""Blocks -> a Word document (python-docx), set out like a government letter (GB/T 9704).

A4, margins 37/35/28/26 mm, body in 仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line, title
in 宋体 二号 bold. Each block kind is a named paragraph style ("Letter Body", "Letter
Title"...), so an officer can restyle a letter in Word. Chinese text needs the
``w:eastAsia`` font attribute and an East Asian language tag, or Word and LibreOffice
fall back to a Latin font; the styles carry both.

The file is reproducible: the core properties and every zip entry carry the letter's
date of issue, not the time it was written.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from workflow.errors import LetterError
from workflow.letters.blocks import Block, BlockKind
from workflow.word_fonts import set_chinese_fonts

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "宋体"
BODY_SIZE = 16  # pt, 三号
TITLE_SIZE = 22  # pt, 二号
NOTE_SIZE = 12  # pt, 小四
LINE = 28  # pt, fixed line pitch

STYLES = {
    BlockKind.TITLE: "Letter Title",
    BlockKind.NUMBER: "Letter Number",
    BlockKind.ADDRESSEE: "Letter Addressee",
    BlockKind.PARAGRAPH: "Letter Body",
    BlockKind.ITEM: "Letter Item",
    BlockKind.SIGNATURE: "Letter Signature",
    BlockKind.NOTE: "Letter Note",
}


def _style(document: Any, kind: BlockKind) -> str:
    style = document.styles.add_style(STYLES[kind], WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    font, size, bold = BODY_FONT, BODY_SIZE, False
    if kind is BlockKind.TITLE:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing = Pt(TITLE_SIZE * 1.6)
        fmt.space_after = Pt(LINE)
        font, size, bold = TITLE_FONT, TITLE_SIZE, True
    elif kind is BlockKind.NUMBER:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.space_after = Pt(LINE / 2)
    elif kind is BlockKind.SIGNATURE:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(BODY_SIZE * 2)
        fmt.keep_with_next = True  # the signature stays on one page
    elif kind is BlockKind.NOTE:
        fmt.line_spacing = Pt(NOTE_SIZE * 1.6)
        fmt.space_before = Pt(LINE)
        size = NOTE_SIZE
    elif kind in (BlockKind.PARAGRAPH, BlockKind.ITEM):
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Pt(BODY_SIZE * 2)
    set_chinese_fonts(style, font, size, bold)
    return str(style.style_id)


# python-docx's default template carries ~800 kB of styles and parts a letter never uses;
# reading and writing them would cost more than the letter itself.
_UNUSED_PARTS = ("/stylesWithEffects", "/webSettings", "/customXml", "/metadata/thumbnail")
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


def _trim(document: Any) -> None:
    for owner in (document.part, document.part.package):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype.endswith(_UNUSED_PARTS):
                owner.rels.pop(rel_id)
    styles = document.styles.element
    for child in list(styles):
        if child.tag == qn("w:latentStyles") or (
            child.tag == qn("w:style") and child.get(qn("w:styleId")) not in _KEPT_STYLES
        ):
            styles.remove(child)


@cache
def _base() -> tuple[bytes, dict[BlockKind, str]]:
    """An empty A4 document with the letter styles (and their ids), built once per process."""
    document = Document()
    _trim(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_chinese_fonts(document.styles["Normal"], BODY_FONT, BODY_SIZE)
    ids = {kind: _style(document, kind) for kind in BlockKind}
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), ids


def docx_document(blocks: Sequence[Block], *, title: str, author: str, issued_on: date) -> bytes:
    base, style_ids = _base()
    document = Document(io.BytesIO(base))

    def paragraph(kind: BlockKind) -> Any:
        added = document.add_paragraph()
        added._p.get_or_add_pPr().style = style_ids[kind]  # by id: a lookup by name is slow
        return added

    previous: BlockKind | None = None
    closing: Any = None  # the paragraph before the signature
    for block in blocks:
        if block.kind is BlockKind.SIGNATURE and previous is not BlockKind.SIGNATURE:
            if closing is None and previous is not None:
                _keep_with_signature(document.paragraphs[-1])
            closing = paragraph(BlockKind.PARAGRAPH)  # a blank line above the signature
            _keep_with_signature(closing)
        added = paragraph(block.kind)
        for number, line in enumerate(block.lines):
            if number:
                added.runs[-1].add_break()
            added.add_run(line)
        previous = block.kind

    stamp = datetime.combine(issued_on, time(), tzinfo=UTC)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return _dated_zip(buffer.getvalue(), issued_on)


def _keep_with_signature(paragraph: Any) -> None:
    """Keep ``paragraph`` whole and on the signature's page, as the PDF's closing is: the
    agency, seal and date never stand alone on a page (GB/T 9704)."""
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = True


def _dated_zip(data: bytes, issued_on: date) -> bytes:
    """The same archive with every entry's modification time set to ``issued_on``, 00:00.

    python-docx stamps entries with the clock; the DOS date and time fields of each
    local header (offset 10) and central directory entry (offset 12) are rewritten in
    place, which leaves sizes and checksums valid.
    """
    if issued_on.year < 1980:
        raise LetterError(f"a DOCX cannot carry the date {issued_on}")
    dos_date = ((issued_on.year - 1980) << 9) | (issued_on.month << 5) | issued_on.day
    buffer = bytearray(data)
    end = buffer.rfind(b"PK\x05\x06")
    if end < 0:
        raise LetterError("python-docx wrote no zip directory")
    entries, _, directory = struct.unpack_from("<HII", buffer, end + 10)
    position = directory
    for _ in range(entries):
        if buffer[position : position + 4] != b"PK\x01\x02":
            raise LetterError("unexpected zip directory layout")
        struct.pack_into("<HH", buffer, position + 12, 0, dos_date)
        name, extra, comment = struct.unpack_from("<HHH", buffer, position + 28)
        (local,) = struct.unpack_from("<I", buffer, position + 42)
        if buffer[local : local + 4] != b"PK\x03\x04":
            raise LetterError("unexpected zip entry layout")
        struct.pack_into("<HH", buffer, local + 10, 0, dos_date)
        position += 46 + name + extra + comment
    return bytes(buffer)
