"""The notice parser never drops a holiday: a real notice, mutated the ways reprints and
retyping mutate it, gives the same days or is refused; never fewer days."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow.deadlines.notice import parse_notice
from workflow.errors import NoticeParseError

NOTICES = Path(__file__).parent / "fixtures" / "holiday-notices"
YEARS = range(2020, 2027)
NUMERALS = "一二三四五六七"
# What a festival paragraph's number becomes when retyped: Arabic, full-width, another
# separator, parentheses.
NUMBERINGS = [
    lambda n: f"{n}、", lambda n: f"{NUMERALS[n - 1]}.", lambda n: f"（{NUMERALS[n - 1]}）",
    lambda n: f"{chr(0xFF10 + n)}、", lambda n: f"{NUMERALS[n - 1]}，", lambda n: f"{n}.",
    lambda n: f"({n})", lambda n: f"第{NUMERALS[n - 1]}、",
]  # fmt: skip
PUNCTUATION = {"：": ":", "，": ",", "、": ",", "。": ".", "（": "(", "）": ")", "至": "-"}


def days(text: str) -> tuple[frozenset[date], frozenset[date]]:
    schedule = parse_notice(text).schedule
    off = frozenset(day for holiday in schedule.holidays for day in holiday.off)
    makeup = frozenset(day for holiday in schedule.holidays for day in holiday.makeup)
    return off, makeup


def read(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text("utf-8")


def without_intro(text: str) -> str:
    """A reprint without the sentence that lists the festivals: the parser's cross-check
    against it is gone, so only its own reading of every line stands between a mutation
    and a lost holiday."""
    return "\n".join(line for line in text.splitlines() if "现将" not in line)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[int, str]:
    year = draw(st.sampled_from(YEARS))
    text = read(year)
    if draw(st.booleans()):
        text = without_intro(text)
    lines = text.splitlines()
    numbers = {
        i: NUMERALS.index(line[0]) + 1
        for i, line in enumerate(lines)
        if re.match(rf"[{NUMERALS}]、", line)
    }
    numbered = sorted(numbers)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["numbering", "punctuation", "full-width", "break", "join"]))
        if kind == "numbering":
            index = draw(st.sampled_from(numbered))
            form = draw(st.sampled_from(NUMBERINGS))
            lines[index] = re.sub(rf"^[{NUMERALS}]、", form(numbers[index]), lines[index])
        elif kind == "punctuation":
            index = draw(st.sampled_from(numbered))
            mark = draw(st.sampled_from(sorted(PUNCTUATION)))
            lines[index] = lines[index].replace(mark, PUNCTUATION[mark], 1)
        elif kind == "full-width":
            index = draw(st.sampled_from(numbered))
            lines[index] = re.sub(r"\d", lambda m: chr(0xFF10 + int(m.group())), lines[index])
        elif kind == "break":  # a line break inside a paragraph, after a sentence
            index = draw(st.sampled_from(numbered))
            lines[index] = lines[index].replace("。", "。\n", 1)
        else:  # two paragraphs on one line
            index = draw(st.sampled_from(numbered))
            if index + 2 < len(lines):
                lines[index] = lines[index] + lines[index + 2]
                lines[index + 2] = ""
    return year, "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_notice_gives_the_same_days_or_is_refused(case: tuple[int, str]) -> None:
    year, text = case
    expected = days(read(year))
    try:
        found = days(text)
    except NoticeParseError:
        return
    assert found == expected


@pytest.mark.parametrize("year", [2021, 2022, 2024, 2026])
@pytest.mark.parametrize("form", range(len(NUMBERINGS)))
def test_a_last_paragraph_numbered_otherwise_is_refused_and_quoted(year: int, form: int) -> None:
    text = without_intro(read(year))
    numbered = NUMBERINGS[form](7)
    with pytest.raises(NoticeParseError) as raised:
        parse_notice(re.sub("^七、", numbered, text, flags=re.MULTILINE))
    assert raised.value.sentence.startswith(numbered)


def test_a_notice_without_a_festival_is_refused() -> None:
    text = without_intro(read(2026))
    kept = [line for line in text.splitlines() if not line.startswith("六、")]
    renumbered = "\n".join(kept).replace("七、", "六、")
    with pytest.raises(NoticeParseError, match="seven festivals once each: no 中秋节"):
        parse_notice(renumbered)


def test_a_festival_given_twice_is_refused() -> None:
    text = without_intro(read(2026)).replace("六、中秋节：", "六、端午节：")
    with pytest.raises(NoticeParseError, match="端午节 given twice"):
        parse_notice(text)
