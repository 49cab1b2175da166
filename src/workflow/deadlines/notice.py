"""Read the State Council's yearly holiday notice into a ``YearSchedule``.

The notice is 《国务院办公厅关于YYYY年部分节假日安排的通知》: a title, perhaps a
文号 line, numbered festival paragraphs ("一、元旦：1月1日（周四）至3日（周六）放假
调休，共3天。1月4日（周日）上班。"), a closing paragraph and a signature date.

A wrong calendar silently shifts every legal deadline, so nothing is guessed:
each sentence of a festival paragraph is either read completely and
cross-checked (weekday labels against the real calendar, "共N天" against the
range, make-up days on a Saturday or Sunday) or refused with
``NoticeParseError`` quoting it. Full-width and ASCII punctuation read the same.

``apply_extension`` applies a notice that lengthens a holiday already published,
such as 《国务院办公厅关于延长2020年春节假期的通知》.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from workflow.deadlines.calendar import Holiday, Notice, YearSchedule
from workflow.errors import NoticeParseError

FESTIVALS = frozenset({"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})

# Full-width forms of ASCII (！ to ～) and the ideographic space map one to one onto
# ASCII, as NFKC does; the patterns below are written for the ASCII forms.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NUMERALS = "一二三四五六七八九十"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_NAMES = "一二三四五六日"
# paragraph numbers 一 … 十九
_ORDINALS = {
    name: n
    for n, name in enumerate([*_NUMERALS, *("十" + unit for unit in _NUMERALS[:9])], start=1)
}

_TITLE = re.compile(r"国务院办公厅关于(\d{4})年部分节假日安排的通知")
_EXTENSION_TITLE = re.compile(r"国务院办公厅关于延长(\d{4})年(\S+?)假期的通知")
_NUMBER = re.compile(r"国办发明电[〔\[(【](\d{4})[〕\])】](\d+)号")
_SIGNED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_SOURCE = re.compile(r"source:\s*(\S+)", re.IGNORECASE)
_INTRO = re.compile(r"现将(\d{4})年(.+?)放假调休日期")
_PARAGRAPH = re.compile(rf"([{_NUMERALS}]+)、(.*)")
_HEADING = re.compile(r"([^:,。]+):(.*)")
# one date: year and month may be left to the context; an optional annotation
# such as (周日), (星期日) or (农历腊月二十八、周日)
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?"
_ONE_DATE = re.compile(_DATE)
_OFF = re.compile(
    rf"(?P<start>{_DATE})(?:至(?P<end>{_DATE}))?放假(?:调休)?(?:(?P<days>\d+)天)?"
    r"(?P<tail>(?:,[^,]+)*)"
)
_CLAUSE_COUNT = re.compile(r"共(\d+)天")
# what only a festival paragraph says: a date, a day off, a day at work
_HOLIDAY_CONTENT = re.compile(r"\d{1,2}月\d{1,2}日|\d{1,2}日\(|放假|上班|调休|休息")
_MAKEUP = re.compile(rf"(?P<dates>{_DATE}(?:[、,和]{_DATE})*)上班")
_EXTEND = re.compile(rf"延长(\d{{4}})年(\S+?)假期至(?P<end>{_DATE}),(?P<back>{_DATE})起正常上班")


@dataclass(frozen=True)
class ParsedNotice:
    """A yearly notice read into its year's schedule.

    ``spillover``: off days the notice gives outside its year (the 2023 notice's
    2022-12-31). They all fall on a weekend, so they change no working day; the
    caller reports them as ignored. ``warnings``: what was read but not used.
    """

    schedule: YearSchedule
    spillover: tuple[date, ...] = ()
    warnings: tuple[str, ...] = ()


def parse_notice(text: str) -> ParsedNotice:
    """Read a 《国务院办公厅关于YYYY年部分节假日安排的通知》 text; refuse what cannot be read."""
    lines = _lines(text)
    source, title_line = _head(lines, _TITLE)
    title = _TITLE.search(_compact(title_line))
    if title is None:
        if _EXTENSION_TITLE.search(_compact(title_line)):
            raise NoticeParseError(
                title_line,
                "this notice extends a published holiday: apply it to that year's "
                "schedule (apply_extension) instead of reading it as a yearly notice",
            )
        raise NoticeParseError(
            title_line,
            "no title line 国务院办公厅关于YYYY年部分节假日安排的通知 before the paragraphs",
        )
    year = int(title.group(1))
    notice = Notice(title.group(0), _number(lines), _signed(lines), source)
    cite = notice.number or notice.title
    warnings: list[str] = []
    if notice.number is None:
        warnings.append("no 文号 line (国办发明电〔YYYY〕N号): the holidays cite the title")
    if notice.date is None:
        warnings.append("no signature date line (YYYY年M月D日)")

    holidays: list[Holiday] = []
    spillover: list[date] = []
    seen: dict[date, str] = {}
    paragraphs = [(line, m) for line in lines if (m := _PARAGRAPH.fullmatch(_compact(line)))]
    if not paragraphs:
        raise NoticeParseError(title_line, "no numbered festival paragraph (一、元旦：…) found")
    _refuse_unread(lines, paragraphs[0][0], {line for line, _ in paragraphs})
    for index, (line, match) in enumerate(paragraphs, start=1):
        if _ORDINALS.get(match.group(1)) != index:
            raise NoticeParseError(
                line, f"paragraph numbered {match.group(1)}, expected no. {index}"
            )
        holiday, outside = _paragraph(line, year, cite, warnings)
        for day in holiday.off + holiday.makeup + outside:
            if day in seen:
                raise NoticeParseError(line, f"{day} is already given by the {seen[day]} paragraph")
            seen[day] = holiday.name
        holidays.append(holiday)
        spillover.extend(outside)
    _check_festivals(holidays, paragraphs[-1][0])
    _check_intro(lines, year, holidays)
    for day in spillover:
        warnings.append(f"{day} (a weekend day outside {year}) ignored: it changes no working day")
    schedule = YearSchedule(year=year, holidays=tuple(holidays), notices=(notice,))
    return ParsedNotice(schedule, tuple(spillover), tuple(warnings))


def apply_extension(schedule: YearSchedule, text: str) -> YearSchedule:
    """Apply a notice extending a holiday, e.g. 延长2020年春节假期至2月2日…2月3日起正常上班.

    The days after the holiday's last day up to the new end become days off,
    cited to the extension notice; make-up days inside the lengthened holiday
    are cancelled. The return-to-work day is an ordinary weekday, never a
    make-up day: a weekend return day is refused rather than guessed at.
    """
    lines = _lines(text)
    source, title_line = _head(lines, _EXTENSION_TITLE)
    title = _EXTENSION_TITLE.search(_compact(title_line))
    if title is None:
        raise NoticeParseError(title_line, "not the title 国务院办公厅关于延长YYYY年…假期的通知")
    if int(title.group(1)) != schedule.year:
        raise NoticeParseError(
            title_line, f"this notice is for {title.group(1)}, not {schedule.year}"
        )
    sentences = [s for line in lines for s in _sentences(line) if "延长" in s and "上班" in s]
    if len(sentences) != 1:
        raise NoticeParseError(title_line, "expected one sentence 延长…假期至…，…起正常上班")
    sentence = sentences[0]
    match = _EXTEND.search(_compact(sentence))
    if match is None or match.group(2) != title.group(2):
        raise NoticeParseError(sentence, "cannot read the new end date and the return-to-work day")
    festival = match.group(2)
    end = _date(_ONE_DATE.fullmatch(match.group("end")), schedule.year, None, sentence)
    back = _date(_ONE_DATE.fullmatch(match.group("back")), schedule.year, end, sentence)
    if back != end + timedelta(days=1):
        raise NoticeParseError(sentence, f"work resumes on {back}, not the day after {end}")
    if back.weekday() >= 5 or end.year != schedule.year:
        raise NoticeParseError(
            sentence,
            "a return on a weekend or into another year is not "
            "supported: edit the year file by hand",
        )
    if any(n.title == title.group(0) for n in schedule.notices):
        raise NoticeParseError(title_line, f"{schedule.year} already lists this notice")
    targets = [h for h in schedule.holidays if festival in h.name.split("、")]
    if len(targets) != 1:
        raise NoticeParseError(sentence, f"{schedule.year} has {len(targets)} {festival} holidays")
    target = targets[0]
    first, last = min(target.off), max(target.off)
    if end <= last:
        raise NoticeParseError(sentence, f"{festival} already runs to {last} (applied already?)")
    added = _span(last + timedelta(days=1), end)
    for other in schedule.holidays:
        clash = [d for d in other.off + other.makeup if first <= d <= end]
        if other is not target and clash:
            raise NoticeParseError(sentence, f"{clash[0]} is already given by {other.name}")
    cancelled = {day for day in target.makeup if first <= day <= end}
    notice = Notice(title.group(0), _number(lines), _signed(lines), source)
    extension = Holiday(target.name, added, (), notice.number or notice.title)
    kept = replace(target, makeup=tuple(d for d in target.makeup if d not in cancelled))
    holidays: list[Holiday] = []
    for holiday in schedule.holidays:
        holidays.extend((kept, extension) if holiday is target else (holiday,))
    return replace(schedule, holidays=tuple(holidays), notices=(*schedule.notices, notice))


def _paragraph(
    line: str, year: int, cite: str, warnings: list[str]
) -> tuple[Holiday, tuple[date, ...]]:
    """One festival paragraph: its off days in the year, make-up days, and off days outside."""
    sentences = _sentences(line)
    head = _HEADING.fullmatch(_compact(sentences[0]).split("、", 1)[1])
    if head is None:
        raise NoticeParseError(sentences[0], "no festival heading followed by a colon")
    name = head.group(1)
    unknown = [part for part in name.split("、") if part not in FESTIVALS]
    if unknown:
        raise NoticeParseError(sentences[0], f"unknown festival {unknown[0]!r}")
    off, no_makeup = _off_sentence(head.group(2), sentences[0], year)
    outside = tuple(day for day in off if day.year != year)
    for day in outside:
        if day.weekday() < 5:
            raise NoticeParseError(
                sentences[0],
                f"{day} is a weekday off outside {year}: it belongs in {day.year}.yaml, "
                "add it there by hand",
            )
    makeup: list[date] = []
    for sentence in sentences[1:]:
        compact = _compact(sentence)
        if compact.startswith("鼓励"):
            # e.g. 2024: "鼓励各单位…安排职工在除夕（2月9日）休息" is not a day off
            warnings.append(f"not a day off (encouragement only): {sentence}")
            continue
        match = _MAKEUP.fullmatch(compact)
        if match is None:
            raise NoticeParseError(sentence, "cannot read this sentence of a festival paragraph")
        previous: date | None = None
        for found in _ONE_DATE.finditer(match.group("dates")):
            day = previous = _date(found, year, previous, sentence)
            if day.weekday() < 5:
                raise NoticeParseError(
                    sentence, f"make-up working day {day} is a weekday, not a Saturday or Sunday"
                )
            if day.year != year:
                raise NoticeParseError(
                    sentence, f"make-up day {day} is outside {year}: add it to {day.year}.yaml"
                )
            if day in off:
                raise NoticeParseError(sentence, f"{day} is both a day off and a make-up day")
            makeup.append(day)
    if no_makeup and makeup:
        raise NoticeParseError(line, "says 不调休 but lists make-up working days")
    inside = tuple(day for day in off if day.year == year)
    return Holiday(name, inside, tuple(makeup), cite), outside


def _off_sentence(body: str, sentence: str, year: int) -> tuple[tuple[date, ...], bool]:
    """The days off of "1月1日（周四）至3日（周六）放假调休，共3天" and its single-day forms."""
    match = _OFF.fullmatch(body)
    if match is None:
        raise NoticeParseError(sentence, "cannot read the days off")
    start = _date(_ONE_DATE.fullmatch(match.group("start")), year, None, sentence)
    end = start
    if match.group("end"):
        end = _date(_ONE_DATE.fullmatch(match.group("end")), year, start, sentence)
        if end <= start:
            raise NoticeParseError(sentence, f"the range ends ({end}) before it starts ({start})")
    if abs(start.year - year) > 1 or abs(end.year - year) > 1:
        raise NoticeParseError(sentence, f"a date too far from {year}")
    days = _span(start, end)
    counts = [match.group("days")] if match.group("days") else []
    no_makeup = False
    for clause in filter(None, match.group("tail").split(",")):
        stated = _CLAUSE_COUNT.fullmatch(clause)
        if stated:
            counts.append(stated.group(1))
        elif clause == "与周末连休":
            after_sunday = (start - timedelta(days=1)).weekday() == 6
            before_saturday = (end + timedelta(days=1)).weekday() == 5
            if not (after_sunday or before_saturday):
                raise NoticeParseError(
                    sentence, f"says 与周末连休 but {start}…{end} adjoins no weekend"
                )
        elif clause == "不调休":
            no_makeup = True
        else:
            raise NoticeParseError(sentence, f"cannot read {clause!r}")
    for count in counts:
        if int(count) != len(days):
            raise NoticeParseError(sentence, f"says {count} days but {start}…{end} is {len(days)}")
    return days, no_makeup


def _date(match: re.Match[str] | None, year: int, previous: date | None, sentence: str) -> date:
    """A date; a missing year or month comes from the previous date of the sentence."""
    if match is None:
        raise NoticeParseError(sentence, "cannot read a date")
    year_text, month_text, day_text, note = match.groups()
    if month_text is None and previous is None:
        raise NoticeParseError(sentence, f"{match.group(0)} gives no month")
    month = int(month_text) if month_text else previous.month if previous else 0
    the_year = int(year_text) if year_text else previous.year if previous else year
    try:
        day = date(the_year, month, int(day_text))
    except ValueError:
        raise NoticeParseError(sentence, f"{match.group(0)} is not a date") from None
    for item in re.split(r"[、,]", note) if note is not None else []:
        label = re.fullmatch(r"(?:星期|周)(.)", item)
        if label and label.group(1) in _WEEKDAYS:
            if _WEEKDAYS[label.group(1)] != day.weekday():
                raise NoticeParseError(
                    sentence,
                    f"{match.group(0)}: {day} is a 星期{_WEEKDAY_NAMES[day.weekday()]}, not {item}",
                )
        elif not item.startswith("农历"):  # lunar dates are not checked
            raise NoticeParseError(sentence, f"cannot read the annotation {item!r}")
    return day


def _refuse_unread(lines: list[str], first: str, paragraphs: set[str]) -> None:
    """From the first festival paragraph on, a line is a paragraph, the closing text or the
    signature. One that names a festival, a date or a day off or at work is a paragraph
    the numbering did not catch (``2、``, ``七.``, ``（二）``): refused, never skipped."""
    for line in lines[lines.index(first) :]:
        compact = _compact(line)
        if line in paragraphs or _SIGNED.fullmatch(compact):  # the signature's date
            continue
        if _HOLIDAY_CONTENT.search(compact) or any(name in compact for name in FESTIVALS):
            raise NoticeParseError(
                line,
                "not a numbered festival paragraph (一、…), yet it names a festival or a date; "
                "number it as the others are",
            )


def _check_festivals(holidays: list[Holiday], last: str) -> None:
    """A yearly notice gives each of the seven festivals once (2020's extension of the
    Spring Festival is a notice of its own, read by ``apply_extension``)."""
    named = [part for holiday in holidays for part in holiday.name.split("、")]
    twice = sorted({name for name in named if named.count(name) > 1})
    missing = sorted(FESTIVALS - set(named))
    if twice or missing:
        problem = f"{'、'.join(twice)} given twice" if twice else f"no {'、'.join(missing)}"
        raise NoticeParseError(
            last, f"a yearly notice gives the seven festivals once each: {problem}"
        )


def _check_intro(lines: list[str], year: int, holidays: list[Holiday]) -> None:
    """The intro names the festivals; the paragraphs must cover exactly those."""
    for line in lines:
        match = _INTRO.search(_compact(line))
        if match is None:
            continue
        named = set(re.split(r"[、和]", match.group(2)))
        covered = {part for holiday in holidays for part in holiday.name.split("、")}
        if int(match.group(1)) != year or named != covered:
            raise NoticeParseError(
                line,
                f"the intro names {sorted(named)} for {match.group(1)}; the paragraphs "
                f"give {sorted(covered)} for {year}",
            )
        return


def _lines(text: str) -> list[str]:
    """Non-empty lines; paragraphs run together on one line are split apart."""
    lines: list[str] = []
    for raw in text.lstrip("\ufeff").splitlines():
        pieces = re.split(rf"(?<=。)\s*(?=[{_NUMERALS}]+[、])", raw.strip())
        lines.extend(piece.strip() for piece in pieces if piece.strip())
    return lines


def _head(lines: list[str], pattern: re.Pattern[str]) -> tuple[str | None, str]:
    """The URL of a leading "source: URL" line, and the title line.

    The title is the first line before the numbered paragraphs that holds
    ``pattern`` (a reprint may put a news headline above it); failing that, the
    first line, for the error message.
    """
    if not lines:
        raise NoticeParseError("", "the notice is empty")
    source = _SOURCE.fullmatch(lines[0].translate(_FOLD).strip())
    rest = lines[1:] if source else lines
    if not rest:
        raise NoticeParseError(lines[0], "no title line")
    for line in rest:
        if _PARAGRAPH.fullmatch(_compact(line)):
            break
        if pattern.search(_compact(line)):
            return (source.group(1) if source else None), line
    return (source.group(1) if source else None), rest[0]


def _number(lines: list[str]) -> str | None:
    for line in lines:
        match = _NUMBER.fullmatch(_compact(line))
        if match:
            return f"国办发明电〔{match.group(1)}〕{match.group(2)}号"
    return None


def _signed(lines: list[str]) -> date | None:
    for line in reversed(lines):
        match = _SIGNED.fullmatch(_compact(line))
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                raise NoticeParseError(line, "not a date") from None
    return None


def _sentences(line: str) -> list[str]:
    return [part for part in re.findall(r"[^。]+。?", line) if part.strip("。 \u3000")]


def _compact(text: str) -> str:
    """ASCII punctuation, no whitespace, no closing 。: the form the patterns match."""
    return re.sub(r"\s+", "", text.translate(_FOLD)).rstrip("。")


def _span(start: date, end: date) -> tuple[date, ...]:
    return tuple(start + timedelta(days=n) for n in range((end - start).days + 1))
