"""An issued letter is an artefact: asked for again, in any format, it gives the same bytes.

DOCX and PDF are derived from the archived HTML on first request and stored; nothing
that changes later (templates, letterhead) changes a letter already issued, except an
explicit re-issue, which is a new letter with a new number.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

from docx import Document

from tests.letters.casework import SECRET, document, fire, letters, open_case, text
from tests.stores import TestApplication, make_app
from workflow.cases.agencies import set_agency
from workflow.cases.service import find_case
from workflow.letters import Format, LetterContext, render_letter
from workflow.letters.archive import letter_document
from workflow.letters.issuing import ArchivingIssuer
from workflow.letters.reissue import reissue
from workflow.resources import notifications_dir
from workflow.store.records import LetterRecord


def _decided(app: TestApplication) -> str:
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 10), outcome="withheld.state_secret", reason=SECRET)
    return number


def test_rendering_again_gives_the_stored_bytes(letters_app: TestApplication) -> None:
    app = letters_app
    number = _decided(app)
    for fmt in (Format.HTML, Format.TEXT, Format.DOCX, Format.PDF):
        letter, first = letter_document(app.database, app.clock, number, fmt)
        _, again = letter_document(app.database, app.clock, number, fmt)
        assert first.content == again.content
        assert first.sha256 == again.sha256 == hashlib.sha256(first.content).hexdigest()
    with app.database.reading() as session:
        record = session.get(LetterRecord, letter.id)
        assert record is not None
        context = LetterContext.from_json(record.context)
    # what was derived from the archived HTML is what the renderer makes of the frozen context
    made = render_letter(context, [Format.TEXT, Format.DOCX]).documents
    assert document(app, number, Format.DOCX) == made[Format.DOCX]
    assert document(app, number, Format.TEXT) == made[Format.TEXT]


def test_later_changes_do_not_touch_an_issued_letter(
    letters_app: TestApplication, tmp_path: Path
) -> None:
    app = letters_app
    override = tmp_path / "letter-templates" / "zbgd"
    override.mkdir()
    shipped = notifications_dir() / "letters"
    source = (shipped / "acknowledgement.j2").read_text("utf-8")
    (override / "acknowledgement.j2").write_text(source.replace("现予登记", "现予登记（旧版）"))
    number = open_case(app)
    html = document(app, number, Format.HTML)
    (override / "acknowledgement.j2").write_text(source.replace("现予登记", "现予登记（新版）"))
    with app.database.transaction() as session:
        set_agency(session, "zbgd", phone="0533-9999999")
    assert document(app, number, Format.HTML) == html
    docx = Document(io.BytesIO(document(app, number, Format.DOCX)))
    words = "".join(p.text for p in docx.paragraphs)
    assert "现予登记（旧版）" in words
    assert "0533-8100167" in words
    assert "0533-9999999" not in words
    later = open_case(app)
    assert "现予登记（新版）" in text(app, later)
    assert "0533-9999999" in text(app, later)
    assert letters(app, number)[0].template_version != letters(app, later)[0].template_version


def test_a_reissue_is_a_new_letter_and_leaves_the_original(letters_app: TestApplication) -> None:
    app = letters_app
    number = _decided(app)
    original = "淄高装公开〔2026〕2号"
    before = {fmt: document(app, number, fmt, number=original) for fmt in Format}
    with app.database.transaction() as session:
        set_agency(session, "zbgd", address="淄博市高新区新地址1号")
        version = find_case(session, number).version
    issuer = app.letters
    assert isinstance(issuer, ArchivingIssuer)
    with app.database.transaction() as session:
        issued = reissue(session, issuer, number, 2, date(2026, 11, 20))
    assert [letter.context.letter.number for letter in issued] == ["淄高装公开〔2026〕3号"]
    assert [
        (letter.number, letter.event, letter.reissue_of) for letter in letters(app, number)
    ] == [
        ("淄高装公开〔2026〕1号", 1, None),
        (original, 2, None),
        ("淄高装公开〔2026〕3号", 2, original),
    ]
    assert {fmt: document(app, number, fmt, number=original) for fmt in Format} == before
    reissued = text(app, number, event=2)  # the latest letter of the event: the re-issue
    assert "淄高装公开〔2026〕3号" in reissued
    assert "淄博市高新区新地址1号" in reissued
    assert "2026年11月20日" in reissued
    assert SECRET in reissued  # what was decided is kept
    assert "淄博市高新区新地址1号" not in text(app, number, number=original)
    with app.database.reading() as session:
        assert find_case(session, number).version == version  # not a lifecycle step


def test_the_archive_outlives_the_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    first = make_app(url, letters=True)
    number = _decided(first)
    docx = document(first, number, Format.DOCX)
    first.close()
    second = make_app(url, letters=True, agencies=False)
    try:
        assert document(second, number, Format.DOCX) == docx
    finally:
        second.close()
