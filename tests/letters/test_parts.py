"""Letter numbers, the remedy rule, Chinese wording filters and the block reader."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.letters.sample import KINDS, OUTCOMES, context, with_applicant
from workflow.errors import LetterError
from workflow.letters import BlockKind, letter_number, remedy_for
from workflow.letters.as_text import width
from workflow.letters.blocks import _read_plain, _Reader, read_blocks
from workflow.letters.render import _variables, letter_template
from workflow.letters.templates import shipped_templates
from workflow.letters.wording import clause, cn_date, cn_ordinal, lines, sentence, yuan


def test_default_letter_number() -> None:
    assert letter_number(12, year=2026, short_name="淄高装") == "淄高装公开〔2026〕12号"


def test_letter_number_pattern_per_agency() -> None:
    pattern = "{short_name}依申〔{year}〕第{seq:03d}号"
    assert (
        letter_number(7, year=2026, short_name="淄高装", pattern=pattern)
        == "淄高装依申〔2026〕第007号"
    )
    assert letter_number(
        1, year=2025, short_name="x", code="zb", pattern="{code}-{year}-{seq}"
    ) == ("zb-2025-1")


@pytest.mark.parametrize(
    "pattern",
    ["{short_name}〔{year}〕号", "{seq.__class__}", "{seq[0]}", "{seq!r}", "{agency}{seq}", "{seq"],
)
def test_bad_letter_number_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(LetterError, match="pattern"):
        letter_number(1, year=2026, short_name="x", pattern=pattern)


@pytest.mark.parametrize("seq", [0, -1, True])
def test_sequence_numbers_start_at_one(seq: int) -> None:
    with pytest.raises(LetterError, match="positive"):
        letter_number(seq, year=2026, short_name="x")


def test_remedy_rule_by_date_of_issue() -> None:
    assert remedy_for(date(2024, 1, 1), refusal=True).reconsideration_first
    assert not remedy_for(date(2023, 12, 31), refusal=True).reconsideration_first
    assert not remedy_for(date(2026, 3, 10), refusal=False).reconsideration_first
    remedy = remedy_for(date(2026, 3, 10), refusal=True)
    assert (remedy.reconsideration_days, remedy.litigation_months) == (60, 6)
    assert remedy.litigation_after_reconsideration_days == 15


def test_wording_filters() -> None:
    assert cn_date(date(2026, 2, 1)) == "2026年2月1日"
    assert [cn_ordinal(n) for n in (1, 10, 11, 20, 35, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "三十五",
        "九十九",
    ]
    assert yuan(Decimal("1700")) == "1700"
    assert yuan(Decimal("12.5")) == "12.50"
    assert lines("a\n\n b \n") == ["a", "b"]
    assert clause("甲。\n乙；\n") == "甲；乙"
    assert sentence("甲") == "甲。"
    assert sentence("甲；") == "甲。"
    assert sentence("甲？") == "甲？"
    for call in (
        lambda: cn_date(None),
        lambda: yuan(None),
        lambda: lines(None),
        lambda: lines(" "),
    ):
        with pytest.raises(LetterError):
            call()
    with pytest.raises(LetterError):
        cn_ordinal(100)


def test_block_reader_collapses_whitespace_the_chinese_way() -> None:
    blocks = read_blocks(
        "<h1>机关<br>\n  答复书</h1>\n<p>第一行\n    第二行 and\n more  words</p>"
        '<div class="signature"><p>机关</p><p>日期</p></div><p class="note">注</p>'
    )
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.TITLE, "机关\n答复书"),
        (BlockKind.PARAGRAPH, "第一行第二行 and more words"),
        (BlockKind.SIGNATURE, "机关"),
        (BlockKind.SIGNATURE, "日期"),
        (BlockKind.NOTE, "注"),
    ]


def test_block_reader_decodes_entities_once() -> None:
    (_title, para) = read_blocks("<h1>t</h1><p>&lt;b&gt; &amp;amp; {{ x }}</p>")
    assert para.text == "<b> &amp; {{ x }}"


@pytest.mark.parametrize(
    "markup",
    [
        "<p>no title</p>",
        "<h1>t</h1>loose text",
        "<h1>t</h1><p><p>nested</p></p>",
        "<h1>t</h1><table></table>",
        "<h1>t</h1><p>open",
        '<h1>t</h1><p style="color:red">x</p>',
        "<h1>t</h1></div>",
    ],
)
def test_block_reader_refuses_other_markup(markup: str) -> None:
    with pytest.raises(LetterError, match="letter markup"):
        read_blocks(markup)


def _as_html_parser_reads(markup: str) -> list[tuple[BlockKind, str]] | str:
    reader = _Reader()
    try:
        reader.feed(markup)
        reader.close()
    except LetterError as error:
        return str(error)
    return [(block.kind, block.text) for block in reader.blocks]


def _as_plain_reads(markup: str) -> list[tuple[BlockKind, str]] | str | None:
    try:
        reader = _read_plain(markup)
    except LetterError as error:
        return str(error)
    return None if reader is None else [(block.kind, block.text) for block in reader.blocks]


def _every_shipped_letter() -> list[str]:
    templates = shipped_templates()
    contexts = [context(kind) for kind in KINDS] + [context("decision", code) for code in OUTCOMES]
    contexts.append(with_applicant(context("acknowledgement"), name="<b>&amp; 李明 &lt;\n"))
    return [templates.load(letter_template(c)).render(_variables(c)) for c in contexts]


@pytest.mark.parametrize(
    "markup",
    [
        *_every_shipped_letter(),
        "<h1>t<br/>u<br />v</h1><p>a &amp;amp; &#34;b&#34; &lt;i&gt;</p>\n",
        '<h1>t</h1><div class="signature"><p>x</p></div><p class="item">&copy</p>',
        "<h1>t</h1><p>a<strong>b</strong> <em>c</em><span>d</span></p> &amp;",
        "<h1>t</h1><p>a</p>loose &amp; text",
        "<h1>t</h1><p><p>nested</p></p>",
        '<h1>t</h1><p class="odd">x</p>',
        "<h1>t</h1><table></table>",
        "<h1>t</h1></div>",
        "<h1>t</h1><script>x</script>",
    ],
)
def test_plain_markup_is_read_as_html_parser_reads_it(markup: str) -> None:
    """The shipped templates' markup is split by one regular expression: the same blocks,
    or the same refusal, as through ``HTMLParser``."""
    plain = _as_plain_reads(markup)
    assert plain is not None, "markup the shipped templates write is not read as plain"
    assert plain == _as_html_parser_reads(markup)


@pytest.mark.parametrize(
    "markup",
    [
        "<H1>t</H1><p>x</p>",
        "<h1>t</h1><p class=item>x</p>",
        "<h1>t</h1><!-- note --><p>x</p>",
        "<h1>t</h1><p>1 < 2</p>",
        "<h1>t</h1><p >x</p >",
        '<h1>t</h1><p class="a&amp;b">x</p>',
    ],
)
def test_other_markup_is_read_by_html_parser(markup: str) -> None:
    assert _as_plain_reads(markup) is None
    expected = _as_html_parser_reads(markup)
    if isinstance(expected, list):
        assert [(block.kind, block.text) for block in read_blocks(markup)] == expected
    else:
        with pytest.raises(LetterError, match=re.escape(expected)):
            read_blocks(markup)


def test_text_width_counts_chinese_as_two_columns() -> None:
    assert width("淄高装〔2026〕12号") == 2 * 6 + 6  # 淄高装〔〕号 wide, 2026 and 12 narrow
