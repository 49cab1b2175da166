"""A queue row as the console shows it and exports it: the clock that matters now in
words (剩余N个工作日, 已超期N个工作日, 已暂停（…）, 已延期, 待N年节假日安排), the next legal step,
and the applicant and request masked where the viewer's role does not need them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from workflow.access.masking import mask_text
from workflow.cases.views import CaseRow, DeadlineView
from workflow.codes import Channel

EXCERPT = 60  # characters of the request on a row
CSV_HEADER = (
    "案件编号", "申请人", "申请内容", "提交方式", "收到日期", "承办人", "办理状态", "期限",
    "到期日", "期限情况", "期限说明", "下一步",
)  # fmt: skip


@dataclass(frozen=True)
class QueueRow:
    number: str
    applicant: str
    excerpt: str
    channel: str
    received_on: date
    handler: str
    state: str
    clock: str  # the clock's label (答复期限)
    due_on: date | None
    standing: str  # 剩余3个工作日, 已超期2个工作日, ...
    urgency: str  # the CSS class of the standing
    detail: str  # the clock's label and due date (and, while paused, the one running)
    next_step: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.number, self.applicant, self.excerpt, self.channel, self.received_on.isoformat(),
            self.handler, self.state, self.clock, self.due_on.isoformat() if self.due_on else "",
            self.standing, self.detail, self.next_step,
        )  # fmt: skip


def standing(
    remaining: int, overdue: int, extended_by: int, awaiting_year: int | None
) -> tuple[str, str]:
    """The words for where a running clock stands, and how urgent (a CSS class)."""
    if awaiting_year is not None:
        extended = "，已延期" if extended_by else ""
        return (
            f"待{awaiting_year}年节假日安排（剩余{remaining}个工作日{extended}）",
            "clock-waiting",
        )
    if overdue > 0:
        text, urgency = f"已超期{overdue}个工作日", "clock-overdue"
    else:
        text, urgency = f"剩余{remaining}个工作日", ""
    if extended_by:
        text += "（已延期）"
    return text, urgency


def standing_of(due: DeadlineView) -> tuple[str, str]:
    return standing(
        due.remaining_workdays, due.overdue_workdays, due.extended_by, due.awaiting_calendar_year
    )


def queue_row(
    row: CaseRow, trigger_labels: Mapping[str, str], masked: Callable[[str], bool]
) -> QueueRow:
    """The row as the viewer may see it (``masked(agency)``: without personal data)."""
    due = row.next_due
    if row.open and row.paused:  # the period running meanwhile is in the detail
        text, urgency = f"已暂停（{row.state_label}）", "clock-paused"
    elif due is not None:
        text, urgency = standing_of(due)
    else:
        text, urgency = ("已办结" if not row.open else "—"), ""
    detail = ""
    if due is not None:
        detail = f"{due.label or due.clock} {due.due_on or '待定'}"
        if row.paused:
            detail += "，" + standing_of(due)[0]
    hide = masked(row.agency)
    request = mask_text(row.request) if hide else row.request
    excerpt = request if len(request) <= EXCERPT else request[:EXCERPT] + "…"
    return QueueRow(
        number=row.number,
        applicant=mask_text(row.applicant) if hide else row.applicant,
        excerpt=" ".join(excerpt.split()),
        channel=_channel_label(row.channel),
        received_on=row.received_on,
        handler=row.handler or "未分配",
        state=row.state_label + (f"（{row.outcome_label}）" if row.outcome_label else ""),
        clock=(due.label or due.clock) if due is not None else "",
        due_on=due.due_on if due is not None else None,
        detail=detail,
        standing=text,
        urgency=urgency,
        next_step=trigger_labels.get(row.next_step, row.next_step) if row.next_step else "",
    )


def queue_rows(
    rows: Iterable[CaseRow], trigger_labels: Mapping[str, str], masked: Callable[[str], bool]
) -> list[QueueRow]:
    return [queue_row(row, trigger_labels, masked) for row in rows]


def _channel_label(code: str) -> str:
    member = Channel.parse(code) if code else None
    return member.label if member is not None else code
