"""The engine's fixed vocabulary: each set of codes once, with the Chinese label users see.

One ``StrEnum`` per set, code and label on one line (DOMAIN.md's terms). A member *is*
its code (``ApplicantType.BUSINESS == "business"``), so rows, JSON and definitions keep
plain strings; ``label`` is what a screen, a letter or a report prints. ``parse`` takes
the code or the label, as an officer types either (``natural_person`` or ``自然人``):
the command line and the importers read codes through it, so both accept the same.

Codes a definition declares (outcomes, states, triggers) are not fixed here; their
labels live in the definition, and ``code_for`` reads them the same way.

Stdlib only: every layer imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Self


def code_for(text: str, labels: Mapping[str, str]) -> str | None:
    """The code ``text`` names in ``labels`` (code -> label), given as code or label."""
    text = text.strip()
    if text in labels:
        return text
    for code, label in labels.items():
        if label == text:
            return code
    return None


def known(labels: Mapping[str, str]) -> str:
    """``code (label), …``: what an error about an unknown value lists."""
    return ", ".join(f"{code} ({label})" for code, label in labels.items())


class Coded(StrEnum):
    """A code with its Chinese label: ``MEMBER = "code", "label"``."""

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def of(cls, code: str) -> Self:
        """The member whose code is ``code`` (a value read back from the store)."""
        for member in cls:
            if member.value == code:
                return member
        raise ValueError(f"{code!r} is not a {cls.__name__} code")

    @classmethod
    def codes(cls) -> frozenset[str]:
        return frozenset(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {member.value: member.label for member in cls}

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The member ``text`` names by code or label, else ``None``."""
        code = code_for(text, cls.labels())
        return next((member for member in cls if member.value == code), None)

    @classmethod
    def known(cls) -> str:
        return known(cls.labels())


class ApplicantType(Coded):
    """Who applies: the columns of the annual report's table 三."""

    NATURAL_PERSON = "natural_person", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    NONPROFIT = "nonprofit", "社会公益组织"
    LEGAL_SERVICES = "legal_services", "法律服务机构"
    OTHER_ORG = "other_org", "其他"


class Channel(Coded):
    """How an application came in (Art. 31 dates its receipt by it)."""

    IN_PERSON = "in_person", "当面提交"
    REGISTERED_POST = "registered_post", "邮寄（需签收）"
    ORDINARY_POST = "ordinary_post", "平常信函"
    ONLINE = "online", "互联网"
    FAX = "fax", "传真"
    EMAIL = "email", "电子邮件"  # an internet channel (Art. 31(3))
    ORAL = "oral", "口头提出"  # written down by the office and confirmed (Art. 29, 31(1))

    @property
    def confirmed(self) -> bool:
        """The receipt date is a confirmation the office must try to make on the day the
        application arrives (Art. 31(2) ordinary post, 31(3) internet and fax)."""
        return self in (Channel.ORDINARY_POST, Channel.ONLINE, Channel.FAX, Channel.EMAIL)


class AppealKind(Coded):
    """The applicant's remedies against a decision (table 四's kinds)."""

    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "未经复议直接起诉"
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration", "复议后起诉"


class AppealResult(Coded):
    """How a reconsideration or a lawsuit ended."""

    MAINTAINED = "maintained", "维持"
    CORRECTED = "corrected", "纠正"
    OTHER = "other", "其他"


class ClockStatus(Coded):
    """Where a statutory clock stands (derived from its ledger)."""

    RUNNING = "running", "计时中"
    PAUSED = "paused", "已暂停"
    STOPPED = "stopped", "已停止"


class TimerStatus(Coded):
    """A timer row's life: pending until the sweep fires, drops or fails it, or a
    recompute supersedes it (and may restore it)."""

    PENDING = "pending", "待触发"
    DONE = "done", "已触发"
    DROPPED = "dropped", "已失效"
    FAILED = "failed", "触发失败"
    SUPERSEDED = "superseded", "已被取代"


class OutboxStatus(Coded):
    """A notification message's delivery state."""

    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Transport(Coded):
    """How a notification reaches a person: not an application's ``Channel``."""

    FILE = "file", "文件"
    EMAIL = "email", "电子邮件"
    WEBHOOK = "webhook", "Webhook"


class ProvisionForm(Coded):
    """The form in which the applicant asks to receive the information (Art. 29(3))."""

    PAPER = "paper", "纸质文本"
    ELECTRONIC = "electronic", "电子数据"


class ProvisionWay(Coded):
    """How the applicant asks to receive it (Art. 29(3): 获取信息的方式、途径)."""

    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    COLLECT = "collect", "当面领取"
    INSPECT = "inspect", "现场查阅"
    ONLINE = "online", "网上获取"
