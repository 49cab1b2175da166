"""What a handler supplies with a trigger, and what the lifecycle knows of the case."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from workflow.deadlines import ClockEntry, EntryKind

# The clocks the lifecycle's own rules read by name (Arts. 30 and 33). The guards and
# conditions that read them declare so (``guards.CLOCKS_READ``), and the loader refuses
# a definition that uses one of them without declaring the clock.
ANSWER = "answer"
CORRECTION = "correction"
CORRECTION_NOTICE = "correction_notice"
REASONS = "reasons"  # the applicant's time to state reasons (Art. 35)

# Inputs every trigger accepts; the rest must be declared in the trigger's `inputs`.
ALWAYS_ACCEPTED = frozenset({"on", "by", "note"})


@dataclass(frozen=True, slots=True)
class StepInput:
    """The handler's inputs for one trigger (the CLI's options, the web form's fields)."""

    on: date
    by: str = "system"
    note: str | None = None
    outcome: str | None = None
    reason: str | None = None
    days: int | None = None
    until: date | None = None
    kind: str | None = None
    result: str | None = None
    amount: Decimal | None = None
    party: str | None = None
    contact: str | None = None
    approver: str | None = None
    access: str | None = None  # how, where and when the applicant gets the information
    objection: str | None = None  # a third party's objection to disclosure, with its grounds
    ground: str | None = None  # the withheld part's ground: a withheld.* outcome code
    responsible_unknown: bool | None = None  # Art. 36(5): the responsible agency cannot be named

    def given(self) -> set[str]:
        """The optional inputs that were actually supplied."""
        return {name for name in INPUT_NAMES if getattr(self, name) is not None}

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready form stored with the event; ``from_payload`` reverses it."""
        payload: dict[str, Any] = {}
        for name in _PAYLOAD_NAMES:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            payload[name] = value
        return payload

    def supposing(self, names: Iterable[str]) -> StepInput:
        """The step as if ``names`` had been given (a placeholder each; codes cannot be
        supposed): what a refusal asks the step's letters, to name what else they need."""
        values: dict[str, Any] = {}
        for name in names:
            if name in _TEXT_INPUTS and getattr(self, name) is None:
                values[name] = PLACEHOLDER
            elif name in _SUPPOSED:
                values[name] = _SUPPOSED[name]
        return replace(self, **values)

    @classmethod
    def from_payload(cls, on: date, by: str, payload: Mapping[str, Any]) -> StepInput:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in payload.items() if k in known}
        if "until" in values:
            values["until"] = date.fromisoformat(values["until"])
        if "amount" in values:
            values["amount"] = Decimal(values["amount"])
        return cls(on=on, by=by, **values)


INPUT_NAMES = frozenset(f.name for f in fields(StepInput)) - ALWAYS_ACCEPTED
# In declaration order (the stored payload's key order), computed once: a batch
# path turns thousands of inputs into payloads.
_PAYLOAD_NAMES = tuple(f.name for f in fields(StepInput) if f.name not in ("on", "by"))


PLACEHOLDER = "（待填写）"
_TEXT_INPUTS = frozenset({"reason", "party", "contact", "approver", "access", "objection", "note"})
_SUPPOSED: dict[str, Any] = {"amount": Decimal(1), "days": 1, "responsible_unknown": True}

# What each input is, as a refusal for a missing one says it (the screens speak Chinese).
INPUT_HELP: dict[str, str] = {
    "outcome": "答复结果，代码或名称，见 case fire --help",
    "reason": "理由，每行一项：答复的依据和理由、需补正的事项或第三十五条所说的理由",
    "days": "期限的工作日数",
    "until": "期限的最后一日",
    "kind": "复议或诉讼的种类",
    "result": "复议或诉讼的结果",
    "amount": "信息处理费金额（元）",
    "party": "第三方、被征求意见的机关或负责公开该信息的机关",
    "contact": "该方的联系方式",
    "approver": "延期答复的批准人：政府信息公开工作机构负责人",
    "access": "申请人获取信息的方式、地点和时间",
    "objection": "第三方的不同意见及其理由",
    "ground": "不予公开部分的理由，withheld.* 代码或名称",
    "responsible_unknown": "负责公开该信息的机关无法确定",
    "note": "文书引用的说明",
}


@dataclass(frozen=True, slots=True)
class PastStep:
    """A step already on the case: what guards that depend on an earlier step look at
    (a third party's objection, the notice that answered it)."""

    trigger: str
    on: date
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    """The facts about a case that guards and effects look at."""

    number: str
    state: str
    received_on: date
    ledgers: Mapping[str, tuple[ClockEntry, ...]] = field(default_factory=dict)
    corrections_requested: int = 0
    extensions: int = 0
    pending_appeals: tuple[str, ...] = ()  # kinds, oldest first
    appeals: tuple[str, ...] = ()  # the kinds of every appeal filed, oldest first
    # the steps so far, oldest first (a handler's step reads them only if a guard looks)
    history: Sequence[PastStep] = ()

    @classmethod
    def of(
        cls,
        number: str,
        state: str,
        received_on: date,
        ledgers: Mapping[str, tuple[ClockEntry, ...]],
        pending_appeals: tuple[str, ...] = (),
        appeals: tuple[str, ...] = (),
        history: Sequence[PastStep] = (),
    ) -> CaseSnapshot:
        """A snapshot whose counts are read from the ledgers: a correction notice starts the
        correction clock, an extension is an entry of the answer clock."""
        return cls(
            number=number,
            state=state,
            received_on=received_on,
            ledgers=ledgers,
            corrections_requested=int(CORRECTION in ledgers),
            extensions=sum(e.kind is EntryKind.EXTEND for e in ledgers.get(ANSWER, ())),
            pending_appeals=pending_appeals,
            appeals=appeals,
            history=history,
        )
