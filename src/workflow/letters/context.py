"""What a letter needs, as frozen plain values: the contract between the engine and the templates.

The engine maps its records into a ``LetterContext``; the templates read nothing else.
The context is stored with each letter (``to_json``) and a letter can be rendered again
from it later (``from_json``), so it holds only plain values: strings, numbers, dates,
``Decimal`` amounts. Dates are business dates (``datetime.date``); nothing here reads
the clock.

Field names are what the templates see (``agency.name``, ``case.received_on``,
``step.until``, ``deadlines.answer.due_on``...). A value the template prints must be
present: an absent optional field that a template needs is an error at render time,
never a blank. Codes are checked here against DOMAIN.md (applicant types, channels).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel
from workflow.errors import LetterError

_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


def _required(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, str) or not value.strip():
            raise LetterError(f"{type(owner).__name__}.{name} must be a non-empty string")


def _one_of(owner: object, name: str, allowed: frozenset[str]) -> None:
    value = getattr(owner, name)
    if value not in allowed:
        expected = ", ".join(sorted(allowed))
        raise LetterError(f"{type(owner).__name__}.{name} = {value!r}; expected one of {expected}")


@dataclass(frozen=True)
class LetterheadData:
    """The issuing agency, as printed on its letters."""

    code: str
    name: str  # full name: appears in the title and the signature
    short_name: str  # for the document number (文号)
    reconsideration_body: str  # hears reconsideration, e.g. 淄博市人民政府
    court: str  # first-instance court for direct litigation
    seal_text: str = "（印章）"
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        _required(self, "code", "name", "short_name", "reconsideration_body", "court", "seal_text")


@dataclass(frozen=True)
class ApplicantData:
    name: str
    type: str  # an ApplicantType code
    contact: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        _required(self, "name")
        _one_of(self, "type", ApplicantType.codes())

    @property
    def is_person(self) -> bool:
        return self.type == ApplicantType.NATURAL_PERSON


@dataclass(frozen=True)
class CaseData:
    number: str
    received_on: date  # 收到申请之日 (Art. 31)
    channel: str  # a Channel code
    request: str  # the applicant's request, restated in letters
    corrected_on: date | None = None  # receipt of the corrected application (Art. 30)
    correction_notice_on: date | None = None  # the date of the correction notice (Art. 30)

    def __post_init__(self) -> None:
        _required(self, "number", "request")
        _one_of(self, "channel", Channel.codes())


@dataclass(frozen=True)
class LetterData:
    """The letter itself: template kind, title, number (文号) and date of issue."""

    kind: str  # template name: acknowledgement, correction_notice, ..., decision
    title: str  # e.g. 政府信息公开申请答复书; the agency's name is printed above it
    issued_on: date
    number: str | None = None  # allocated by the engine; every decision letter has one

    def __post_init__(self) -> None:
        _required(self, "title")
        if not isinstance(self.kind, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", self.kind):
            raise LetterError(f"LetterData.kind = {self.kind!r} is not a letter kind")
        if self.number is not None:
            _required(self, "number")


@dataclass(frozen=True)
class StepData:
    """The event that produced the letter, with what the letter reports of it.

    ``reason`` holds the legal reasons of a decision, the items to correct, or the
    Art. 35 grounds; one item or paragraph per line. ``days``/``until`` are the period
    the letter sets (correction, payment, reply, extension) and its last day;
    ``until_awaits_year`` is set instead of ``until`` when that day falls in a year whose
    calendar is not loaded yet (the letter then states the period in WD only). ``party``
    and ``contact`` name the third party, the consulted agency or the responsible
    agency. ``variant`` picks one form of a letter kind that has two (``delay_notice``:
    ``reasons`` asks for reasons, ``delayed`` sets a delayed answer date).
    """

    trigger: str
    occurred_on: date
    reason: str | None = None
    days: int | None = None
    until: date | None = None
    until_awaits_year: int | None = None
    amount: Decimal | str | None = None  # yuan; a str is read as a Decimal
    fee_method: str | None = None  # per_item | per_page
    quantity: int | None = None  # items or pages charged for
    payment: str | None = None  # how to pay the fee
    party: str | None = None
    contact: str | None = None
    note: str | None = None
    variant: str | None = None
    appeal_kind: str | None = None  # an AppealKind code
    appeal_result: str | None = None  # an AppealResult code

    def __post_init__(self) -> None:
        _required(self, "trigger")
        if self.amount is not None:
            try:
                amount = Decimal(self.amount)
            except (InvalidOperation, TypeError, ValueError):
                raise LetterError(f"StepData.amount = {self.amount!r} is not an amount") from None
            if not amount.is_finite() or amount < 0:
                raise LetterError(f"StepData.amount = {self.amount!r} is not an amount")
            object.__setattr__(self, "amount", amount)
        for name in ("days", "quantity"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or value < 0):
                raise LetterError(f"StepData.{name} = {value!r} is not a count")
        if self.fee_method is not None:
            _one_of(self, "fee_method", frozenset({"per_item", "per_page"}))
        if self.appeal_kind is not None:
            _one_of(self, "appeal_kind", AppealKind.codes())
        if self.appeal_result is not None:
            _one_of(self, "appeal_result", AppealResult.codes())


@dataclass(frozen=True)
class OutcomeData:
    """The decision a decision letter reports (DOMAIN.md §4).

    ``refusal``: the decision refuses disclosure in whole or in part; from 2024-01-01 such a
    letter must send the applicant to reconsideration before litigation. ``basis`` is the
    article as the definition records it; the templates cite the article in their own
    words. ``access`` says how, where and when to obtain the information (disclosures,
    publications, special regimes).
    """

    code: str
    label: str
    refusal: bool
    basis: str | None = None
    access: str | None = None
    # Partial disclosure: the withheld part's ground (its label and article, Arts. 14-16).
    ground_label: str | None = None
    ground_basis: str | None = None

    def __post_init__(self) -> None:
        _required(self, "code", "label")
        if not _CODE.fullmatch(self.code):
            raise LetterError(f"OutcomeData.code = {self.code!r} is not an outcome code")
        if type(self.refusal) is not bool:
            raise LetterError(f"OutcomeData.refusal = {self.refusal!r} must be true or false")


@dataclass(frozen=True)
class DeadlineData:
    """One statutory clock as it stands when the letter is issued."""

    due_on: date | None  # None while awaiting_year's calendar is not loaded
    days: int  # statutory length in working days
    extended_by: int = 0
    awaiting_year: int | None = None  # the count runs into this year, not loaded yet


@dataclass(frozen=True)
class LetterContext:
    agency: LetterheadData
    applicant: ApplicantData
    case: CaseData
    letter: LetterData
    step: StepData
    outcome: OutcomeData | None = None
    deadlines: Mapping[str, DeadlineData] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deadlines", MappingProxyType(dict(self.deadlines)))
        if self.letter.kind == "decision":
            if self.outcome is None:
                raise LetterError("a decision letter needs the outcome")
            if self.letter.number is None:
                raise LetterError("a decision letter needs its number (文号)")
        elif self.outcome is not None:
            raise LetterError(f"a {self.letter.kind} letter carries no outcome")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values: dates as ISO strings, amounts as strings."""
        data: dict[str, Any] = {"schema": SCHEMA_VERSION}
        data.update(_dump(self))
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LetterContext:
        """The context ``to_json`` stored; refuses unknown keys and wrong types."""
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_VERSION:
            raise LetterError(f"not a letter context of schema {SCHEMA_VERSION}")
        return _load(cls, {k: v for k, v in data.items() if k != "schema"}, "context")


SCHEMA_VERSION = 1
_T = TypeVar("_T")


_PLAIN = frozenset({str, int, bool, type(None)})  # written as they are
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _dump(value: object) -> Any:
    # Runs for every field of every letter a step issues, each attempt (``ahead``): the
    # plain values most fields hold are answered first, and a dataclass's field names
    # are looked up once per class.
    if type(value) in _PLAIN:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
        return {name: _dump(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {str(key): _dump(item) for key, item in value.items()}
    return value


def _load(cls: type[_T], data: object, where: str) -> _T:
    if not isinstance(data, Mapping):
        raise LetterError(f"{where}: expected an object, got {data!r}")
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        raise LetterError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    hints = get_type_hints(cls)
    values = {name: _value(hints[name], data[name], f"{where}.{name}") for name in data}
    try:
        return cls(**values)
    except TypeError as error:  # a required field is missing
        raise LetterError(f"{where}: {error}") from None


def _value(kind: Any, raw: object, where: str) -> Any:
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, UnionType):
        if raw is None and type(None) in args:
            return None
        return _value(next(arg for arg in args if arg is not type(None)), raw, where)
    if origin is Mapping:
        if not isinstance(raw, Mapping):
            raise LetterError(f"{where}: expected an object, got {raw!r}")
        return {str(key): _value(args[1], item, f"{where}.{key}") for key, item in raw.items()}
    if isinstance(kind, type) and is_dataclass(kind):
        return _load(kind, raw, where)
    if kind is date:
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        raise LetterError(f"{where}: expected an ISO date, got {raw!r}")
    if kind is Decimal:
        if isinstance(raw, str | int) and not isinstance(raw, bool):
            return str(raw)  # read by StepData
        raise LetterError(f"{where}: expected an amount, got {raw!r}")
    if type(raw) is not kind:
        raise LetterError(f"{where}: expected {kind.__name__}, got {raw!r}")
    return raw
