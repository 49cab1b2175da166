"""The whole annual report in the 2021 Format, as a draft for the disclosure office.

Tables 三 and 四 come from the report; table 二, the fee total and the text sections from
the officer's figures file. ``notifications/reports/annual_report.html.j2`` writes the
document once, as HTML; the DOCX is read from that HTML (``as_docx``), so both carry
the same words and numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.reporting.figures import DECISION_KINDS, DOCUMENT_KINDS, Figures
from workflow.reporting.grid import table3_grid, table4_grid
from workflow.reporting.report import AnnualReport, Status
from workflow.reporting.templates import render
from workflow.store.records import AgencyRecord

TEMPLATE = "annual_report.html.j2"


def agency_contact(session: Session, code: str | None) -> str | None:
    """'机关（地址：…；电话：…）' from the agency's letterhead data, if it has any."""
    if code is None:
        return None
    agency = session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one()
    parts = [
        f"{label}：{value}"
        for label, value in (
            ("地址", agency.address),
            ("邮编", agency.postcode),
            ("电话", agency.phone),
            ("邮箱", agency.email),
        )
        if value
    ]
    if not parts:
        return None
    return f"{agency.short_name or agency.name}（{'；'.join(parts)}）"


def draft_html(report: AnnualReport, figures: Figures, contact: str | None = None) -> str:
    return render(TEMPLATE, draft_context(report, figures, contact))


def draft_context(report: AnnualReport, figures: Figures, contact: str | None) -> dict[str, Any]:
    decisions = figures.decisions
    return {
        "agency_name": figures.agency_name or report.scope.name,
        "year": report.year,
        "contact": figures.contact or contact or "",
        "overview": figures.texts["overview"],
        "documents": [(label, figures.documents[kind]) for kind, label in DOCUMENT_KINDS.items()],
        "decisions": [
            ("五", "本年处理决定数量", [(DECISION_KINDS["licensing"], decisions["licensing"])]),
            (
                "六",
                "本年处理决定数量",
                [
                    (DECISION_KINDS["penalties"], decisions["penalties"]),
                    (DECISION_KINDS["enforcement"], decisions["enforcement"]),
                ],
            ),
            (
                "八",
                "本年收费金额（单位：万元）",
                [("行政事业性收费", _amount(figures.administrative_fees))],
            ),
        ],
        "table3": table3_grid(report.table3),
        "table4": table4_grid(report.table4),
        "problems": figures.texts["problems"],
        "fee_sentence": fee_sentence(figures.fees_collected),
        "other_matters": figures.texts["other_matters"],
        "as_of": report.as_of.isoformat(),
        "provisional": report.provisional_notice,
        "scope": "、".join(report.scope.codes),
        "appeals_rule": report.appeals_rule.description,
        "checks_sentence": checks_sentence(report),
    }


def fee_sentence(collected: Decimal) -> str:
    if collected == 0:
        return "本年度未收取政府信息公开信息处理费。"
    return f"本年度共收取政府信息公开信息处理费{_amount(collected)}元。"


def checks_sentence(report: AnnualReport) -> str:
    failed = report.failed
    if failed:
        names = "、".join(f"{check.title}（涉及{check.case_count}件）" for check in failed)
        return f"勾稽检查未通过：{names}，请核对后再定稿。"
    skipped = [check.title for check in report.checks if check.status is Status.SKIPPED]
    if skipped:
        return f"勾稽检查通过（未检查：{'、'.join(skipped)}）。"
    return "勾稽检查全部通过。"


def _amount(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
