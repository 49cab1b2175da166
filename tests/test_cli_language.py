"""The command line in the office's language: labels in, labels out, refusals name the known."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import one_line_error, run

CASE = "zbgd-2026-0001"
OPEN_IN_CHINESE = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type", "自然人",
    "--channel", "邮寄（需签收）", "--received", "2026-02-12",
    "--request", "2025年度财政预算执行情况",
]  # fmt: skip


def test_labels_are_taken_wherever_a_code_is(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_USER", "李四")
    assert run(capsys, *OPEN_IN_CHINESE).out == f"{CASE}\n"
    extended = run(capsys, "case", "fire", CASE, "延期答复", "--on", "2026-03-02",
                   "--approver", "王主任", "--reason", "需要调取档案", "--json").json()  # fmt: skip
    assert (extended["trigger"], extended["to_state"]) == ("extend", "extended")
    decided = run(capsys, "case", "fire", CASE, "decide", "--on", "2026-03-10",
                  "--outcome", "予以公开", "--access", "电子邮件", "--json").json()  # fmt: skip
    assert decided["outcome"] == "disclosed.provided"
    appealed = run(capsys, "case", "fire", CASE, "appeal", "--on", "2026-03-20",
                   "--kind", "行政复议", "--json").json()  # fmt: skip
    assert appealed["to_state"] == "appealed"
    shown = run(capsys, "case", "show", CASE, "--json").json()
    assert (shown["applicant"]["type"], shown["channel"]) == ("natural_person", "registered_post")
    assert shown["appeals"][0]["kind"] == "reconsideration"
    assert {event["actor"] for event in shown["events"]} == {"李四"}  # never "system"
    assert shown["handler"] == "李四"
    listed = run(capsys, "case", "list", "--state", "行政复议或诉讼中", "--handler", "李四")
    assert listed.out.splitlines() == [
        f"{CASE}  2026-02-12  行政复议或诉讼中 [appealed]  张三  承办人 李四  "
        "予以公开 [disclosed.provided]",
        "共 1 件，截至 2026-11-26",
    ]


def test_screens_speak_chinese_with_the_codes_in_brackets(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_USER", "李四")
    run(capsys, *OPEN_IN_CHINESE)
    fired = run(capsys, "case", "fire", CASE, "extend", "--on", "2026-03-02",
                "--approver", "王主任", "--reason", "需要调取档案")  # fmt: skip
    assert fired.out.splitlines() == [
        f"{CASE}: 延期答复 [extend]: 办理中 [received] → 延期办理中 [extended]",
        "  文书：淄高装公开〔2026〕2号  政府信息公开申请延期答复告知书 [extension_notice]",
    ]
    shown = run(capsys, "case", "show", CASE, "--as-of", "2026-03-02").out.splitlines()
    assert shown[:5] == [
        f"{CASE}  淄博高端装备中心  延期办理中 [extended]",
        "  申请人：张三（自然人 [natural_person]），2026-02-12 收到，"
        "邮寄（需签收） [registered_post]",
        "  承办人：李四",
        "  申请内容：2025年度财政预算执行情况",
        "  答复期限 [answer]：2026-04-16 到期，剩 32 个工作日",
    ]
    assert (
        "     2. 2026-03-02 延期答复 [extend]：办理中 [received] → 延期办理中 [extended]（李四）"
        in shown
    )
    notice = run(capsys, "letter", "render", CASE, "--kind", "extension_notice", "-o", "-",
                 "--format", "txt").out  # fmt: skip
    assert "因需要调取档案，本机关不能在法定期限内作出答复" in notice


def test_help_lists_the_codes_with_their_labels(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fire_help = run(capsys, "case", "fire", "--help").out
    for line in ("Triggers (操作):", "extend                     延期答复", "部分公开",
                 "partially_disclosed", "reconsideration", "行政复议", "维持"):  # fmt: skip
        assert line in fire_help
    open_help = run(capsys, "case", "open", "--help").out
    for text in (
        "natural_person  自然人",
        "registered_post  邮寄（需签收）",
        "fax              传真",
    ):
        assert text in open_help


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("case", "fire", CASE, "延长"),
         "unknown trigger '延长'; known: request_correction (告知补正), "),
        (("case", "fire", CASE, "decide", "--outcome", "公开"),
         "unknown outcome '公开'; known: disclosed.already_public (予以公开（已主动公开）), "),
        (("case", "fire", CASE, "appeal", "--kind", "复议"),
         "unknown appeal kind '复议'; known: reconsideration (行政复议), "),
        (("case", "open", "--agency", "zbgd", "--applicant", "a", "--applicant-type", "个人",
          "--channel", "fax", "--received", "2026-03-01", "--request", "r"),
         "unknown applicant type '个人'; known: natural_person (自然人), business (商业企业), "),
        (("case", "list", "--state", "办理"), "unknown state '办理'; known: received (办理中), "),
        (("case", "list", "--agency", "nowhere"), "unknown agency 'nowhere'; agencies: zbgd"),
        (("case", "list", "--handler", "王五"), "no case has handler '王五'; handlers: root"),
        (("letter", "render", CASE, "-o", "answer.odt"), "give --format (html, txt, docx, pdf)"),
        (("letter", "render", CASE, "-o", "-"), "(-o -) needs --format (html, txt, docx, pdf)"),
    ],
)  # fmt: skip
def test_an_unknown_value_names_the_known_ones(
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.setenv("WORKFLOW_USER", "root")
    run(capsys, *OPEN_IN_CHINESE)
    assert message in one_line_error(run(capsys, *args))


def test_letter_format_from_the_file_name_and_the_only_agency_reported(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, *OPEN_IN_CHINESE, "--by", "李四")
    out = tmp_path / "receipt.html"
    rendered = run(capsys, "letter", "render", CASE, "-o", str(out))
    assert rendered.out.startswith("淄高装公开〔2026〕1号 acknowledgement (event 1): html sha256 ")
    assert out.read_text("utf-8").lstrip().startswith("<!DOCTYPE html>")
    report = run(capsys, "report", "annual", "--year", "2026", "--format", "json")
    assert report.code in (0, 1), report.err  # 1: a check names what to look at
    assert (report.json()["agency"], report.json()["agencies"]) == ("zbgd", ["zbgd"])


def test_a_refused_step_names_every_missing_input_at_once(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, *OPEN_IN_CHINESE)
    decide = ["case", "fire", CASE, "decide", "--on", "2026-03-10"]
    # --reason and --ground are the trigger's guards'; --access only the decision letter needs.
    partial = one_line_error(run(capsys, *decide, "--outcome", "部分公开"))
    assert partial == (
        f"error: {CASE}: 作出答复 [decide] 未执行，缺少："
        "--reason（理由，每行一项：答复的依据和理由、需补正的事项或第三十五条所说的理由）；"
        "--ground（不予公开部分的理由：withheld.state_secret|withheld.prohibited_by_law|"
        "withheld.security_stability|withheld.third_party_rights|withheld.internal_affairs|"
        "withheld.process_information|withheld.enforcement_file）；"
        "--access（申请人获取信息的方式、地点和时间）。未记录任何内容"
    )
    # Given the party, the letter also needs its contact: named with the guard's --reason.
    other = one_line_error(run(capsys, *decide, "--outcome", "unavailable.other_agency"))
    assert "--party 或 --responsible-unknown（" in other
    assert "；--reason（" in other
    assert other.endswith("；--contact（该方的联系方式）。未记录任何内容")
    # When the guards hold, the letter's own refusal (rendered outside the transaction) is
    # the step's, worded the same way.
    provided = one_line_error(run(capsys, *decide, "--outcome", "disclosed.provided"))
    assert provided == (
        f"error: {CASE}: 作出答复 [decide] 未执行，缺少："
        "--access（申请人获取信息的方式、地点和时间）。未记录任何内容"
    )
    # Nothing was recorded, and giving what was named is enough.
    assert [e["trigger"] for e in run(capsys, "case", "show", CASE, "--json").json()["events"]] == [
        "open"
    ]
    decided = run(capsys, *decide, "--outcome", "部分公开", "--reason", "涉及商业秘密",
                  "--ground", "withheld.third_party_rights", "--access", "电子邮件")  # fmt: skip
    assert decided.code == 0, decided.err
    assert "已办结 [decided]，部分公开 [partially_disclosed]" in decided.out
