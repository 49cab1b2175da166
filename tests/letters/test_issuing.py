"""Letters as artefacts of the engine: every step the law attaches a letter to issues one.

Driven through ``CaseService`` on SQLite and PostgreSQL; each letter is numbered,
archived with its template name and version, and available in all four formats.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.letters.casework import SCENARIOS, SECRET, document, drive, fire, letters, open_case
from tests.letters.conftest import program
from tests.stores import TestApplication, make_app
from workflow.errors import ConfigError, MissingInputs
from workflow.letters import Format, Templates
from workflow.letters.archive import letters_of
from workflow.letters.issuing import LetterOptions


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _seq(number: str) -> int:
    found = re.fullmatch(r"淄高装公开〔2026〕(\d+)号", number)
    assert found is not None, number
    return int(found.group(1))


def test_every_trigger_with_a_letter_issues_it_in_every_format(
    letters_app: TestApplication,
) -> None:
    app = letters_app
    numbers = [drive(app, scenario) for scenario in SCENARIOS]
    issued = [letter for number in numbers for letter in letters(app, number)]
    definition = app.registry.latest()
    expected = {("open", name) for name in definition.opening.letters} | {
        (trigger.name, name) for trigger in definition.triggers.values() for name in trigger.letters
    }
    assert {(letter.trigger, letter.kind) for letter in issued} == expected
    # one sequence per agency and year: no gaps, no duplicates
    assert sorted(_seq(letter.number) for letter in issued) == list(range(1, len(issued) + 1))
    for letter in issued:
        assert set(letter.documents) == {"html", "txt"}  # rendered at issue
        assert letter.template_version == Templates().version(letter.template)
        html = document(app, letter.case, Format.HTML, event=letter.event, kind=letter.kind)
        assert f'<p class="number">{letter.number}</p>' in html.decode("utf-8")
        docx = document(app, letter.case, Format.DOCX, event=letter.event, kind=letter.kind)
        paragraphs = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
        assert letter.number in paragraphs
    assert {fmt for letter in letters(app, numbers[0]) for fmt in letter.documents} == {
        "html",
        "txt",
        "docx",
    }


@pytest.mark.slow
def test_every_letter_kind_prints_to_pdf(tmp_path: Path) -> None:
    """One letter of each kind as PDF (~0.1 s each with libharfbuzz-subset0); on SQLite only:
    the PDF is printed from the archived HTML, whatever the store."""
    app = make_app(f"sqlite:///{tmp_path / 'pdf.db'}", letters=True)
    try:
        issued = [letter for s in SCENARIOS for letter in letters(app, drive(app, s))]
        kinds = {letter.kind: letter for letter in issued}
        pdftotext = program("pdftotext")
        for letter in kinds.values():
            pdf = document(app, letter.case, Format.PDF, event=letter.event, kind=letter.kind)
            assert pdf.startswith(b"%PDF-")
            path = tmp_path / f"{letter.kind}.pdf"
            path.write_bytes(pdf)
            out = subprocess.run(
                [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
            )
            assert letter.number in "".join(out.stdout.split())
        assert len(kinds) == 12
    finally:
        app.close()


def test_what_each_letter_states(letters_app: TestApplication) -> None:
    app = letters_app
    calendar = app.calendar
    full = drive(app, "full")

    def says(kind: str) -> str:
        return "".join(document(app, full, kind=kind).decode("utf-8").split())

    assert "即于2026年3月18日前（含当日）作出答复" in says("acknowledgement")
    correction_due = calendar.add_working_days(date(2026, 2, 13), 15)
    assert f"请您自本告知书作出之日起15个工作日内，即于{_cn(correction_due)}前（含当日）" in says(
        "correction_notice"
    )
    assert "（一）请明确资金名称。（二）请明确年度。" in says("correction_notice")
    extended_due = calendar.add_working_days(date(2026, 2, 24), 40)  # restarted, then +20
    notice = says("extension_notice")
    assert f"答复期限延长20个工作日，本机关将于{_cn(extended_due)}前（含当日）作出答复" in notice
    assert "并于2026年2月24日收到您补正后的申请" in notice  # the corrected application
    fee = says("fee_notice")
    assert "（二）应缴金额：人民币1700元。" in fee
    assert "持本通知书到本机关（淄博市高新区古侯路4317号）办理缴费手续" in fee
    # Its receipt is not recorded yet: the period, never a day counted from the sending date.
    assert "（四）缴纳期限：请您自收到本通知之日起20个工作日内缴纳。" in fee
    assert says("third_party_consultation").startswith(
        "淄博高端装备及现代服务业产业园管理中心政府信息公开征求第三方意见书"
    )
    assert "淄博某某精密机械有限公司：" in says("third_party_consultation")
    assert "李明：" in says("third_party_notice")
    assert "淄博市财政局：" in says("agency_consultation")
    assert "将于2026年5月29日前（含当日）作出答复" in says("delay_notice")
    decision = says("decision")
    assert "属于依法确定为国家秘密的政府信息" in decision
    assert SECRET in decision

    lapsed = drive(app, "correction_lapsed")
    due = calendar.add_working_days(date(2026, 2, 13), 10)
    assert f"补正期限已于{_cn(due)}届满" in "".join(document(app, lapsed).decode().split())
    unpaid = "".join(document(app, drive(app, "fee_unpaid")).decode().split())
    due = calendar.add_working_days(date(2026, 2, 13), 20)
    assert "人民币300元" in unpaid
    assert f"缴纳期限已于{_cn(due)}届满" in unpaid
    withdrawn = "".join(document(app, drive(app, "withdrawn")).decode().split())
    assert "您于2026年2月20日撤回上述政府信息公开申请" in withdrawn


def test_a_refusal_decided_in_2026_states_reconsideration_first(
    letters_app: TestApplication,
) -> None:
    number = open_case(letters_app)
    fire(letters_app, number, "decide", date(2026, 3, 10), outcome="withheld.state_secret",
         reason=SECRET)  # fmt: skip
    text = "".join(document(letters_app, number).decode("utf-8").split())
    assert (
        "根据《中华人民共和国行政复议法》第二十三条第一款第（四）项和第二款的规定，本机关告知您：如对本答复不服，应当先申请行政复议"
        in text
    )
    assert "向淄博高新技术产业开发区管理委员会申请行政复议" in text
    assert "淄博市张店区人民法院" not in text  # no direct litigation


def test_a_disclosure_offers_reconsideration_or_the_court(letters_app: TestApplication) -> None:
    number = open_case(letters_app)
    fire(
        letters_app,
        number,
        "decide",
        date(2026, 3, 10),
        outcome="disclosed.provided",
        access="2026年3月13日前通过电子邮件发送",
    )
    text = "".join(document(letters_app, number).decode("utf-8").split())
    assert "应当先申请行政复议" not in text
    assert "也可以自收到本答复之日起6个月内向淄博市张店区人民法院提起行政诉讼" in text
    assert "获取该政府信息的方式、途径和时间：2026年3月13日前通过电子邮件发送。" in text


def test_a_letter_that_cannot_be_written_refuses_the_step(letters_app: TestApplication) -> None:
    app = letters_app
    number = open_case(app)
    with pytest.raises(MissingInputs, match=r"缺少：--access（申请人获取信息的方式、地点和时间）"):
        fire(app, number, "decide", date(2026, 3, 10), outcome="disclosed.provided")
    with pytest.raises(MissingInputs) as refused:
        fire(
            app, number, "decide", date(2026, 3, 10), outcome="unavailable.other_agency", party="x"
        )
    assert [needed.options for needed in refused.value.missing] == [("reason",), ("contact",)]
    assert refused.value.missing[0].why == (
        "the decision letter (decision/unavailable.other_agency.j2) cannot be written without it"
    )
    with app.database.reading() as session:
        assert [letter.kind for letter in letters_of(session, number)] == ["acknowledgement"]
    fire(app, number, "decide", date(2026, 3, 10), outcome="disclosed.provided", access="邮寄")
    decided = letters(app, number)[-1]
    assert (decided.event, decided.number) == (2, "淄高装公开〔2026〕2号")  # nothing was used up


def test_every_outcome_picks_its_own_template(letters_app: TestApplication) -> None:
    app = letters_app
    definition = app.registry.latest()
    # what an outcome's `requires` asks for first
    before = {
        "not_processed.excessive": [("ask_reasons", {"reason": "申请45件"})],
        "unavailable.still_unclear": [
            ("request_correction", {"reason": "请明确资金名称"}),
            ("receive_correction", {}),
        ],
    }
    for code in definition.outcomes:
        number = open_case(app)
        for trigger, inputs in before.get(code, []):
            fire(app, number, trigger, date(2026, 2, 13), **inputs)
        fire(
            app,
            number,
            "decide",
            date(2026, 3, 10),
            outcome=code,
            reason="理由甲",
            party="淄博市财政局",
            contact="0533-3180000",
            access="到本机关窗口领取",
            ground="withheld.third_party_rights" if code == "partially_disclosed" else None,
        )
        decision = letters(app, number)[-1]
        assert decision.template == f"decision/{code}.j2"
        text = "".join(document(app, number).decode("utf-8").split())
        if definition.outcomes[code].reasons_required:
            assert "理由甲" in text


def test_options_come_from_the_environment(tmp_path: Path) -> None:
    assert LetterOptions.from_environ({}) == LetterOptions(None, (Format.HTML, Format.TEXT))
    wider = LetterOptions.from_environ(
        {"WORKFLOW_LETTER_TEMPLATES": str(tmp_path), "WORKFLOW_LETTER_FORMATS": "docx, html"}
    )
    assert wider == LetterOptions(tmp_path, (Format.HTML, Format.TEXT, Format.DOCX))
    with pytest.raises(ConfigError, match="is not a directory"):
        LetterOptions.from_environ({"WORKFLOW_LETTER_TEMPLATES": str(tmp_path / "none")})
    with pytest.raises(ConfigError, match="unknown format 'odt'"):
        LetterOptions.from_environ({"WORKFLOW_LETTER_FORMATS": "odt"})


def test_more_formats_can_be_rendered_at_issue(
    letters_app: TestApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_LETTER_FORMATS", "docx")
    number = open_case(letters_app)
    assert set(letters(letters_app, number)[0].documents) == {"html", "txt", "docx"}
