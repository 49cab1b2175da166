"""Letter numbers (文号): one gapless sequence per agency and year, the agency's pattern."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.letters.casework import fire, letters, open_case
from tests.stores import TestApplication
from tests.test_concurrency import run_together
from workflow.cases.agencies import add_agency, set_agency
from workflow.errors import LetterError, MissingInputs
from workflow.store.records import LetterRecord


def _all_numbers(app: TestApplication) -> list[str]:
    with app.database.reading() as session:
        return list(session.scalars(select(LetterRecord.number)))


def _seqs(numbers: list[str], prefix: str) -> list[int]:
    return sorted(int(n.removeprefix(prefix).removesuffix("号")) for n in numbers)


def test_concurrent_steps_on_different_cases_number_without_gaps_or_duplicates(
    letters_app: TestApplication,
) -> None:
    app = letters_app

    def handler(index: int) -> list[str]:
        agency = "zbgd" if index % 2 else "city"
        opened = []
        for _ in range(3):
            number = open_case(app, agency=agency)
            fire(app, number, "extend", date(2026, 3, 2), approver="王主任")
            with pytest.raises((LetterError, MissingInputs)):  # refused: its number comes back
                fire(app, number, "decide", date(2026, 3, 3), outcome="disclosed.provided")
            opened.append(number)
        return opened

    results = run_together([lambda i=i: handler(i) for i in range(6)])  # type: ignore[misc]
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = _all_numbers(app)
    assert len(numbers) == 6 * 3 * 2  # acknowledgement + extension notice per case
    assert not [n for n, count in Counter(numbers).items() if count > 1]
    zbgd = [n for n in numbers if n.startswith("淄高装")]
    city = [n for n in numbers if n.startswith("某市府")]
    assert _seqs(zbgd, "淄高装公开〔2026〕") == list(range(1, 19))
    assert _seqs(city, "某市府公开〔2026〕") == list(range(1, 19))


def test_the_agency_pattern_and_short_name_make_the_number(letters_app: TestApplication) -> None:
    app = letters_app
    with app.database.transaction() as session:
        set_agency(
            session, "zbgd", letter_number_pattern="{short_name}依申请〔{year}〕第{seq:03d}号"
        )
        add_agency(session, "kjj", "某市科学技术局")  # no short name: numbered with its code
    zbgd = open_case(app)
    kjj = open_case(app, agency="kjj")
    assert letters(app, zbgd)[0].number == "淄高装依申请〔2026〕第001号"
    assert letters(app, kjj)[0].number == "kjj公开〔2026〕1号"


def test_each_year_has_its_own_sequence(letters_app: TestApplication) -> None:
    app = letters_app
    number = open_case(app, received=date(2025, 12, 30))
    fire(app, number, "extend", date(2026, 1, 20), approver="王主任")
    assert [letter.number for letter in letters(app, number)] == [
        "淄高装公开〔2025〕1号",
        "淄高装公开〔2026〕1号",
    ]


def test_a_pattern_without_the_year_is_refused_when_it_repeats(
    letters_app: TestApplication,
) -> None:
    app = letters_app
    with app.database.transaction() as session:
        set_agency(session, "zbgd", letter_number_pattern="{short_name}公开{seq}号")
    number = open_case(app, received=date(2025, 12, 30))
    with pytest.raises(
        LetterError, match=r"淄高装公开1号 of agency zbgd is already used.*\{year\}"
    ):
        fire(app, number, "extend", date(2026, 1, 20), approver="王主任")
    assert [letter.kind for letter in letters(app, number)] == ["acknowledgement"]


def test_a_bad_pattern_refuses_the_step_with_the_pattern_named(
    letters_app: TestApplication,
) -> None:
    with letters_app.database.transaction() as session:
        set_agency(session, "zbgd", letter_number_pattern="{agency}-{seq}")
    with pytest.raises(LetterError, match=re.escape("unknown field {agency}")):
        open_case(letters_app)
