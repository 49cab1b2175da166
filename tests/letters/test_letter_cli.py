"""``workflow letter ...``: list, render as archived, preview, re-issue; one-line errors."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from tests.cli import one_line_error, run
from tests.stores import make_app
from workflow.cases.service import NewCase

CASE = "zbgd-2026-0001"
OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-02-12",
    "--request", "2025年度财政预算执行情况",
]  # fmt: skip
DECIDE = [
    "--on", "2026-03-10", "--outcome", "withheld.process_information",
    "--reason", "属于内部讨论记录",
]  # fmt: skip


def test_list_and_render_the_archived_letters(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, *OPEN).code == 0
    assert run(capsys, "case", "fire", CASE, "decide", *DECIDE).code == 0
    listed = run(capsys, "letter", "list", CASE)
    assert listed.out.splitlines() == [
        "淄高装公开〔2026〕1号  event 1 open  acknowledgement  2026-02-12  [html txt]",
        "淄高装公开〔2026〕2号  event 2 decide  decision  2026-03-10  [html txt]",
        "2 letter(s)",
    ]
    out = tmp_path / "answer.docx"
    first = run(capsys, "letter", "render", CASE, "--format", "docx", "-o", str(out))
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    assert first.out == f"淄高装公开〔2026〕2号 decision (event 2): docx sha256 {sha} -> {out}\n"
    again = run(capsys, "letter", "render", CASE, "--format", "docx", "-o", str(out))
    assert again.out == first.out
    ack = run(capsys, "letter", "render", CASE, "--kind", "acknowledgement", "--format", "txt",
              "-o", "-")  # fmt: skip
    assert "政府信息公开申请登记回执" in ack.out
    assert ack.err.startswith("淄高装公开〔2026〕1号 acknowledgement (event 1): txt sha256 ")
    data = run(capsys, "letter", "list", CASE, "--json").json()
    decision = data["letters"][1]
    assert data["case"] == CASE
    assert data["letterhead_unset"] == []
    assert {key: decision[key] for key in ("number", "kind", "event", "trigger", "issued_on")} == {
        "number": "淄高装公开〔2026〕2号",
        "kind": "decision",
        "event": 2,
        "trigger": "decide",
        "issued_on": "2026-03-10",
    }
    assert decision["template"] == "decision/withheld.process_information.j2"
    assert len(decision["template_version"]) == 64
    assert decision["reissue_of"] is None
    assert decision["documents"]["docx"] == {"sha256": sha, "bytes": out.stat().st_size}
    assert set(decision["documents"]) == {"html", "txt", "docx"}


def test_preview_allocates_nothing_and_stores_nothing(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, *OPEN)
    out = tmp_path / "preview.txt"
    shown = run(capsys, "letter", "preview", CASE, "decide", *DECIDE, "--format", "txt",
                "-o", str(out))  # fmt: skip
    assert (
        shown.out == f"淄高装公开〔2026〕2号（暂定） decision (preview, not issued): txt -> {out}\n"
    )
    assert "淄高装公开〔2026〕2号（暂定）" in out.read_text("utf-8")
    assert "属于内部讨论记录" in out.read_text("utf-8")
    assert run(capsys, "letter", "list", CASE).out.endswith("1 letter(s)\n")
    assert run(capsys, "case", "show", CASE, "--json").json()["state"] == "received"
    run(capsys, "case", "fire", CASE, "decide", *DECIDE)
    assert "淄高装公开〔2026〕2号  event 2 decide" in run(capsys, "letter", "list", CASE).out
    consult = ["letter", "preview", CASE, "consult_third_party", "--on", "2026-03-12"]
    assert run(capsys, "case", "fire", CASE, "reopen", "--on", "2026-03-11").code == 0
    line = one_line_error(run(capsys, *consult, "--party", "某公司", "--format", "html", "-o", "-"))
    assert "2 letters (third_party_consultation, third_party_notice): --kind" in line
    chosen = run(capsys, *consult, "--party", "某公司", "--kind", "third_party_consultation",
                 "--format", "txt", "-o", "-")  # fmt: skip
    assert "某公司：" in chosen.out
    assert chosen.err.startswith("淄高装公开〔2026〕3号（暂定） third_party_consultation")


def test_preview_refuses_what_the_step_would_refuse(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, *OPEN)
    decide = ["letter", "preview", CASE, "decide", "--on", "2026-03-10"]
    refused = run(capsys, *decide, "--outcome", "disclosed.provided", "--format", "pdf", "-o", "-")
    line = one_line_error(refused)
    assert line.endswith("缺少：--access（申请人获取信息的方式、地点和时间）。未记录任何内容")


def test_reissue_gives_a_new_number(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, *OPEN)
    run(capsys, "case", "fire", CASE, "decide", *DECIDE)
    result = run(capsys, "letter", "reissue", CASE, "--event", "2", "--on", "2026-11-20")
    assert result.out == "淄高装公开〔2026〕3号 decision (event 2) 2026-11-20\n"
    assert run(capsys, "letter", "list", CASE).out.splitlines()[2] == (
        "淄高装公开〔2026〕3号  event 2 decide  decision  2026-11-20  [html txt]  "
        "re-issues 淄高装公开〔2026〕2号"
    )
    line = one_line_error(run(capsys, "letter", "reissue", CASE, "--event", "2", "--on",
                              "2026-12-01"))  # fmt: skip
    assert "in the future" in line


ERRORS = [
    (("letter", "render", "zbgd-2026-0999", "--format", "pdf", "-o", "-"),
     "no case numbered 'zbgd-2026-0999'"),
    (("letter", "list", "zbgd-2026-0999"), "no case numbered 'zbgd-2026-0999'"),
    (("letter", "render", "zbgd-2026-0002", "--format", "html", "-o", "-"),
     "zbgd-2026-0002: the case has no letters"),
    (("letter", "render", CASE, "--format", "odt", "-o", "-"), "'odt' is not one of"),
    (("letter", "render", CASE, "--event", "9", "--format", "txt", "-o", "-"),
     "no letter of event 9; its letters: event 1 acknowledgement"),
    (("letter", "reissue", CASE, "--event", "7"), "has no event 7"),
    (("letter", "preview", CASE, "extend", "--format", "txt", "-o", "-"),
     "[extend] 未执行，缺少：--approver（"),
]  # fmt: skip


def test_errors_are_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, *OPEN)
    quiet = make_app(db, letters=False, agencies=False)  # a case registered without letters
    try:
        quiet.cases.open(
            NewCase("zbgd", "李四", "natural_person", "fax", date(2026, 3, 2), "某文件")
        )
    finally:
        quiet.close()
    for args, message in ERRORS:
        assert message in one_line_error(run(capsys, *args)), args


def test_an_agency_without_remedy_bodies_is_pointed_out(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "agency", "add", "city", "--name", "某市人民政府").code == 0
    opened = run(capsys, *[("city" if arg == "zbgd" else arg) for arg in OPEN])
    number = opened.out.strip()
    listed = run(capsys, "letter", "list", number)
    assert listed.out.splitlines()[-1] == (
        "note: agency city has no reconsideration-body or court set; its letters name a generic "
        "body: `workflow agency set city --reconsideration-body ... --court ...`"
    )
    assert run(capsys, "letter", "list", number, "--json").json()["letterhead_unset"] == [
        "--reconsideration-body",
        "--court",
    ]
