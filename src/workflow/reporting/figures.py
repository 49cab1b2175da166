"""The figures an officer enters for the report draft: table 二, the fee total and the text.

Table 二 counts proactive publication (not applications), so the engine cannot derive it;
the fee total is the information-processing fees collected in the year (section 六). A
small YAML (or JSON) file, validated strictly: an unknown key, a negative count or a
missing figure names the file and the key. Text sections may be left out; the draft
then shows a placeholder to fill in::

    table2:
      regulations: {issued: 0, repealed: 0, in_force: 0}          # 规章
      normative_documents: {issued: 2, repealed: 1, in_force: 14}  # 行政规范性文件
      licensing: 120          # 行政许可 本年处理决定数量
      penalties: 8            # 行政处罚
      enforcement: 0          # 行政强制
      administrative_fees: 0  # 行政事业性收费 本年收费金额（万元）
    fees_collected: 0         # 信息处理费 收取总额（元）
    overview: |               # 一、总体情况 (paragraphs separated by blank lines)
      ...
    problems: ...             # 五、存在的主要问题及改进情况
    other_matters: ...        # 六、其他需要报告的事项 (after the fee sentence)
    agency_name: ...          # optional: the title's agency name (default: from the store)
    contact: ...              # optional: 联系方式 in the opening paragraph
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from workflow import bounded_yaml
from workflow.errors import InvalidInput
from workflow.input_files import UnreadableFile

DOCUMENT_KINDS = {"regulations": "规章", "normative_documents": "行政规范性文件"}
DOCUMENT_FIELDS = ("issued", "repealed", "in_force")
DECISION_KINDS = {"licensing": "行政许可", "penalties": "行政处罚", "enforcement": "行政强制"}
TEXTS = ("overview", "problems", "other_matters")
PLACEHOLDER = "【待填写】"


@dataclass(frozen=True)
class DocumentCounts:
    issued: int
    repealed: int
    in_force: int


@dataclass(frozen=True)
class Figures:
    documents: dict[str, DocumentCounts]  # by DOCUMENT_KINDS key
    decisions: dict[str, int]  # by DECISION_KINDS key
    administrative_fees: Decimal  # 万元
    fees_collected: Decimal  # 元
    texts: dict[str, list[str]]  # paragraphs by TEXTS key
    agency_name: str | None = None
    contact: str | None = None


def load_figures(path: Path) -> Figures:
    try:
        data = bounded_yaml.read(path)
    except UnreadableFile as error:
        raise InvalidInput(f"{path}: cannot read the figures file: {error.reason}") from None
    return parse_figures(data, str(path))


def parse_figures(data: Any, where: str) -> Figures:
    top = _mapping(data, where, "the file")
    _known(top, {"table2", "fees_collected", "agency_name", "contact", *TEXTS}, where, "")
    table2 = _mapping(_required(top, "table2", where), where, "table2")
    _known(table2, {*DOCUMENT_KINDS, *DECISION_KINDS, "administrative_fees"}, where, "table2.")
    documents = {}
    for kind in DOCUMENT_KINDS:
        key = f"table2.{kind}"
        node = _mapping(_required(table2, kind, where, key), where, key)
        _known(node, set(DOCUMENT_FIELDS), where, f"{key}.")
        counts = [_count(node, field, where, f"{key}.{field}") for field in DOCUMENT_FIELDS]
        documents[kind] = DocumentCounts(*counts)
    decisions = {kind: _count(table2, kind, where, f"table2.{kind}") for kind in DECISION_KINDS}
    fees = _amount(
        _required(table2, "administrative_fees", where, "table2.administrative_fees"),
        where,
        "table2.administrative_fees",
    )
    collected = _amount(_required(top, "fees_collected", where), where, "fees_collected")
    texts = {name: _paragraphs(top.get(name), where, name) for name in TEXTS}
    return Figures(
        documents,
        decisions,
        fees,
        collected,
        texts,
        agency_name=_text(top.get("agency_name"), where, "agency_name"),
        contact=_text(top.get("contact"), where, "contact"),
    )


def _fail(where: str, key: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{where}: {key}: {problem}")


def _mapping(value: Any, where: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, key, "must be a mapping of keys to values")
    return value


def _known(node: dict[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    unknown = sorted(str(key) for key in node if key not in allowed)
    if unknown:
        raise _fail(where, prefix + unknown[0], f"unknown key; known: {', '.join(sorted(allowed))}")


def _required(node: dict[str, Any], key: str, where: str, path: str | None = None) -> Any:
    if key not in node or node[key] is None:
        raise _fail(where, path or key, "is required")
    return node[key]


def _count(node: dict[str, Any], name: str, where: str, key: str) -> int:
    value = _required(node, name, where, key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, key, f"must be a whole number, 0 or more (got {value!r})")
    return value


def _amount(value: Any, where: str, key: str) -> Decimal:
    if isinstance(value, bool):
        raise _fail(where, key, f"must be an amount (got {value!r})")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _fail(where, key, f"must be an amount (got {value!r})") from None
    if not amount.is_finite() or amount < 0:
        raise _fail(where, key, f"must be an amount, 0 or more (got {value!r})")
    return amount


def _text(value: Any, where: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(where, key, "must be text")
    return value.strip() or None


def _paragraphs(value: Any, where: str, key: str) -> list[str]:
    text = _text(value, where, key)
    if text is None:
        return [PLACEHOLDER]
    return [_join_lines(block) for block in text.split("\n\n") if block.strip()]


def _join_lines(block: str) -> str:
    """A wrapped paragraph as one line: no space is put between Chinese characters."""
    joined = ""
    for line in (line.strip() for line in block.splitlines()):
        if not line:
            continue
        if joined and joined[-1].isascii() and line[0].isascii():
            joined += " "
        joined += line
    return joined
