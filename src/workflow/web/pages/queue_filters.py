"""The queue's filters as the page's query string gives them: read, checked (each problem
beside its field), stored as the user's filters in use, and turned into a ``CaseFilter``.

By default a user sees their own open cases, the most urgent first. Every value goes to
``list_cases`` as data (bound parameters there), never into a statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from workflow.cases.case_list import RECEIVED, URGENCY, CaseFilter
from workflow.codes import Channel

MINE, ALL, UNASSIGNED = "mine", "all", "unassigned"
WHO_LABELS = {MINE: "我承办的", UNASSIGNED: "未分配的", ALL: "全部"}
ORDER_LABELS = {URGENCY: "按紧急程度", RECEIVED: "按收到日期"}
PAGE_SIZE = 50
TEXT_LIMIT = 100


@dataclass(frozen=True)
class QueueFilters:
    """The filters as text, as the form shows them back."""

    who: str = MINE
    state: str = ""
    handler: str = ""
    agency: str = ""
    channel: str = ""
    due_within: str = ""
    overdue: bool = False
    awaiting: bool = False
    closed: bool = False  # closed cases too
    received_from: str = ""
    received_to: str = ""
    q: str = ""
    order: str = URGENCY

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QueueFilters:
        names = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def query(self, **extra: str | int) -> str:
        """The query string that shows these filters (only what differs from the default)."""
        default = QueueFilters()
        pairs: list[tuple[str, str | int]] = []
        for key, value in asdict(self).items():
            if value == getattr(default, key):
                continue
            pairs.append((key, "1" if value is True else "0" if value is False else value))
        pairs += [(key, value) for key, value in extra.items()]
        return urlencode(pairs)


def read_filters(params: Mapping[str, str]) -> QueueFilters:
    """The filters a query string names; what it leaves out is the default."""

    def text(name: str) -> str:
        return params.get(name, "").strip()[:TEXT_LIMIT]

    return QueueFilters(
        who=text("who") or MINE,
        state=text("state"),
        handler=text("handler"),
        agency=text("agency"),
        channel=text("channel"),
        due_within=text("due_within"),
        overdue=params.get("overdue") == "1",
        awaiting=params.get("awaiting") == "1",
        closed=params.get("closed") == "1",
        received_from=text("received_from"),
        received_to=text("received_to"),
        q=text("q"),
        order=text("order") or URGENCY,
    )


def check_filters(
    filters: QueueFilters, states: Mapping[str, str], agencies: Mapping[str, str]
) -> dict[str, str]:
    """Each filter's problem in Chinese, by field name; empty when all are usable."""
    errors: dict[str, str] = {}
    if filters.who not in WHO_LABELS:
        errors["who"] = "请选择列出哪些案件"
    if filters.state and filters.state not in states:
        errors["state"] = "没有这个办理状态"
    if filters.agency and filters.agency not in agencies:
        errors["agency"] = "没有这个机关，或您无权查看"
    if filters.channel and filters.channel not in Channel.codes():
        errors["channel"] = "没有这个提交方式"
    if filters.due_within and not (
        filters.due_within.isdigit() and int(filters.due_within) <= 1000
    ):
        errors["due_within"] = "请填写0到1000之间的工作日数"
    for name in ("received_from", "received_to"):
        value = getattr(filters, name)
        if value and _date(value) is None:
            errors[name] = "请按YYYY-MM-DD填写日期"
    start, end = _date(filters.received_from), _date(filters.received_to)
    if start and end and start > end and "received_to" not in errors:
        errors["received_to"] = "结束日期早于开始日期"
    if filters.order not in ORDER_LABELS:
        errors["order"] = "请选择排序方式"
    return errors


def case_filter(
    filters: QueueFilters,
    user: str,
    agency_ids: frozenset[int],
    *,
    page: int = 1,
    limit: int | None = PAGE_SIZE,
) -> CaseFilter:
    """The ``CaseFilter`` of checked filters, for ``user`` in the agencies of their scope."""
    handler = filters.handler or (user if filters.who == MINE else None)
    criteria = CaseFilter(
        agency=filters.agency or None,
        state=filters.state or None,
        open_only=not filters.closed,
        due_within=int(filters.due_within) if filters.due_within else None,
        overdue=filters.overdue,
        awaiting_calendar=filters.awaiting,
        handler=handler,
        agency_ids=agency_ids,
        text=filters.q or None,
        channel=filters.channel or None,
        received_from=_date(filters.received_from),
        received_to=_date(filters.received_to),
        unassigned=filters.who == UNASSIGNED and not filters.handler,
        order=filters.order,
    )
    if limit is None:
        return criteria
    return replace(criteria, limit=limit, offset=(max(page, 1) - 1) * limit)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
