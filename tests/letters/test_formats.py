"""The four formats: HTML, text, DOCX and PDF say the same letter, in Chinese, without tofu.

Checks that need an external program (pdftotext, pdffonts, libreoffice, chromium) skip
with the program's name when it is missing, and fail naming the install command under
`make test` and CI, which install them first (scripts/system-packages.sh).
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.letters import sample
from tests.letters.conftest import program
from workflow.errors import LetterError
from workflow.letters import as_pdf, render, render_letter
from workflow.letters.render import Format

CODE = "partially_disclosed"
PHRASES = [
    "淄博高端装备及现代服务业产业园管理中心",
    "政府信息公开申请答复书",
    "淄高装公开〔2026〕12号",
    "李明：",
    "本机关于2026年2月12日收到您提出的政府信息公开申请",
    "第三十七条",
    "（一）所申请信息中的企业银行账户信息属于企业商业秘密。",
    "《中华人民共和国行政复议法》第二十三条",
    "（印章）",
    "2026年3月10日",
]


@pytest.fixture(scope="module")
def letter() -> dict[Format, bytes]:
    return dict(render_letter(sample.context("decision", CODE)).documents)


def _flat(text: str) -> str:
    """Text extracted from a PDF, with the line breaks of the layout taken out."""
    return "".join(text.split())


def test_every_format_is_produced(letter: dict[Format, bytes]) -> None:
    assert set(letter) == {"html", "txt", "docx", "pdf"}
    assert letter[Format.PDF].startswith(b"%PDF-")
    assert zipfile.is_zipfile(io.BytesIO(letter[Format.DOCX]))


def test_html_is_structured_and_print_ready(letter: dict[Format, bytes]) -> None:
    html = letter[Format.HTML].decode("utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "<h1>淄博高端装备及现代服务业产业园管理中心<br>政府信息公开申请答复书</h1>" in html
    assert '<p class="number">淄高装公开〔2026〕12号</p>' in html
    assert '<p class="addressee">李明：</p>' in html
    assert '<div class="signature">\n<p>淄博高端装备及现代服务业产业园管理中心</p>' in html
    assert "@page" in html
    assert "size: A4" in html
    assert '"仿宋_GB2312", FangSong, STFangsong, "Noto Serif CJK SC"' in html


def test_text_and_html_say_the_same(letter: dict[Format, bytes]) -> None:
    text = letter[Format.TEXT].decode("utf-8")
    for phrase in PHRASES:
        assert phrase in text


def test_docx_opens_and_holds_the_chinese_text(letter: dict[Format, bytes]) -> None:
    document = Document(io.BytesIO(letter[Format.DOCX]))
    text = "\n".join(p.text for p in document.paragraphs)
    for phrase in PHRASES:
        assert phrase in text
    title = document.paragraphs[0]
    assert title.style is not None
    assert title.style.name == "Letter Title"
    assert title.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    body = next(p for p in document.paragraphs if p.text.startswith("本机关于"))
    assert body.style is not None
    assert body.style.name == "Letter Body"
    assert body.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.style.element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    width = document.sections[0].page_width
    assert width is not None
    assert round(width.mm) == 210
    assert document.core_properties.author == sample.AGENCY.name


def test_docx_and_pdf_are_reproducible(letter: dict[Format, bytes]) -> None:
    again = render(sample.context("decision", CODE), ["docx", "pdf"])
    assert again[Format.DOCX] == letter[Format.DOCX]
    assert again[Format.PDF] == letter[Format.PDF]
    with zipfile.ZipFile(io.BytesIO(letter[Format.DOCX])) as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 10, 0, 0, 0)}


def test_pdf_text_is_chinese_not_tofu(letter: dict[Format, bytes], tmp_path: Path) -> None:
    pdftotext = program("pdftotext")
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter[Format.PDF])
    out = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = _flat(out)
    for phrase in PHRASES:
        assert _flat(phrase) in flat
    assert "\ufffd" not in out


def test_pdf_embeds_its_fonts(letter: dict[Format, bytes], tmp_path: Path) -> None:
    pdffonts = program("pdffonts")
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter[Format.PDF])
    out = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows, out.stdout
    assert any("CJK" in row for row in rows), out.stdout
    for row in rows:
        _name, _, rest = row.partition(" ")
        assert rest.split()[-5] == "yes", f"font not embedded: {row}"


def test_pdf_without_a_cjk_font_is_refused_naming_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(as_pdf, "cjk_font_available", lambda: False)
    with pytest.raises(LetterError, match="fonts-noto-cjk"):
        render(sample.context("acknowledgement"), ["pdf"])


def test_unknown_format_is_refused() -> None:
    with pytest.raises(LetterError, match="unknown letter format 'odt'"):
        render(sample.context("acknowledgement"), ["odt"])


@pytest.mark.slow
def test_docx_converts_to_pdf_with_libreoffice(letter: dict[Format, bytes], tmp_path: Path) -> None:
    soffice = program("libreoffice", "soffice")
    pdftotext = program("pdftotext")
    source = tmp_path / "letter.docx"
    source.write_bytes(letter[Format.DOCX])
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    converted = tmp_path / "letter.pdf"
    assert converted.is_file()
    out = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(converted), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = _flat(out)
    for phrase in PHRASES:
        assert _flat(phrase) in flat


@pytest.mark.slow
def test_html_renders_in_headless_chromium(letter: dict[Format, bytes], tmp_path: Path) -> None:
    from PIL import Image

    chromium = program("chromium", "chromium-browser", "google-chrome")
    page = tmp_path / "letter.html"
    page.write_bytes(letter[Format.HTML])
    shot = tmp_path / "letter.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1240,1754",
            page.as_uri(),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    assert shot.is_file()
    assert shot.stat().st_size > 0
    with Image.open(shot) as image:
        grey = image.convert("L")
        assert grey.size == (1240, 1754)
        histogram = grey.histogram()
    dark = sum(histogram[:128])  # text strokes
    assert dark > 20_000, f"only {dark} dark pixels: the page looks blank"
