"""The holiday-notice reader against the published texts and the shipped year files."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from workflow.deadlines.calendar import YearSchedule
from workflow.deadlines.calendar_files import read_year_file
from workflow.deadlines.notice import apply_extension, parse_notice
from workflow.errors import NoticeParseError
from workflow.resources import calendars_dir

FIXTURES = Path(__file__).parent / "fixtures" / "holiday-notices"
YEARS = range(2020, 2027)
# the texts as published (full-width ，：（）) and as NFKC copies give them (ASCII , : ( ))
VARIANTS = ("published", "NFKC")


def _text(name: str, variant: str = "published") -> str:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return unicodedata.normalize("NFKC", text) if variant == "NFKC" else text


def _days(schedule: YearSchedule) -> list[tuple[str, tuple[date, ...], tuple[date, ...]]]:
    return [(h.name, h.off, h.makeup) for h in schedule.holidays]


def _read(year: int, variant: str = "published") -> YearSchedule:
    schedule = parse_notice(_text(f"{year}.txt", variant)).schedule
    if year == 2020:
        schedule = apply_extension(schedule, _text("2020-extension.txt", variant))
    return schedule


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("year", YEARS)
def test_notice_gives_exactly_the_shipped_days(year: int, variant: str) -> None:
    shipped = read_year_file(calendars_dir() / f"{year}.yaml")
    # a shipped year may also hold days of the next year's notice (2022-12-31)
    own = {n.number for n in shipped.notices if f"{year}年" in n.title}
    expected = [(h.name, h.off, h.makeup) for h in shipped.holidays if h.notice in own]
    schedule = _read(year, variant)
    assert _days(schedule) == expected
    assert schedule.working_day_count() == shipped.working_day_count()


@pytest.mark.parametrize("variant", VARIANTS)
def test_2023_reports_2022_12_31_as_spillover(variant: str) -> None:
    parsed = parse_notice(_text("2023.txt", variant))
    assert parsed.spillover == (date(2022, 12, 31),)
    assert any("2022-12-31" in warning for warning in parsed.warnings)
    assert parsed.schedule.holidays[0].off == (date(2023, 1, 1), date(2023, 1, 2))
    # the shipped 2022 file carries that day, cited to the 2023 notice
    shipped_2022 = read_year_file(calendars_dir() / "2022.yaml")
    cited = [h for h in shipped_2022.holidays if date(2022, 12, 31) in h.off]
    assert [h.notice for h in cited] == ["国办发明电〔2022〕16号"]


@pytest.mark.parametrize("year", [y for y in YEARS if y != 2023])
def test_other_years_have_no_spillover(year: int) -> None:
    assert parse_notice(_text(f"{year}.txt")).spillover == ()


def test_notice_metadata_comes_from_the_text() -> None:
    notice = parse_notice(_text("2024.txt")).schedule.notices[0]
    assert notice.title == "国务院办公厅关于2024年部分节假日安排的通知"
    assert notice.number == "国办发明电〔2023〕7号"
    assert notice.date == date(2023, 10, 25)
    assert notice.source is not None
    assert notice.source.startswith("https://zh.wikisource.org/")
    assert all(
        h.notice == "国办发明电〔2023〕7号"
        for h in parse_notice(_text("2024.txt")).schedule.holidays
    )


def test_without_a_number_line_holidays_cite_the_title() -> None:
    parsed = parse_notice(_text("2026.txt"))
    notice = parsed.schedule.notices[0]
    assert notice.number is None
    assert notice.date == date(2025, 11, 4)
    assert {h.notice for h in parsed.schedule.holidays} == {notice.title}
    assert any("文号" in warning for warning in parsed.warnings)


def test_2024_eve_encouragement_is_not_a_day_off() -> None:
    parsed = parse_notice(_text("2024.txt"))
    assert date(2024, 2, 9) not in parsed.schedule.off_days
    assert any("除夕（2月9日）" in warning for warning in parsed.warnings)


def test_2025_principles_and_2026_closing_are_not_festival_paragraphs() -> None:
    assert [h.name for h in _read(2025).holidays] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "国庆节、中秋节",
    ]
    assert len(_read(2026).holidays) == 7


def test_paragraphs_run_together_on_one_line_read_the_same() -> None:
    lines = _text("2026.txt").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    last = next(i for i, line in enumerate(lines) if line.startswith("七、"))
    joined = [*lines[:first], "".join(lines[first : last + 1]), *lines[last + 1 :]]
    assert _days(parse_notice("\n".join(joined)).schedule) == _days(_read(2026))


# --- the 2020 extension ------------------------------------------------------


def test_extension_lengthens_spring_festival_and_cancels_the_make_up_day() -> None:
    annual = parse_notice(_text("2020.txt")).schedule
    extended = apply_extension(annual, _text("2020-extension.txt"))
    assert annual.working_day_count() == 251
    assert extended.working_day_count() == 249
    assert {date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2)} <= extended.off_days
    assert date(2020, 2, 1) in annual.makeup_days
    assert date(2020, 2, 1) not in extended.makeup_days
    # 2月3日（星期一）起正常上班: an ordinary Monday, not a make-up day
    assert date(2020, 2, 3) not in extended.off_days | extended.makeup_days
    added = [h for h in extended.holidays if h.notice == "国务院办公厅关于延长2020年春节假期的通知"]
    assert [(h.name, h.off) for h in added] == [
        ("春节", (date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2)))
    ]
    assert extended.notices[-1].date == date(2020, 1, 26)


def test_extension_applied_twice_is_refused() -> None:
    extended = _read(2020)
    with pytest.raises(NoticeParseError, match="2020 already lists this notice"):
        apply_extension(extended, _text("2020-extension.txt"))


def test_extension_for_another_year_is_refused() -> None:
    with pytest.raises(NoticeParseError, match="for 2020, not 2021"):
        apply_extension(_read(2021), _text("2020-extension.txt"))


def test_extension_is_not_a_yearly_notice() -> None:
    with pytest.raises(NoticeParseError, match="apply_extension"):
        parse_notice(_text("2020-extension.txt"))


def test_extension_with_a_wrong_return_day_is_refused() -> None:
    text = _text("2020-extension.txt").replace("2月3日（星期一）", "2月4日（星期二）")
    with pytest.raises(NoticeParseError, match="not the day after 2020-02-02") as caught:
        apply_extension(parse_notice(_text("2020.txt")).schedule, text)
    assert caught.value.sentence.startswith("一、延长2020年春节假期至2月2日")


# --- malformed notices -------------------------------------------------------

MALFORMED = [
    pytest.param(
        "2026.txt",
        "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。",
        "一、元旦：1月1日（周四）到3日（周六）放假调休，共3天。",
        "cannot read the days off",
        id="garbled-off-sentence",
    ),
    pytest.param(
        "2026.txt",
        "1月4日（周日）上班。",
        "1月4日（周日）照常上班。",
        "cannot read this sentence",
        id="garbled-make-up-sentence",
    ),
    pytest.param(
        "2026.txt",
        "9月20日（周日）、10月10日（周六）上班。",
        "9月20日（周六）、10月10日（周六）上班。",
        "2026-09-20 is a 星期日, not 周六",
        id="wrong-weekday-label",
    ),
    pytest.param(
        "2024.txt",
        "二、春节：2月10日至17日放假调休，共8天。",
        "二、春节：2月10日至17日放假调休，共9天。",
        "says 9 days but 2024-02-10…2024-02-17 is 8",
        id="count-mismatch",
    ),
    pytest.param(
        "2024.txt",
        "9月29日（星期日）、10月12日（星期六）上班。",
        "9月29日（星期日）、10月11日（星期五）上班。",
        "2024-10-11 is a weekday",
        id="weekday-make-up-day",
    ),
    pytest.param(
        "2026.txt",
        "5月9日（周六）上班。",
        "5月8日上班。",
        "2026-05-08 is a weekday",
        id="weekday-make-up-day-unlabelled",
    ),
    pytest.param(
        "2024.txt",
        "一、元旦：1月1日放假，与周末连休。",
        "一、元旦：1月1日放假，与周六连休。",
        "cannot read '与周六连休'",
        id="unknown-clause",
    ),
    pytest.param(
        "2024.txt",
        "五、端午节：6月10日放假，与周末连休。",
        "五、端午节：6月12日放假，与周末连休。",
        "adjoins no weekend",
        id="not-next-to-a-weekend",
    ),
    pytest.param(
        "2025.txt",
        "一、元旦：1月1日（周三）放假1天，不调休。",
        "一、元旦：1月1日（周三）放假1天，不调休。1月4日（周六）上班。",
        "不调休 but lists make-up",
        id="no-make-up-but-make-up",
    ),
    pytest.param(
        "2026.txt",
        "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。",
        "一、新年：1月1日（周四）至3日（周六）放假调休，共3天。",
        "unknown festival '新年'",
        id="unknown-festival",
    ),
    pytest.param(
        "2026.txt",
        "六、中秋节：9月25日（周五）至27日（周日）放假，共3天。",
        "六、中秋节：9月25日（周五）至9月31日（周四）放假，共7天。",
        "is not a date",
        id="impossible-date",
    ),
    pytest.param(
        "2023.txt",
        "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。",
        "一、元旦：12月31日至1月2日放假调休，共3天。",
        "ends (2023-01-02) before it starts (2023-12-31)",
        id="year-crossing-without-years",
    ),
    pytest.param(
        "2024.txt",
        "一、元旦：1月1日放假，与周末连休。",
        "一、元旦：2023年12月29日至2024年1月1日放假调休，共4天。",
        "2023-12-29 is a weekday off outside 2024: it belongs in 2023.yaml",
        id="weekday-off-day-outside-the-year",
    ),
    pytest.param(
        "2024.txt",
        "一、元旦：1月1日放假，与周末连休。",
        "一、元旦：1月1日放假，与周末连休。2023年12月30日（星期六）上班。",
        "make-up day 2023-12-30 is outside 2024",
        id="make-up-day-outside-the-year",
    ),
]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("fixture", "real", "bad", "problem"), MALFORMED)
def test_malformed_sentence_is_refused_and_quoted(
    fixture: str, real: str, bad: str, problem: str, variant: str
) -> None:
    published = _text(fixture)
    assert real in published
    text = published.replace(real, bad)
    if variant == "NFKC":
        text = unicodedata.normalize("NFKC", text)
    with pytest.raises(NoticeParseError) as caught:
        parse_notice(text)
    error = caught.value
    assert problem in error.problem
    assert error.sentence in (unicodedata.normalize("NFKC", bad) if variant == "NFKC" else bad)
    assert f"«{error.sentence}»" in str(error)


def test_the_2019_new_year_paragraph_is_refused_for_its_2018_weekday() -> None:
    # 2018-12-31 was a Monday off: it belongs to 2018, which a 2019 import cannot change
    text = (
        "国务院办公厅关于2019年部分节假日安排的通知\n"
        "经国务院批准，现将2019年元旦放假调休日期的具体安排通知如下。\n"
        "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
    )
    with pytest.raises(NoticeParseError, match="2018-12-31 is a weekday off outside 2019"):
        parse_notice(text)


def test_a_missing_paragraph_is_refused() -> None:
    text = _text("2026.txt").replace("三、清明节：4月4日（周六）至6日（周一）放假，共3天。\n", "")
    with pytest.raises(NoticeParseError, match=r"numbered 四, expected no\. 3"):
        parse_notice(text)


def test_intro_and_paragraphs_must_name_the_same_festivals() -> None:
    text = _text("2026.txt").replace("元旦、春节、清明节", "元旦、春节")
    with pytest.raises(NoticeParseError, match="the intro names") as caught:
        parse_notice(text)
    assert caught.value.sentence.startswith("经国务院批准，现将2026年元旦、春节、劳动节")


def test_a_day_in_two_paragraphs_is_refused() -> None:
    text = _text("2026.txt").replace("5月9日（周六）上班", "2月28日（周六）上班")
    with pytest.raises(NoticeParseError, match="2026-02-28 is already given by the 春节"):
        parse_notice(text)


def test_text_without_a_title_is_refused() -> None:
    with pytest.raises(NoticeParseError, match="no title line"):
        parse_notice("一、元旦：1月1日放假，共1天。\n")
