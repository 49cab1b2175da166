"""Charts of a report year drawn as SVG by the server: horizontal bars, each labelled
with its number, the whole an image with a ``<title>`` (``role="img"``) so a screen
reader announces it; the page shows the same numbers in a table beside it.

Three charts: applications received per month, outcomes by row of table 三, and the
working days from receipt to the answer. Nothing is loaded from elsewhere; the SVG is
text built here, every label escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from workflow.deadlines import WorkingCalendar
from workflow.errors import CalendarNotPublished
from workflow.reporting.format2021 import TABLE3_ROWS, TOTAL
from workflow.reporting.report import AnnualReport
from workflow.store.records import CaseRecord

# Working days to answer, in the statutory periods' terms: within 20 WD (Art. 33),
# within the extension (40 WD), later.
ANSWER_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("5个工作日以内", 5),
    ("6至10个工作日", 10),
    ("11至15个工作日", 15),
    ("16至20个工作日", 20),
    ("21至40个工作日（延期）", 40),
    ("超过40个工作日", None),
)

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 260
BAR_WIDTH = 360
NUMBER_WIDTH = 60


@dataclass(frozen=True)
class Chart:
    key: str  # the id of its elements on the page
    title: str
    unit: str
    bars: tuple[tuple[str, int], ...]
    note: str | None = None

    @property
    def total(self) -> int:
        return sum(value for _, value in self.bars)


def applications_per_month(session: Session, agency_ids: Sequence[int], year: int) -> Chart:
    """Applications received in each month of ``year`` (the receipt date, Art. 31)."""
    month = extract("month", CaseRecord.received_on)
    rows = dict(
        session.execute(
            select(month, func.count())
            .where(
                CaseRecord.agency_id.in_(sorted(agency_ids)),
                CaseRecord.received_on >= date(year, 1, 1),
                CaseRecord.received_on <= date(year, 12, 31),
            )
            .group_by(month)
        ).all()
    )
    bars = tuple((f"{m}月", int(rows.get(m, 0))) for m in range(1, 13))
    return Chart("months", f"{year}年每月收到的申请", "件", bars)


def outcomes_by_row(report: AnnualReport) -> Chart:
    """The rows of table 三's results (三、本年度办理结果) that have cases, by total."""
    bars = tuple(
        (row.label, report.table3[row.code][TOTAL])
        for row in TABLE3_ROWS
        if row.code.startswith("3.") and row.code != "3.7" and report.table3[row.code][TOTAL]
    )
    note = None if bars else "本年度尚无办结的申请。"
    return Chart("outcomes", "办理结果（表三第三项，按行）", "件", bars, note)


def answer_times(
    session: Session, calendar: WorkingCalendar, agency_ids: Sequence[int], year: int
) -> Chart:
    """Working days from receipt to the first closure, for cases closed in ``year``."""
    rows = session.execute(
        select(CaseRecord.received_on, CaseRecord.first_closed_on).where(
            CaseRecord.agency_id.in_(sorted(agency_ids)),
            CaseRecord.first_closed_on >= date(year, 1, 1),
            CaseRecord.first_closed_on <= date(year, 12, 31),
        )
    ).all()
    counts = [0] * len(ANSWER_BUCKETS)
    unknown = 0
    for received, closed in rows:
        assert closed is not None  # selected by its closure date
        try:
            days = calendar.working_days_between(received, closed)
        except CalendarNotPublished:
            unknown += 1  # a year between them is not loaded: not counted
            continue
        counts[_bucket(days)] += 1
    bars = tuple((label, count) for (label, _), count in zip(ANSWER_BUCKETS, counts, strict=True))
    note = f"另有{unknown}件所跨年份未载入节假日安排，未计入。" if unknown else None
    return Chart("answer-days", f"{year}年办结申请的办理用时（工作日）", "件", bars, note)


def _bucket(days: int) -> int:
    for index, (_, limit) in enumerate(ANSWER_BUCKETS):
        if limit is None or days <= limit:
            return index
    return len(ANSWER_BUCKETS) - 1


def bar_chart_svg(chart: Chart) -> Markup:
    """The chart as inline SVG: one bar per row, its number at its end."""
    height = max(len(chart.bars), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH
    largest = max((value for _, value in chart.bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="chart-{chart.key}-title">',
        f'<title id="chart-{chart.key}-title">{escape(_summary(chart))}</title>',
    ]
    for index, (label, value) in enumerate(chart.bars):
        top = GAP + index * (BAR_HEIGHT + GAP)
        middle = top + BAR_HEIGHT * 0.7
        length = round(BAR_WIDTH * value / largest)
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end" '
            f'font-size="14" fill="#1a1a1a">{escape(_short(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="#0b4f8a"></rect>',
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle:.0f}" font-size="14" '
            f'fill="#1a1a1a">{value}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _summary(chart: Chart) -> str:
    values = "，".join(f"{label}{value}{chart.unit}" for label, value in chart.bars)
    return f"{chart.title}：{values or '无数据'}"


def _short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
