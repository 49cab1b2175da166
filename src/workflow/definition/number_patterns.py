"""Case-number patterns: checked when set, and never able to produce another agency's numbers.

A pattern is text with the fields ``{agency}`` (the agency's code), ``{year}`` (the year of
receipt, four digits) and ``{seq}`` (the counter, optionally zero-padded: ``{seq:04d}``).
Anything else is refused when the pattern is set, not when the next case is opened.

Two agencies' patterns must not be able to produce one number: each pattern, with its
agency's code in place, is a sequence of literal characters, digits and a run of digits,
and ``overlap`` walks both at once (the product of two small automata) to find a number
both produce, if there is one. ``regex`` reads a number back into year and sequence (an
import moves the counter past the numbers it brings).
"""

from __future__ import annotations

import re
import string
from collections import deque
from dataclasses import dataclass

from workflow.errors import InvalidInput

FIELDS = ("agency", "year", "seq")
MAX_PAD = 9  # {seq:09d} at most: a number is an identifier, not a layout
_PAD = re.compile(r"0([1-9])d|d?")
_DIGITS = "0123456789"


@dataclass(frozen=True)
class _Token:
    char: str | None = None  # a literal character; None: a digit
    repeats: bool = False  # a digit that may repeat (the tail of {seq})


def check_pattern(pattern: str) -> None:
    """Raise ``InvalidInput`` unless ``pattern`` numbers cases with only the known fields."""
    _tokens(pattern, "x")


def format_number(pattern: str, agency: str, year: int, seq: int) -> str:
    return pattern.format(agency=agency, year=year, seq=seq)


def regex(pattern: str, agency: str) -> re.Pattern[str]:
    """Groups ``seq`` (and ``year`` when the pattern has one) of a number ``pattern`` makes."""
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field == "agency":
            parts.append(re.escape(agency))
        elif field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "seq":
            parts.append(r"(?P<seq>\d+)")
    return re.compile("".join(parts))


def overlap(first: tuple[str, str], second: tuple[str, str]) -> str | None:
    """A number both (pattern, agency code) pairs can produce, or None when there is none."""
    a, b = _tokens(*first), _tokens(*second)
    start = _closure(a, 0), _closure(b, 0)
    seen: dict[tuple[frozenset[int], frozenset[int]], str] = {start: ""}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if len(a) in here[0] and len(b) in here[1]:
            return seen[here]
        for char in _alphabet(a, b):
            there = _step(a, here[0], char), _step(b, here[1], char)
            if there[0] and there[1] and there not in seen:
                seen[there] = seen[here] + char
                queue.append(there)
    return None


def _tokens(pattern: str, agency: str) -> list[_Token]:
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise InvalidInput(f"case number pattern {pattern!r}: {error}") from None
    tokens: list[_Token] = []
    fields = []
    for literal, field, spec, conversion in parsed:
        tokens.extend(_Token(char) for char in literal)
        if field is None:
            continue
        fields.append(field)
        if field not in FIELDS or conversion:
            known = ", ".join("{" + name + "}" for name in FIELDS)
            raise InvalidInput(
                f"case number pattern {pattern!r}: unknown field {{{field}}}; use {known}"
            )
        pad = _PAD.fullmatch(spec or "")
        if (field != "seq" and spec) or pad is None:
            raise InvalidInput(
                f"case number pattern {pattern!r}: {{{field}:{spec}}} is not a format the "
                f"number can take; {{seq}} may be padded with zeros, up to {{seq:0{MAX_PAD}d}}"
            )
        if field == "agency":
            tokens.extend(_Token(char) for char in agency)
        elif field == "year":
            tokens.extend(_Token() for _ in range(4))
        else:
            width = int(pad.group(1) or 1)
            tokens.extend(_Token() for _ in range(width))
            tokens.append(_Token(repeats=True))
    if fields.count("seq") != 1:
        raise InvalidInput(
            f"case number pattern {pattern!r} needs {{seq}} exactly once "
            "(e.g. {agency}-{year}-{seq:04d})"
        )
    if len(set(fields)) != len(fields):
        raise InvalidInput(f"case number pattern {pattern!r} names a field twice")
    return tokens


def _closure(tokens: list[_Token], position: int) -> frozenset[int]:
    """The positions reachable without reading: past any repeating digits."""
    reached = {position}
    while position < len(tokens) and tokens[position].repeats:
        position += 1
        reached.add(position)
    return frozenset(reached)


def _step(tokens: list[_Token], positions: frozenset[int], char: str) -> frozenset[int]:
    after: set[int] = set()
    for position in positions:
        if position == len(tokens):
            continue
        token = tokens[position]
        if token.char == char or (token.char is None and char in _DIGITS):
            after |= _closure(tokens, position if token.repeats else position + 1)
    return frozenset(after)


def _alphabet(*patterns: list[_Token]) -> str:
    chars = {token.char for tokens in patterns for token in tokens if token.char is not None}
    return _DIGITS + "".join(sorted(chars - set(_DIGITS)))
