"""``workflow doctor``: what in an office's installation needs someone's action, and what to do.

Each check reads the store, the loaded calendar and the clock; none changes anything. A
finding names its area, a code scripts can match, what is wrong and the command that
puts it right. The effective date is the caller's (``--as-of``) or the clock's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from workflow.application import Application
from workflow.cases.verify import verify_cases
from workflow.codes import OutboxStatus, TimerStatus
from workflow.store import schema
from workflow.store.records import PENDING_TIMER, AgencyRecord, Base, OutboxRecord, TimerRecord

# From this day of the year the State Council's notice for the next year is normally out
# (it has come between late October and mid-December): without it, deadlines that run
# into January cannot be counted.
NEXT_YEAR_WATCH = (11, 1)
# A message due longer ago than this is not being delivered: no deliverer is running.
STUCK_AFTER = timedelta(hours=1)

AREAS = {
    "store": "存储",
    "calendar": "日历",
    "timers": "定时",
    "outbox": "发件箱",
    "agencies": "机关",
}


@dataclass(frozen=True)
class Finding:
    area: str
    code: str
    problem: str  # what is wrong, in the users' language
    action: str  # what to do about it

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def examine(application: Application, as_of: date) -> list[Finding]:
    """Every finding, area by area; an uninitialised or outdated store stops there,
    since the other checks read its tables."""
    findings = list(_store(application))
    if findings:
        return findings
    findings += _calendar(application, as_of)
    findings += _timers(application, as_of)
    findings += _outbox(application, application.clock.now())
    findings += _agencies(application)
    return findings


def _store(application: Application) -> Iterator[Finding]:
    database = application.database
    if not schema.is_initialised(database):
        yield Finding("store", "not_initialised", "存储尚未建立", "运行 `workflow init`")
        return
    current, head = schema.current_revision(database), schema.head_revision()
    if current != head:
        yield Finding(
            "store",
            "schema_outdated",
            f"存储结构版本为 {current}，最新为 {head}",
            "备份后运行 `workflow init` 升级",
        )
        return
    with database.reading() as session:
        differences = sum(
            1 for _ in verify_cases(session, application.registry, application.calendar)
        )
    if differences:
        yield Finding(
            "store",
            "verify_differences",
            f"{differences} 个案件的存储记录与事件回放不一致",
            "运行 `workflow verify` 查看差异，从备份恢复或联系维护者",
        )


def _calendar(application: Application, as_of: date) -> Iterator[Finding]:
    years = application.calendar.years
    if as_of.year not in years:
        yield Finding(
            "calendar",
            "year_missing",
            f"{as_of.year} 年的工作日日历未载入，期限无法计算",
            f"导入国务院办公厅 {as_of.year} 年节假日通知：`workflow calendar import-notice FILE`",
        )
    if as_of >= date(as_of.year, *NEXT_YEAR_WATCH) and as_of.year + 1 not in years:
        yield Finding(
            "calendar",
            "next_year_missing",
            f"{as_of.year + 1} 年的节假日通知尚未导入，跨年的期限暂不能确定",
            "通知发布后运行 `workflow calendar import-notice FILE`"
            "（再运行 `workflow calendar recompute`）",
        )


def _timers(application: Application, as_of: date) -> Iterator[Finding]:
    with application.database.reading() as session:
        overdue = _count(session, TimerRecord, PENDING_TIMER, TimerRecord.due_on < as_of)
        failed = _count(session, TimerRecord, TimerRecord.status == TimerStatus.FAILED.value)
    if overdue:
        # A sweep fires everything due by its day: a timer due before today is one no
        # sweep has fired since, or one whose case failed in every sweep.
        yield Finding(
            "timers",
            "timers_overdue",
            f"{overdue} 个提醒或自动失效在到期日后仍未触发",
            "确认调度器在运行（`workflow scheduler run`），或运行 `workflow sweep`；"
            "`workflow scheduler runs` 列出失败的案件",
        )
    if failed:
        yield Finding(
            "timers",
            "timers_failed",
            f"{failed} 个提醒或自动失效触发失败",
            "查看 `workflow scheduler runs` 中的错误，修正后运行 `workflow sweep`",
        )


def _count(session: Session, table: type[Base], *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(table).where(*where)) or 0


def _outbox(application: Application, now: datetime) -> Iterator[Finding]:
    with application.database.reading() as session:
        failed = _count(session, OutboxRecord, OutboxRecord.status == OutboxStatus.FAILED.value)
        stuck = _count(
            session,
            OutboxRecord,
            OutboxRecord.status == OutboxStatus.PENDING.value,
            OutboxRecord.next_attempt_at < now - STUCK_AFTER,
        )
    if failed:
        yield Finding(
            "outbox",
            "messages_failed",
            f"{failed} 条消息多次发送失败，已停止重试",
            "`workflow outbox list --status failed` 查看错误，修正通知配置后重新发送",
        )
    if stuck:
        yield Finding(
            "outbox",
            "messages_stuck",
            f"{stuck} 条消息到期一小时以上仍未发出",
            "确认调度器在运行，或运行 `workflow outbox deliver`",
        )


def _agencies(application: Application) -> Iterator[Finding]:
    with application.database.reading() as session:
        incomplete = session.scalars(
            select(AgencyRecord.code)
            .where(or_(AgencyRecord.reconsideration_body.is_(None), AgencyRecord.court.is_(None)))
            .order_by(AgencyRecord.code)
        ).all()
    for code in incomplete:
        yield Finding(
            "agencies",
            "remedies_missing",
            f"机关 {code} 未设复议机关或管辖法院，答复书无法告知救济途径",
            f"`workflow agency set {code} --reconsideration-body NAME --court NAME`",
        )
