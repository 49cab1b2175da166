"""Document numbers (文号) from an agency's pattern: "淄高装公开〔2026〕12号".

The engine allocates ``seq`` without gaps or duplicates (a counter per agency and year)
and stores the resulting string with the letter; this module only formats it. A pattern
may use ``{short_name}``, ``{code}``, ``{year}`` and ``{seq}``, with a format spec where
wanted (``{seq:03d}``); anything else (attribute access, other names) is refused, so a
pattern typed into an agency's settings can do nothing but format.
"""

from __future__ import annotations

import re
from string import Formatter

from workflow.errors import LetterError

DEFAULT_PATTERN = "{short_name}公开〔{year}〕{seq}号"
FIELDS = frozenset({"short_name", "code", "year", "seq"})
_WIDE = re.compile(r"\d{3,}")  # a width or precision of 100 or more: a number, not a layout


def check_pattern(pattern: str) -> None:
    """Raise ``LetterError`` unless ``pattern`` is a usable letter-number pattern."""
    try:
        parts = list(Formatter().parse(pattern))
    except ValueError as error:
        raise LetterError(f"letter number pattern {pattern!r}: {error}") from None
    names = [name for _, name, _, _ in parts if name is not None]
    for name in names:
        if name not in FIELDS:
            raise LetterError(
                f"letter number pattern {pattern!r}: unknown field {{{name}}}; "
                f"use {', '.join('{' + field + '}' for field in sorted(FIELDS))}"
            )
    if "seq" not in names:
        raise LetterError(f"letter number pattern {pattern!r} has no {{seq}}")
    for _, field_name, spec, conversion in parts:
        if conversion or (spec and ("{" in spec or _WIDE.search(spec))):
            raise LetterError(f"letter number pattern {pattern!r}: {{{field_name}}} is too complex")


def letter_number(
    seq: int,
    *,
    year: int,
    short_name: str,
    code: str = "",
    pattern: str | None = None,
) -> str:
    """Format the number of the ``seq``-th letter of ``year`` (``pattern`` None: the default)."""
    if pattern is None:
        pattern = DEFAULT_PATTERN
    check_pattern(pattern)
    if type(seq) is not int or seq < 1:
        raise LetterError(f"letter sequence number must be a positive integer, got {seq!r}")
    try:
        return pattern.format(short_name=short_name, code=code, year=year, seq=seq)
    except (ValueError, TypeError) as error:
        raise LetterError(f"letter number pattern {pattern!r}: {error}") from None
