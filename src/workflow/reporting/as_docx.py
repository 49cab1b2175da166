"""The report draft's HTML as a Word document (python-docx).

Reads the small vocabulary the draft template writes (h1, h2, h3, p, p.note, and tables
of th/td with rowspan/colspan; containers and inline tags are flattened) and refuses
anything else, so the two formats cannot say different things. Chinese text needs the
``w:eastAsia`` font attribute and an East Asian language tag on every run, or Word and
LibreOffice fall back to a Latin font. Document dates are fixed (the report's as-of date)
so the same draft gives the same file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Length, Mm, Pt

from workflow.clock import CHINA
from workflow.errors import InvalidInput
from workflow.word_fonts import set_chinese_fonts

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
TABLE_FONT = "宋体"
_IGNORED = frozenset({"html", "head", "body", "article", "section", "div", "thead", "tbody"})
_INLINE = frozenset({"span", "strong", "em", "b", "i"})
_SKIPPED = frozenset({"style", "title", "meta"})


@dataclass
class _Cell:
    text: str = ""
    header: bool = False
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Block:
    kind: str  # h1 | h2 | h3 | p | note | table
    text: str = ""
    rows: list[list[_Cell]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._text: list[str] | None = None
        self._kind = ""
        self._table: _Block | None = None
        self._cell: _Cell | None = None
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SKIPPED:
            self._skipping += tag != "meta"
        elif tag in ("h1", "h2", "h3", "p"):
            note = tag == "p" and values.get("class") == "note"
            self._kind, self._text = ("note" if note else tag), []
        elif tag == "table":
            self._table = _Block("table")
        elif tag == "tr" and self._table is not None:
            self._table.rows.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = _Cell(
                header=tag == "th",
                rowspan=int(values.get("rowspan") or 1),
                colspan=int(values.get("colspan") or 1),
            )
            self._table.rows[-1].append(self._cell)
        elif tag == "br" and self._text is not None:
            self._text.append("\n")
        elif tag not in _IGNORED | _INLINE | {"br", "tr"}:
            raise InvalidInput(f"the report draft uses <{tag}>, which DOCX output does not know")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping -= tag != "meta"
        elif tag in ("h1", "h2", "h3", "p") and self._text is not None:
            self.blocks.append(_Block(self._kind, "".join(self._text).strip()))
            self._text = None
        elif tag == "table" and self._table is not None:
            self.blocks.append(self._table)
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            self._cell.text = self._cell.text.strip()
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._cell is not None:
            self._cell.text += " ".join(data.split()) if data.strip() else ""
        elif self._text is not None:
            self._text.append(" ".join(data.split()))


def html_to_docx(html: str, dated: date) -> bytes:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_chinese_fonts(document.styles["Normal"], BODY_FONT, 14)
    for block in reader.blocks:
        if block.kind == "table":
            _table(document, block.rows)
            continue
        paragraph = document.add_paragraph()
        font, size, bold = BODY_FONT, 14.0, False
        if block.kind == "h1":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            font, size, bold = TITLE_FONT, 20, True
        elif block.kind in ("h2", "h3"):
            font, size, bold = HEADING_FONT, 15 if block.kind == "h2" else 14, True
            paragraph.paragraph_format.keep_with_next = True  # a heading stays with its text
        elif block.kind == "note":
            size = 10.5
        else:
            paragraph.paragraph_format.first_line_indent = Pt(28)
        set_chinese_fonts(paragraph.add_run(block.text), font, size, bold)
    stamp = datetime.combine(dated, time(0, 0), CHINA)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    document.core_properties.last_printed = stamp
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


TEXT_WIDTH = Mm(210 - 28 - 26)
_CHAR = Pt(9)  # a character of the tables' 9 pt type
_PADDING = Mm(2.4)  # a cell's left and right margins
_LABEL_LINE = 11  # characters a label may take on one line before it wraps


def _column_widths(placed: list[tuple[int, int, _Cell]], columns: int, total: int) -> list[Length]:
    """Widths that keep each label readable, shared out of the page's width in proportion
    to what each column needs: its longest label in two lines (at most ``_LABEL_LINE``
    characters a line), a header two characters a line as the Format prints them, a
    number its digits (half as wide as a character)."""
    need = [2.0] * columns
    for _, c, cell in placed:
        if cell.colspan != 1:
            continue
        if cell.header:
            chars = 2.5  # two characters and the rule of a line
        elif cell.text.replace(".", "", 1).isdigit():
            chars = len(cell.text) / 2
        else:
            chars = min(-(-len(cell.text) // 2), _LABEL_LINE)
        need[c] = max(need[c], chars)
    room = [n * _CHAR + _PADDING for n in need]
    return [Length(int(total * r / sum(room))) for r in room]


def _table(document: Any, rows: list[list[_Cell]]) -> None:
    """Place the cells on a grid as HTML does (skipping slots taken by spans), then merge."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, _Cell]] = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(placed, width, TEXT_WIDTH)
    for index, column in enumerate(table.columns):
        column.width = widths[index]  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = widths[index]  # each cell's, which Word reads
    # Rows are never split across pages; the header rows repeat on each page.
    heading = True
    for row, tr in zip(rows, table._tbl.tr_lst, strict=True):
        properties = tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        heading = heading and all(cell.header for cell in row)
        if heading:
            properties.append(OxmlElement("w:tblHeader"))
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        paragraph = target.paragraphs[0]
        numeric = cell.text.replace(".", "", 1).isdigit()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.CENTER
        set_chinese_fonts(paragraph.add_run(cell.text), TABLE_FONT, 9, cell.header)
