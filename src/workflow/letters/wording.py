"""The filters templates use to write dates, amounts, numbers and lists the Chinese way.

Each filter refuses a missing value (``None``) with a ``LetterError``: a letter never
prints a blank where a date, an amount or the reasons belong.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from workflow.errors import LetterError

_DIGITS = "零一二三四五六七八九"
_MARK = r"[一二三四五六七八九十\d]+"
_NUMBERED = re.compile(rf"^\s*([（(]{_MARK}[)）]|{_MARK}[.、．])")
_TRAILING = "。.；;，,、 \t\r\n"
_FINAL = "。！？!?…"


def _present(value: object, what: str) -> None:
    if value is None:
        raise LetterError(f"the letter needs {what} and none was given")


def cn_date(value: date | None) -> str:
    """2026-02-12 -> 2026年2月12日"""
    _present(value, "a date")
    assert value is not None
    if not isinstance(value, date):
        raise LetterError(f"not a date: {value!r}")
    return f"{value.year}年{value.month}月{value.day}日"


def yuan(value: Decimal | None) -> str:
    """An amount in yuan, without the unit: 1700 -> '1700', 12.5 -> '12.50'."""
    _present(value, "an amount")
    amount = Decimal(value).quantize(Decimal("0.01"))  # type: ignore[arg-type]
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def cn_ordinal(value: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十 (list markers （一）, （二） ...)."""
    if not 0 < value < 100:
        raise LetterError(f"cannot number item {value} in Chinese")
    tens, units = divmod(value, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[units] if units else "")


def lines(value: str | None) -> list[str]:
    """Text given one item or paragraph per line -> the non-blank lines."""
    _present(value, "text here (reasons or items)")
    assert value is not None
    found = [line.strip() for line in str(value).splitlines() if line.strip()]
    if not found:
        raise LetterError("the letter needs text here (reasons or items) and it is blank")
    return found


def numbered(value: str) -> bool:
    """The line already starts with its own marker: （一）, 1. , 二、 ..."""
    return bool(_NUMBERED.match(value))


def clause(value: str | None) -> str:
    """Text set inside a sentence: one line per line of it, joined by "；", no full stop."""
    _present(value, "text here")
    parts = [line.strip().rstrip(_TRAILING) for line in str(value).splitlines()]
    text = "；".join(part for part in parts if part)
    return Markup(text) if isinstance(value, Markup) else text


def sentence(value: str | None) -> str:
    """Text as a sentence: ends with a full stop unless it ends with its own punctuation."""
    _present(value, "text here")
    text = str(value).rstrip()
    if text and text[-1] not in _FINAL:
        text = text.rstrip(_TRAILING) + "。"
    return Markup(text) if isinstance(value, Markup) else text


FILTERS = {
    "date": cn_date,
    "yuan": yuan,
    "cn_ordinal": cn_ordinal,
    "lines": lines,
    "clause": clause,
    "sentence": sentence,
}
TESTS = {"numbered": numbered}
