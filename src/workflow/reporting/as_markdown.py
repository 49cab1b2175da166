"""The report as Markdown: tables 三 and 四 in the 2021 Format's order, then the checks.

Markdown cannot merge cells, so table 三's label is the row's group and item, with the
section (三、本年度办理结果) on a row of its own; table 四 keeps the published single
row of fifteen cells under two-level headers.
"""

from __future__ import annotations

from workflow.reporting.format2021 import (
    APPEAL_CELL_LABELS,
    APPEAL_CELLS,
    APPEAL_KINDS,
    COLUMN_LABELS,
    COLUMNS,
    FLOW_NOTE,
    LITIGATION_LABEL,
    TABLE3_ROWS,
    TITLE_TABLE3,
    TITLE_TABLE4,
)
from workflow.reporting.report import AnnualReport, Status

_MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "–"}


def to_markdown(report: AnnualReport) -> str:
    lines = [
        f"# {report.scope.name} {report.year}年 政府信息公开工作年度报告：表三、表四",
        "",
        *summary_lines(report),
        "",
        f"## {TITLE_TABLE3}",
        "",
        f"申请人情况（商业企业至其他为法人或其他组织）。{FLOW_NOTE}",
        "",
        _row(["项目", *(COLUMN_LABELS[c] for c in COLUMNS)]),
        _row(["---", *("---:" for _ in COLUMNS)]),
    ]
    section = ""
    for row in TABLE3_ROWS:
        if row.group and row.section != section:
            lines.append(_row([f"**{row.section}**", *("" for _ in COLUMNS)]))
        section = row.section
        label = f"{row.group} {row.item}".strip() if row.group else row.section
        lines.append(_row([label, *(str(report.table3[row.code][c]) for c in COLUMNS)]))
    kinds = list(APPEAL_KINDS)
    headers = [_appeal_header(kind, cell) for kind in kinds for cell in APPEAL_CELLS]
    values = [str(report.table4[kind][cell]) for kind in kinds for cell in APPEAL_CELLS]
    lines += [
        "",
        f"## {TITLE_TABLE4}",
        "",
        _row(headers),
        _row(["---:" for _ in headers]),
        _row(values),
        "",
        "## 检查",
        "",
        *check_lines(report),
    ]
    return "\n".join(lines) + "\n"


def summary_lines(report: AnnualReport) -> list[str]:
    """Scope, as-of date and the appeals rule: what the figures mean."""
    scope = report.scope
    notice = report.provisional_notice
    lines = [
        *([f"- 注意：{notice}"] if notice else []),
        f"- 机关：{scope.name}（{scope.description}）",
        *([f"- 汇总：{', '.join(scope.codes)}"] if len(scope.codes) > 1 else []),
        f"- 统计期限：{report.year}年1月1日至{report.year}年12月31日；数据截至 {report.as_of}",
        f"- 表四口径（{report.appeals_rule.value}）：{report.appeals_rule.description}",
    ]
    for change in report.changes:
        if change.case_count:
            lines.append(f"- {change.sentence}: {_numbers(change.cases, change.case_count)}")
    return lines


def check_lines(report: AnnualReport) -> list[str]:
    lines = []
    for check in report.checks:
        line = f"- {_MARK[check.status]} {check.title} ({check.code}, {check.status.value})"
        if check.status is not Status.PASSED:
            line += f": {check.detail}"
        if check.case_count:
            line += f"; cases: {_numbers(check.cases, check.case_count)}"
        lines.append(line)
    return lines


def _appeal_header(kind: str, cell: str) -> str:
    label = APPEAL_KINDS[kind]
    if kind != "reconsideration":
        label = f"{LITIGATION_LABEL}·{label}"
    return f"{label}·{APPEAL_CELL_LABELS[cell]}"


def _numbers(cases: tuple[str, ...], count: int) -> str:
    text = ", ".join(cases)
    return text + (f" and {count - len(cases)} more" if count > len(cases) else "")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
