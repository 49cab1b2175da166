"""The one structure every format is written from: a letter as a list of typed blocks.

A template writes a small, fixed vocabulary of semantic HTML::

    <h1>agency<br>title</h1>            title (a <br> starts a new line)
    <p class="number">...</p>           document number (文号)
    <p class="addressee">...</p>        addressee, flush left
    <p>...</p>                          body paragraph, first line indented
    <p class="item">...</p>             list item: reasons, items to correct
    <div class="signature"><p>...</p>   signature lines (agency, seal, date), right
    <p class="note">...</p>             small print: the agency's contact details

``read_blocks`` parses that into ``Block``s (plain text, entities decoded) and refuses
anything else, so a template cannot smuggle in markup no format knows. Containers
(``article``, ``section``, ``header``, ``footer``, ``div``) and inline ``span``/``strong``/
``em`` are allowed and flattened. Whitespace follows HTML, with one difference for
Chinese: a run of whitespace that contains a line break disappears when it touches a
non-ASCII character (templates may wrap long sentences); elsewhere it is one space.

Every letter issued is read this way, so markup written exactly as the shipped templates
write it (lower-case tags, at most a double-quoted class, entities in the text) is split
into tags and text by one regular expression and handed to the same reader, as
``HTMLParser`` would hand it over; anything else (and any markup the reader refuses, for
its message) goes through ``HTMLParser`` itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from html import unescape
from html.parser import HTMLParser

from workflow.errors import LetterError


class BlockKind(StrEnum):
    TITLE = "title"
    NUMBER = "number"
    ADDRESSEE = "addressee"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    SIGNATURE = "signature"
    NOTE = "note"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str  # lines separated by "\n" (only a <br> makes one)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


_P_CLASSES = {
    None: BlockKind.PARAGRAPH,
    "number": BlockKind.NUMBER,
    "addressee": BlockKind.ADDRESSEE,
    "item": BlockKind.ITEM,
    "note": BlockKind.NOTE,
}
_CONTAINERS = frozenset({"article", "section", "header", "footer", "div"})
_INLINE = frozenset({"span", "strong", "em"})
_BREAK = "\x00"
_SPACE = re.compile(r"[ \t\r\n\f]+")
# One token of plain markup: a start tag (its class, its "/"), an end tag, or text; any
# other character (a "<" that starts none of them) says the markup is not plain.
_PLAIN_TOKEN = re.compile(
    r'<([a-z][a-z0-9]*)(?: class="([^"&<>]*)")?( ?/)?>|</([a-z][a-z0-9]*)>|([^<]+)|(<)'
)


def _collapse(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run, start, end = match.group(), match.start(), match.end()
        if "\n" in run or "\r" in run:
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            if (before and ord(before) > 0x7F) or (after and ord(after) > 0x7F):
                return ""
        return " "

    lines = _SPACE.sub(replace, text).split(_BREAK)
    return "\n".join(line.strip() for line in lines).strip("\n")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._open: list[tuple[str, str | None]] = []  # containers: tag, class
        self._kind: BlockKind | None = None
        self._tag = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if names - {"class"}:
            raise LetterError(f"letter markup: <{tag}> may carry only a class attribute")
        css = dict(attrs).get("class")
        if tag == "br":
            if self._kind is not None:
                self._text.append(_BREAK)
            return
        if tag in _INLINE:
            if self._kind is None:
                raise LetterError(f"letter markup: <{tag}> outside a paragraph")
            return
        if self._kind is not None:
            raise LetterError(f"letter markup: <{tag}> inside <{self._tag}>")
        if tag in _CONTAINERS:
            self._open.append((tag, css))
        elif tag == "h1":
            self._start(tag, BlockKind.TITLE)
        elif tag == "p":
            if any(c == "signature" for _, c in self._open):
                kind = BlockKind.SIGNATURE
            elif css in _P_CLASSES:
                kind = _P_CLASSES[css]
            else:
                raise LetterError(f'letter markup: unknown paragraph class "{css}"')
            self._start(tag, kind)
        else:
            raise LetterError(f"letter markup: <{tag}> is not part of the letter vocabulary")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE or tag == "br":
            return
        if self._kind is not None:
            if tag != self._tag:
                raise LetterError(f"letter markup: </{tag}> closes <{self._tag}>")
            text = _collapse("".join(self._text))
            if text:
                self.blocks.append(Block(self._kind, text))
            self._kind = None
            return
        if not self._open or self._open[-1][0] != tag:
            raise LetterError(f"letter markup: unexpected </{tag}>")
        self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._kind is not None:
            self._text.append(data)
        elif data.strip():
            raise LetterError(f"letter markup: text outside a paragraph: {data.strip()[:40]!r}")

    def handle_comment(self, data: str) -> None:
        pass

    def _start(self, tag: str, kind: BlockKind) -> None:
        self._kind, self._tag, self._text = kind, tag, []


def read_blocks(markup: str) -> tuple[Block, ...]:
    """The blocks of a rendered letter; ``LetterError`` for markup outside the vocabulary."""
    try:
        reader = _read_plain(markup)
    except LetterError:
        reader = None  # HTMLParser's reading says what is wrong
    if reader is None:
        reader = _Reader()
        reader.feed(markup)
        reader.close()
    if reader._kind is not None or reader._open:
        raise LetterError("letter markup: an element is not closed")
    if not reader.blocks or reader.blocks[0].kind is not BlockKind.TITLE:
        raise LetterError("letter markup: a letter starts with its title (<h1>)")
    return tuple(reader.blocks)


def _read_plain(markup: str) -> _Reader | None:
    """The reader fed ``markup`` token by token, as ``HTMLParser`` feeds it (tag names,
    the class attribute, each text between two tags unescaped whole); ``None`` when the
    markup is not plain."""
    reader = _Reader()
    for token in _PLAIN_TOKEN.finditer(markup):  # consecutive: every character matches
        tag, css, closes, end_tag, text, other = token.groups()
        if text is not None:
            reader.handle_data(unescape(text))
        elif end_tag is not None:
            reader.handle_endtag(end_tag)
        elif other is not None:
            return None
        else:
            attrs: list[tuple[str, str | None]] = [] if css is None else [("class", css)]
            if closes:
                reader.handle_startendtag(tag, attrs)
            else:
                reader.handle_starttag(tag, attrs)
    return reader
