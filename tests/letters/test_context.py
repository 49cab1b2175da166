"""The context contract: validated on construction, and a lossless JSON round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.letters import sample
from tests.letters.test_golden import CASES
from workflow.errors import LetterError
from workflow.letters import (
    ApplicantData,
    CaseData,
    LetterContext,
    LetterData,
    LetterheadData,
    StepData,
    render_letter,
)
from workflow.letters.render import Format


@pytest.mark.parametrize(("kind", "outcome"), CASES, ids=[o or k for k, o in CASES])
def test_json_round_trip_is_lossless_and_renders_the_same_letter(
    kind: str, outcome: str | None
) -> None:
    ctx = sample.context(kind, outcome)
    stored = json.loads(json.dumps(ctx.to_json(), ensure_ascii=False))
    again = LetterContext.from_json(stored)
    assert again == ctx
    assert again.to_json() == ctx.to_json()
    first = render_letter(ctx, ["html", "txt", "docx"])
    second = render_letter(again, ["html", "txt", "docx"])
    assert first.documents == second.documents
    assert first.template_version == second.template_version


def test_json_holds_plain_values() -> None:
    data = sample.context("fee_notice").to_json()
    assert data["schema"] == 1
    assert data["case"]["received_on"] == "2026-02-12"
    assert data["step"]["amount"] == "1700"
    assert data["deadlines"] == {
        "answer": {"due_on": "2026-03-18", "days": 20, "extended_by": 0, "awaiting_year": None}
    }
    assert data["outcome"] is None


def _stored() -> dict[str, Any]:
    return sample.context("decision", "withheld.state_secret").to_json()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("schema"), "schema"),
        (lambda d: d["case"].pop("request"), "request"),
        (lambda d: d["case"].update(colour="red"), "unknown field"),
        (lambda d: d["case"].update(received_on="12/02/2026"), "ISO date"),
        (lambda d: d["outcome"].update(refusal="yes"), "bool"),
        (lambda d: d["step"].update(days="15"), "int"),
        (lambda d: d["applicant"].update(type="robot"), "natural_person"),
        (lambda d: d["deadlines"].update(answer={"due_on": "2026-03-18"}), "days"),
        (lambda d: d.update(agency=[]), "expected an object"),
    ],
)
def test_from_json_refuses_what_it_cannot_trust(change: Any, message: str) -> None:
    data = _stored()
    change(data)
    with pytest.raises(LetterError, match=message):
        LetterContext.from_json(data)


def test_codes_and_required_text_are_checked() -> None:
    with pytest.raises(LetterError, match="channel"):
        CaseData(number="1", received_on=date(2026, 2, 12), channel="pigeon", request="x")
    with pytest.raises(LetterError, match="type"):
        ApplicantData(name="x", type="alien")
    with pytest.raises(LetterError, match="name"):
        ApplicantData(name="  ", type="business")
    with pytest.raises(LetterError, match="court"):
        replace(sample.AGENCY, court="")
    with pytest.raises(LetterError, match="kind"):
        LetterData(kind="../etc", title="x", issued_on=date(2026, 1, 5))
    with pytest.raises(LetterError, match="amount"):
        StepData(trigger="charge_fee", occurred_on=date(2026, 1, 5), amount="-3")
    with pytest.raises(LetterError, match="amount"):
        StepData(trigger="charge_fee", occurred_on=date(2026, 1, 5), amount="NaN")


def test_amount_may_be_given_as_text() -> None:
    step = StepData(trigger="charge_fee", occurred_on=date(2026, 1, 5), amount="3000.00")
    assert step.amount == Decimal("3000.00")


def test_a_decision_needs_an_outcome_and_a_number_and_a_notice_has_no_outcome() -> None:
    decision = sample.context("decision", "disclosed.provided")
    with pytest.raises(LetterError, match="outcome"):
        replace(decision, outcome=None)
    with pytest.raises(LetterError, match="number"):
        replace(decision, letter=replace(decision.letter, number=None))
    with pytest.raises(LetterError, match="no outcome"):
        replace(sample.context("acknowledgement"), outcome=decision.outcome)


def test_a_notice_may_go_without_a_number() -> None:
    ctx = sample.context("acknowledgement")
    text = render_letter(replace(ctx, letter=replace(ctx.letter, number=None)), ["txt"])
    assert "〔2026〕" not in text.documents[Format.TEXT].decode()


def test_an_organisation_is_addressed_as_such() -> None:
    ctx = sample.context("decision", "withheld.state_secret")
    firm = replace(ctx, applicant=ApplicantData(name="淄博某某律师事务所", type="legal_services"))
    text = render_letter(firm, ["txt"]).documents[Format.TEXT].decode()
    assert "收到贵单位提出的政府信息公开申请" in text
    assert "贵单位申请公开的政府信息属于" in text
    assert "本机关告知贵单位：如对本答复不服" in text
    assert "您" not in text


def test_the_context_is_frozen() -> None:
    ctx = sample.context("acknowledgement")
    with pytest.raises(AttributeError):
        ctx.case.number = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ctx.deadlines["answer"] = ctx.deadlines["answer"]  # type: ignore[index]
    assert isinstance(ctx.agency, LetterheadData)


def test_corrected_receipt_date_is_stated() -> None:
    ctx = sample.context("decision", "disclosed.provided")
    ctx = replace(ctx, case=replace(ctx.case, corrected_on=date(2026, 3, 2)))
    text = render_letter(ctx, ["txt"]).documents[Format.TEXT].decode()
    assert "并于2026年3月2日收到您补正后的申请" in text


def test_a_decision_remade_after_a_corrected_appeal_says_so() -> None:
    ctx = sample.context("decision", "disclosed.provided")
    step = replace(ctx.step, appeal_kind="reconsideration", appeal_result="corrected")
    text = render_letter(replace(ctx, step=step), ["txt"]).documents[Format.TEXT].decode()
    assert "根据行政复议决定，本机关对该申请重新作出答复。" in text


def test_delay_notice_without_a_variant_sets_the_delayed_answer_date() -> None:
    ctx = sample.context("delay_notice")
    step = StepData(
        trigger="set_delayed_deadline",
        occurred_on=date(2026, 3, 3),
        until=date(2026, 5, 29),
        reason="申请数量明显超过合理范围",
    )
    text = render_letter(replace(ctx, step=step), ["txt"]).documents[Format.TEXT].decode()
    assert "无法在《中华人民共和国政府信息公开条例》第三十三条规定的期限内答复，理由如下" in text
    assert "申请数量明显超过合理范围。" in text
    assert "本机关确定延迟答复的合理期限，将于2026年5月29日前（含当日）作出答复" in text
    assert "第三十五条" in text
