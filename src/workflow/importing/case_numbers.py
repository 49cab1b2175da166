"""Keep new case numbers clear of imported ones.

The case service numbers an agency's cases per year from the counter
``case:<agency>:<year>`` with the agency's pattern (default ``{agency}-{year}-{seq:04d}``).
An imported number that fits the pattern moves that counter up to its sequence number,
so the next new case cannot collide with it. Numbers that do not fit the pattern
(another system's scheme) leave the counters alone: they cannot collide with it.
"""

from __future__ import annotations

import re

from workflow.definition.number_patterns import check_pattern, regex
from workflow.errors import InvalidInput


def number_pattern(pattern: str, agency: str) -> re.Pattern[str] | None:
    """A regex with groups ``year`` and ``seq`` for ``pattern`` (None: not a valid pattern,
    as a store from before patterns were checked may hold)."""
    try:
        check_pattern(pattern)
    except InvalidInput:
        return None
    return regex(pattern, agency)


def counter_scope(
    pattern: re.Pattern[str], agency: str, number: str, year: int
) -> tuple[str, int] | None:
    """(counter scope, sequence number) if ``number`` fits the agency's pattern."""
    match = pattern.fullmatch(number)
    if match is None:
        return None
    found_year = int(match["year"]) if "year" in pattern.groupindex else year
    return f"case:{agency}:{found_year}", int(match["seq"])
