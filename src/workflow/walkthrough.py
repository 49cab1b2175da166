"""``make walkthrough``: a walk-through of what the project does, on the embedded defaults.

It drives the real command line against a fresh SQLite store in ``walkthrough/``
(kept afterwards, to look at), so every step shown is a command a user can type.
The story is told as of a fixed date (``WORKFLOW_TODAY``), so it reads the same
whenever it is run.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
from collections.abc import Sequence
from pathlib import Path

from workflow.cli import cli
from workflow.scheduling.walkthrough import scheduler_part

TODAY = "2026-06-30"
ROOT = Path("walkthrough")


def step(title: str, *args: str) -> str:
    """Run one command as a user would and show it; return what it printed."""
    print(f"\n### {title}\n$ workflow {shlex.join(args)}", flush=True)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            cli.main(args=list(args), prog_name="workflow", standalone_mode=False)
    except Exception as exc:  # shown as a user would see it
        print(out.getvalue(), end="")
        print(f"error: {exc}")
        return ""
    print(out.getvalue(), end="", flush=True)
    return out.getvalue().strip()


def open_case(applicant: str, kind: str, received: str, request: str) -> str:
    return step(
        f"Register {applicant}'s application received {received}",
        "case", "open", "--agency", "zbgd", "--applicant", applicant, "--applicant-type", kind,
        "--channel", "online", "--received", received, "--request", request, "--by", "李四",
    )  # fmt: skip


def fire(number: str, trigger: str, *options: str) -> None:
    step(f"{number}: {trigger}", "case", "fire", number, trigger, "--by", "李四", *options)


def calendar_part() -> None:
    print("\n## 1. Official working days (Regulation Art. 33: 20 working days)")
    step("Loaded calendar years and their notices", "calendar", "years")
    step("Received Thu 2026-02-12: the 7-WD correction notice deadline", "calendar",
         "add-workdays", "2026-02-12", "7")  # fmt: skip
    step("That Saturday is a make-up working day", "calendar", "is-workday", "2026-02-28")
    step("A year with no published calendar is refused, never guessed", "calendar",
         "add-workdays", "2027-03-01", "5")  # fmt: skip


def cases_part() -> list[str]:
    print("\n## 2. Cases through the lifecycle (definitions/disclosure.yaml)")
    step("Create the store", "init")
    step(
        "Add the agency with its letterhead data",
        "agency", "add", "zbgd", "--name", "淄博高端装备及现代服务业产业园管理中心",
        "--short-name", "淄高装", "--address", "淄博市高新区古侯路4317号", "--phone",
        "0533-8100167", "--reconsideration-body", "淄博高新技术产业开发区管理委员会",
        "--court", "淄博市张店区人民法院", "--head", "王主任",
    )  # fmt: skip
    first = open_case("张三", "natural_person", "2026-02-12", "2025年度财政预算执行情况")
    fire(first, "consult_third_party", "--on", "2026-03-05", "--party", "某科技有限公司")
    fire(first, "receive_third_party_reply", "--on", "2026-03-20")
    fire(first, "extend", "--on", "2026-03-25", "--approver", "王主任")
    fire(first, "decide", "--on", "2026-04-20", "--outcome", "partially_disclosed",
         "--reason", "其中涉及第三方商业秘密的内容不予公开",
         "--ground", "withheld.third_party_rights", "--access", "以电子邮件方式提供")  # fmt: skip
    step("The answer deadline, with its explanation", "case", "show", first)
    second = open_case("某律师事务所", "legal_services", "2026-05-06", "某地块征收补偿方案")
    fire(second, "request_correction", "--on", "2026-05-08", "--days", "10",
         "--reason", "请明确所需信息的名称或文号")  # fmt: skip
    third = open_case("李四", "natural_person", "2026-06-01", "某项目环境影响评价文件")
    step("A trigger the state does not allow names the allowed ones", "case", "fire", third,
         "receive_payment")  # fmt: skip
    fire(third, "issue_fee_notice", "--on", "2026-06-05", "--amount", "300")
    fire(third, "fee_notice_served", "--on", "2026-06-08")  # the applicant signed for it
    step("The fee period counts again from the applicant's receipt", "case", "show", third)
    step("Open cases with a deadline within 10 working days", "case", "list", "--open",
         "--due-within", "10")  # fmt: skip
    step("Replay every case's events against the store", "verify")
    return [first, second, third]


def letters_part(decided: str) -> None:
    print("\n## 3. Letters: issued with each step, numbered, archived")
    step("The letters the first case produced", "letter", "list", decided)
    text = ROOT / "letters" / f"{decided}-answer.txt"
    text.parent.mkdir(exist_ok=True)
    step("Its answer letter, as archived (text form)", "letter", "render", decided,
         "--format", "txt", "-o", str(text))  # fmt: skip
    print(text.read_text(encoding="utf-8"))
    for fmt in ("html", "docx", "pdf"):
        target = ROOT / "letters" / f"{decided}-answer.{fmt}"
        target.parent.mkdir(exist_ok=True)
        step(f"The same letter as {fmt.upper()}", "letter", "render", decided, "--format", fmt,
             "-o", str(target))  # fmt: skip


def report_part() -> None:
    print("\n## 5. The annual report's tables 三 and 四, from the cases, checked")
    step("Tables 三 and 四 for 2026 so far (Markdown; also csv, xlsx, json, html)", "report",
         "annual", "--year", "2026", "--agency", "zbgd")  # fmt: skip
    target = ROOT / "report-2026.xlsx"
    step("The same as a spreadsheet laid out like the published tables", "report", "annual",
         "--year", "2026", "--agency", "zbgd", "-o", str(target))  # fmt: skip


# An EXAMPLE of the notice's form, made up for this walk-through and the README: not the State
# Council's 2027 notice (not published as of the story's dates). Never import it into a real store.
EXAMPLE_2027_NOTICE = """source: an EXAMPLE for the walk-through and the README, not published
国务院办公厅关于2027年部分节假日安排的通知

经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。

一、元旦：1月1日（周五）至3日（周日）放假，共3天。

二、春节：2月5日（周五）至11日（周四）放假调休，共7天。2月20日（周六）上班。

三、清明节：4月3日（周六）至5日（周一）放假，共3天。

四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。

五、端午节：6月9日（周三）放假，共1天。

六、中秋节：9月15日（周三）放假，共1天。

七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def year_end_part() -> None:
    print("\n## 6. Year end: a deadline in a year whose holiday notice is not out yet")
    os.environ["WORKFLOW_TODAY"] = "2026-12-10"  # later that year
    number = open_case("王五", "natural_person", "2026-12-10", "某道路改造工程的批复文件")
    step("Its 20 WD run into 2027: the due date is flagged, not refused and not guessed",
         "case", "show", number)  # fmt: skip
    step("Cases whose due date waits for a calendar year", "case", "list", "--awaiting-calendar")
    notice = ROOT / "2027-notice-EXAMPLE.txt"
    notice.write_text(EXAMPLE_2027_NOTICE, encoding="utf-8")
    step("The notice is out: import it into the store (an EXAMPLE text here); every deadline "
         "is recomputed", "calendar", "import-notice", str(notice), "--by", "李四")  # fmt: skip
    step("The due date, counted over 2027's holidays", "case", "show", number)
    step("The store's years: where each came from, and its hash", "calendar", "years")


def main(argv: Sequence[str] | None = None) -> None:
    os.environ["WORKFLOW_TODAY"] = TODAY
    if ROOT.exists():
        shutil.rmtree(ROOT)
    ROOT.mkdir()
    os.environ["WORKFLOW_DB"] = f"sqlite:///{ROOT / 'workflow.db'}"
    print(f"Walk-through as of {TODAY}; the store is {ROOT / 'workflow.db'}.")
    calendar_part()
    decided, lapsing, _ = cases_part()
    letters_part(decided)
    scheduler_part(step, ROOT, lapsing)
    report_part()
    year_end_part()
    print(f"\nDone. Inspect the store with: WORKFLOW_DB=sqlite:///{ROOT}/workflow.db workflow ...")


if __name__ == "__main__":
    main()
