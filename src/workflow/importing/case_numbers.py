"""Keep new case numbers clear of imported ones.

The case service numbers an agency's cases per year from the counter
``case:<agency>:<year>`` with the agency's pattern (default ``{agency}-{year}-{seq:04d}``).
An imported number that fits the pattern moves that counter up to its sequence number,
so the next new case cannot collide with it. Numbers that do not fit the pattern
(another system's scheme) leave the counters alone: they cannot collide with it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.store.records import CounterRecord


def number_pattern(pattern: str, agency: str) -> re.Pattern[str] | None:
    """A regex with groups ``year`` and ``seq`` for ``pattern`` (None: a field we cannot read)."""
    parts = []
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        return None
    for literal, field, _spec, _conversion in parsed:
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field == "agency":
            parts.append(re.escape(agency))
        elif field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "seq":
            parts.append(r"(?P<seq>\d+)")
        else:
            return None
    regex = re.compile("".join(parts))
    return regex if "seq" in regex.groupindex else None


def counter_scope(
    pattern: re.Pattern[str], agency: str, number: str, year: int
) -> tuple[str, int] | None:
    """(counter scope, sequence number) if ``number`` fits the agency's pattern."""
    match = pattern.fullmatch(number)
    if match is None:
        return None
    found_year = int(match["year"]) if "year" in pattern.groupindex else year
    return f"case:{agency}:{found_year}", int(match["seq"])


def advance_counters(session: Session, highest: Iterable[tuple[str, int]]) -> None:
    """Raise each counter to at least the given value (never lower it)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for scope, value in highest:
        statement = insert(CounterRecord).values(scope=scope, value=value)
        excluded = statement.excluded.value
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[CounterRecord.scope],
                set_={
                    "value": case(
                        (CounterRecord.value < excluded, excluded), else_=CounterRecord.value
                    )
                },
            )
        )
