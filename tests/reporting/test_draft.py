"""``workflow report draft``: the whole 2021-Format report, HTML and DOCX, from the store
and the officer's figures file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn

from tests.cli import run
from tests.reporting.casebook import write
from tests.reporting.test_report_cli import APPEALS, CASES
from tests.stores import TestApplication
from workflow.errors import InvalidInput
from workflow.reporting import parse_figures

SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def figures(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "table2": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 3},
            "normative_documents": {"issued": 2, "repealed": 1, "in_force": 14},
            "licensing": 120,
            "penalties": 8,
            "enforcement": 0,
            "administrative_fees": 1.25,
        },
        "fees_collected": 300,
        "overview": "本年度，中心建立健全政务公开工作机制。\n\n第二段<script>alert(1)</script>。",
        "problems": "公众参与不足。",
    }
    data.update(changes)
    return data


@pytest.fixture
def figures_file(tmp_path: Path) -> Path:
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(figures(), allow_unicode=True), encoding="utf-8")
    return path


def draft(
    capsys: pytest.CaptureFixture[str], app: TestApplication, figures_file: Path, out: Path
) -> Any:
    write(app.database, CASES, APPEALS)
    return run(
        capsys, "--db", app.settings.db_url, "report", "draft", "--year", "2023",
        "--agency", "zbgd", "--as-of", "2024-01-31", "--figures", str(figures_file),
        "-o", str(out),
    )  # fmt: skip


def test_html_draft_has_every_section_and_the_officer_figures(
    capsys: pytest.CaptureFixture[str],
    app: TestApplication,
    figures_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    out = tmp_path / "report.html"
    result = draft(capsys, app, figures_file, out)
    assert result.code == 0, result.err
    html = out.read_text(encoding="utf-8")
    positions = [html.index(f"<h2>{section}</h2>") for section in SECTIONS]
    assert positions == sorted(positions)
    assert "<h1>淄博高端装备及现代服务业产业园管理中心2023年政府信息公开工作年度报告</h1>" in html
    assert '<td class="label">行政许可</td><td class="number" colspan="3">120</td>' in html
    assert '<td class="number" colspan="3">1.25</td>' in html  # 万元, as entered
    assert "本年度共收取政府信息公开信息处理费300元。" in html
    assert "电话：0533-8100167" in html  # contact from the agency's letterhead data
    assert "&lt;script&gt;" in html  # officer text is escaped, never markup
    assert "<script>" not in html
    assert '<td class="label" rowspan="8">（三）不予公开</td>' in html


def test_docx_draft_carries_the_same_document_in_chinese_fonts(
    capsys: pytest.CaptureFixture[str],
    app: TestApplication,
    figures_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    out = tmp_path / "report.docx"
    assert draft(capsys, app, figures_file, out).code == 0
    document = Document(str(out))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert [text for text in texts if text in SECTIONS] == SECTIONS
    assert "本年度共收取政府信息公开信息处理费300元。" in texts
    for run_element in document.element.body.iter(qn("w:r")):
        fonts = run_element.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia"))
    table2, table3, table4 = document.tables
    assert [table2.cell(6, c).text for c in (0, 1)] == ["行政许可", "120"]
    assert table3.cell(3, 9).text == "3"  # 一, 总计
    assert table3.cell(5, 0).text == table3.cell(26, 0).text == "三、本年度办理结果"  # merged
    assert table3.cell(27, 0).text == "四、结转下年度继续办理"
    assert [table4.cell(3, c).text for c in range(5)] == ["0", "1", "0", "0", "1"]


def test_a_draft_is_html_or_docx(
    capsys: pytest.CaptureFixture[str], app: TestApplication, figures_file: Path, tmp_path: Path
) -> None:
    result = draft(capsys, app, figures_file, tmp_path / "report.pdf")
    assert result.code == 2
    assert "written as .html or .docx" in result.err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (figures(table2=None), "table2: is required"),
        (figures(fees=1), "fees: unknown key"),
        (figures(fees_collected=-5), "fees_collected: must be an amount, 0 or more"),
        (
            figures(table2={**figures()["table2"], "licensing": 1.5}),
            "table2.licensing: must be a whole number",
        ),
        (
            figures(table2={**figures()["table2"], "regulations": {"issued": 1}}),
            "table2.regulations.repealed: is required",
        ),
        (figures(overview=["a list"]), "overview: must be text"),
    ],
)
def test_bad_figures_are_named_by_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace(".", r"\.")):
        parse_figures(data, "figures.yaml")


def test_missing_text_sections_show_a_placeholder() -> None:
    parsed = parse_figures(figures(overview=None, problems=None), "figures.yaml")
    assert parsed.texts["overview"] == ["【待填写】"]
    assert (
        parse_figures(figures(), "f").texts["overview"][0]
        == "本年度，中心建立健全政务公开工作机制。"
    )
