"""Every letter kind and every outcome, rendered as text from one fixed case, against goldens.

The goldens under ``golden/`` are meant to be read: they are the letters. After a deliberate
change to a template, regenerate them with ``WORKFLOW_UPDATE_GOLDENS=1 pytest tests/letters``
and read the diff.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.letters import sample
from workflow.letters import available_templates, render
from workflow.letters.render import Format

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WORKFLOW_UPDATE_GOLDENS") == "1"

# DOMAIN.md §4: every outcome code, with what its letter must cite (None: no article applies).
OUTCOME_BASIS: dict[str, tuple[str, ...] | None] = {
    "disclosed.already_public": ("第三十六条第（一）项",),
    "disclosed.provided": ("第三十六条第（二）项",),
    "partially_disclosed": ("第三十七条",),
    "withheld.state_secret": ("第十四条",),
    "withheld.prohibited_by_law": ("第十四条",),
    "withheld.security_stability": ("第十四条",),
    "withheld.third_party_rights": ("第十五条", "第三十二条"),
    "withheld.internal_affairs": ("第十六条第一款",),
    "withheld.process_information": ("第十六条第二款",),
    "withheld.enforcement_file": ("第十六条第二款",),
    "withheld.administrative_inquiry": None,
    "unavailable.not_held": ("第三十六条第（四）项",),
    "unavailable.other_agency": ("第三十六条第（五）项",),
    "unavailable.needs_creation": ("第三十八条",),
    "unavailable.still_unclear": ("第三十条",),
    "not_processed.petition": ("第三十九条第一款",),
    "not_processed.duplicate": ("第三十六条第（六）项",),
    "not_processed.publication": ("第三十九条第二款",),
    "not_processed.excessive": ("第三十五条",),
    "not_processed.confirmation": None,
    "other.correction_lapsed": ("第三十条",),
    "other.fee_unpaid": ("《政府信息公开信息处理费管理办法》", "第四十二条"),
    "other.special_regime": ("第三十六条第（七）项",),
    "other.withdrawn": None,
    "other.other": None,
}
# Articles of the 2019 Regulation the letters may cite (regulation-2019.md);
# 行政复议法 Art. 23 aside.
ARTICLES_2019 = {
    "十四", "十五", "十六", "二十九", "三十", "三十一", "三十二", "三十三", "三十四", "三十五",
    "三十六", "三十七", "三十八", "三十九", "四十二",
}  # fmt: skip
# Letters addressed to the consulted or notified party, not to the applicant.
THIRD_PARTIES = {
    "third_party_consultation",
    "agency_consultation",
    "agency_consultation_other",
    "third_party_disclosure_notice",
}
CASES = [(kind, None) for kind in sample.KINDS] + [("decision", code) for code in OUTCOME_BASIS]


def _text(kind: str, outcome: str | None, issued_on: date | None = None) -> str:
    return render(sample.context(kind, outcome, issued_on), ["txt"])[Format.TEXT].decode("utf-8")


def _golden_path(kind: str, outcome: str | None) -> Path:
    return GOLDEN / ("decision" if outcome else "") / f"{outcome or kind}.txt"


def test_the_sample_covers_every_outcome_in_domain() -> None:
    assert set(sample.OUTCOMES) == set(OUTCOME_BASIS)
    assert len(OUTCOME_BASIS) == 25


def test_every_shipped_template_is_a_kind_or_an_outcome() -> None:
    expected = {f"{kind}.j2" for kind in sample.KINDS}
    expected |= {f"decision/{code}.j2" for code in OUTCOME_BASIS}
    assert set(available_templates()) == expected


@pytest.mark.parametrize(("kind", "outcome"), CASES, ids=[o or k for k, o in CASES])
def test_letter_matches_its_golden(kind: str, outcome: str | None) -> None:
    text = _text(kind, outcome)
    path = _golden_path(kind, outcome)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden {path}; run with WORKFLOW_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("kind", "outcome"), CASES, ids=[o or k for k, o in CASES])
def test_letter_carries_title_number_addressee_receipt_signature(
    kind: str, outcome: str | None
) -> None:
    text = _text(kind, outcome)
    ctx = sample.context(kind, outcome)
    assert sample.AGENCY.name in text.splitlines()[0]
    assert sample.TITLES[kind] in text
    assert sample.NUMBER in text
    assert "2026年2月12日" in text  # the receipt date
    assert ctx.agency.seal_text in text
    assert f"{ctx.letter.issued_on.year}年{ctx.letter.issued_on.month}月" in text
    if kind not in THIRD_PARTIES:
        assert text.splitlines()[5] == "李明："


@pytest.mark.parametrize("code", OUTCOME_BASIS)
def test_decision_restates_request_and_cites_its_article(code: str) -> None:
    text = _text("decision", code)
    assert f"申请公开“{sample.CASE.request}”" in text
    for citation in OUTCOME_BASIS[code] or ():
        assert citation in text, f"{code} must cite {citation}"
    if OUTCOME_BASIS[code] is not None and code != "other.fee_unpaid":
        assert "《中华人民共和国政府信息公开条例》" in text


@pytest.mark.parametrize(("kind", "outcome"), CASES, ids=[o or k for k, o in CASES])
def test_letters_cite_only_2019_article_numbers(kind: str, outcome: str | None) -> None:
    text = _text(kind, outcome).replace("《中华人民共和国行政复议法》第二十三条", "")
    cited = set(re.findall(r"第([一二三四五六七八九十]+)条", text))
    assert cited <= ARTICLES_2019, cited - ARTICLES_2019


@pytest.mark.parametrize(
    "code", [c for c, (_, refusal, _, _) in sample.OUTCOMES.items() if refusal]
)
def test_refusal_issued_in_2026_sends_to_reconsideration_first(code: str) -> None:
    text = _text("decision", code, date(2026, 3, 10))
    assert "《中华人民共和国行政复议法》第二十三条" in text
    assert "应当先申请行政复议" in text
    assert "60日内向淄博市人民政府申请行政复议" in text
    assert sample.AGENCY.court not in text
    assert "也可以" not in text
    assert "6个月内" not in text


def test_refusal_issued_in_2023_offers_reconsideration_or_litigation() -> None:
    text = _text("decision", "withheld.state_secret", date(2023, 6, 1))
    assert "可以自收到本答复之日起60日内向淄博市人民政府申请行政复议" in text
    assert "也可以自收到本答复之日起6个月内向淄博市张店区人民法院提起行政诉讼" in text
    assert "第二十三条" not in text
    assert "应当先" not in text


def test_rule_turns_on_the_letters_date_of_issue() -> None:
    assert "应当先申请行政复议" not in _text("decision", "partially_disclosed", date(2023, 12, 31))
    assert "应当先申请行政复议" in _text("decision", "partially_disclosed", date(2024, 1, 1))


def test_a_disclosure_in_2026_offers_both_remedies() -> None:
    text = _text("decision", "disclosed.provided", date(2026, 3, 10))
    assert "60日内向淄博市人民政府申请行政复议" in text
    assert "6个月内向淄博市张店区人民法院提起行政诉讼" in text
    assert "应当先" not in text


@pytest.mark.parametrize("kind", sample.KINDS)
def test_notices_carry_no_remedy_clause(kind: str) -> None:
    text = _text(kind, None)
    assert "行政复议" not in text
    assert "行政诉讼" not in text


def test_other_agency_letter_names_the_responsible_agency_and_its_contact() -> None:
    text = _text("decision", "unavailable.other_agency")
    assert "负责公开该政府信息的行政机关为淄博市财政局" in text
    assert "0533-3180000" in text


def test_disclosure_says_how_where_and_when() -> None:
    text = _text("decision", "disclosed.provided")
    assert "获取该政府信息的方式、途径和时间：" + sample.ACCESS in text
