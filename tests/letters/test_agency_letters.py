"""Each agency's letters: its letterhead, its own templates, and applicant text kept as data."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.letters.casework import SECRET, document, fire, letters, open_case, text
from tests.stores import TestApplication
from workflow.cases.agencies import set_agency
from workflow.errors import LetterError
from workflow.letters import Format
from workflow.resources import notifications_dir

HOSTILE_NAME = "<script>alert(1)</script> & {{ 7*7 }}"
HOSTILE_REQUEST = "{{ 7*7 }} {% raw %}x{% endraw %} <b>粗</b> a & b < c {#c#}"


def test_an_override_directory_changes_that_agency_only(
    letters_app: TestApplication, tmp_path: Path
) -> None:
    override = tmp_path / "letter-templates" / "zbgd"
    (override / "partials").mkdir(parents=True)
    signature = (notifications_dir() / "letters" / "partials" / "signature.j2").read_text("utf-8")
    (override / "partials" / "signature.j2").write_text(
        signature.replace(
            "{{ agency.seal_text }}", "{{ agency.seal_text }}</p>\n<p>经办人：政务公开办"
        ),
        "utf-8",
    )
    own = open_case(letters_app, agency="zbgd")
    other = open_case(letters_app, agency="city")
    assert "经办人：政务公开办" in text(letters_app, own)
    assert "经办人：政务公开办" not in text(letters_app, other)
    assert "某市人民政府" in text(letters_app, other)


def test_hostile_applicant_text_survives_literally_through_the_engine(
    letters_app: TestApplication,
) -> None:
    app = letters_app
    number = open_case(app, applicant=HOSTILE_NAME, applicant_type="other_org",
                       request=HOSTILE_REQUEST)  # fmt: skip
    fire(app, number, "decide", date(2026, 3, 10), outcome="withheld.state_secret",
         reason="理由<i>一</i>\n{{ agency.name }} & {% raw %}")  # fmt: skip
    plain = document(app, number).decode("utf-8")
    assert HOSTILE_NAME + "：" in plain.splitlines()
    assert f"申请公开“{HOSTILE_REQUEST}”" in plain
    assert "（二）{{ agency.name }} & {% raw %}。" in plain
    assert "49" not in plain
    html = document(app, number, Format.HTML).decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ 7*7 }}：" in html
    assert "&lt;b&gt;粗&lt;/b&gt; a &amp; b &lt; c {#c#}" in html
    docx = Document(io.BytesIO(document(app, number, Format.DOCX)))
    paragraphs = [paragraph.text for paragraph in docx.paragraphs]
    assert HOSTILE_NAME + "：" in paragraphs
    assert any(HOSTILE_REQUEST in paragraph for paragraph in paragraphs)


def test_an_agency_without_remedy_bodies_cannot_issue_a_reply_letter(
    letters_app: TestApplication,
) -> None:
    """A reply letter that names no reconsideration body leaves the applicant's 60 days
    unstarted (行政复议法 Art. 20(3)): the step is refused, saying what to run."""
    app = letters_app
    number = open_case(app, agency="city")  # its acknowledgement carries no remedy clause
    with pytest.raises(
        LetterError,
        match=r"agency city has no reconsideration-body and no court: run `workflow agency set "
        r"city --reconsideration-body NAME --court NAME`",
    ):
        fire(app, number, "decide", date(2026, 3, 10), outcome="unavailable.not_held")
    assert [letter.kind for letter in letters(app, number)] == ["acknowledgement"]
    with app.database.transaction() as session:
        set_agency(session, "city", reconsideration_body="某市人民政府", court="某市某区人民法院")
    fire(app, number, "decide", date(2026, 3, 10), outcome="unavailable.not_held")
    said = text(app, number, kind="decision")
    assert "向某市人民政府申请行政复议" in said
    assert "向某市某区人民法院提起行政诉讼" in said
    assert "某市府公开〔2026〕2号" in said


def test_a_decision_remade_after_a_corrected_appeal_says_so(letters_app: TestApplication) -> None:
    app = letters_app
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 10), outcome="withheld.state_secret", reason=SECRET)
    fire(app, number, "appeal", date(2026, 3, 20), kind="reconsideration")
    fire(app, number, "resolve_appeal", date(2026, 5, 20), result="corrected")
    fire(app, number, "reopen", date(2026, 5, 21), reason="复议决定责令重新答复")
    fire(app, number, "decide", date(2026, 6, 1), outcome="disclosed.provided", access="邮寄")
    assert "根据行政复议决定，本机关对该申请重新作出答复。" in text(app, number)
    assert "根据行政复议决定" not in text(app, number, number="淄高装公开〔2026〕2号")
    fire(app, number, "reopen", date(2026, 6, 2), reason="发现新情况")
    fire(app, number, "decide", date(2026, 6, 3), outcome="disclosed.provided", access="邮寄")
    assert "根据行政复议决定" not in text(app, number)  # that decision was re-made already
