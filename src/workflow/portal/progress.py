"""What an applicant sees of their application: found by number and query code, told
in plain Chinese, with no personal data beyond a masked name.

A lookup answers the same (None) whatever was wrong: an unknown number, a number with
no online application, a wrong code; the code's digest is compared in constant time,
against a dummy digest when there is nothing to compare with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workflow.application import Application
from workflow.codes import ClockStatus
from workflow.deadlines import derive
from workflow.deadlines.entries import ClockEntry, EntryKind
from workflow.portal import query_codes
from workflow.portal.files import RELEASED
from workflow.portal.form import ApplicationForm
from workflow.store.database import connection_of
from workflow.store.ledgers import load_ledgers
from workflow.store.portal_records import (
    APPLICATION,
    CORRECTION,
    SUBMITTED,
    WITHDRAWN,
    PortalFileRecord,
    PortalSubmissionRecord,
)
from workflow.store.prepared import Prepared
from workflow.store.records import CaseEventRecord, CaseRecord
from workflow.store.tables import AGENCIES, CASE_EVENTS, LETTERS

# The shipped definition's states, as an applicant would say them; any other state is
# shown with its definition's label.
PLAIN_STATES = {
    "received": "已登记，正在办理",
    "needs_correction": "需要补正：请按补正告知书的要求补正申请",
    "third_party_consultation": "正在征求第三方意见（所需时间不计入答复期限）",
    "agency_consultation": "正在征求有关行政机关意见（所需时间不计入答复期限）",
    "fee_pending": "待缴纳信息处理费（缴费期间不计入答复期限）",
    "extended": "已延长答复期限，正在办理",
    "decided": "已答复",
    "appealed": "已答复，行政复议或行政诉讼中",
}
WITHDRAWN_OUTCOME = "other.withdrawn"
# Every answer to a submission and every follow page reads these: compiled once.
_AGENCY_NAME = Prepared(select(AGENCIES.c.name).where(AGENCIES.c.id == bindparam("b_id")))
_LETTERS = Prepared(  # number, kind and date as issued (``letters_of``), not the contexts
    select(LETTERS.c.number, LETTERS.c.kind, LETTERS.c.issued_on)
    .join(CASE_EVENTS, CASE_EVENTS.c.id == LETTERS.c.event_id)
    .where(LETTERS.c.case_id == bindparam("b_case_id"))
    .order_by(CASE_EVENTS.c.seq, LETTERS.c.id)
)
_RELEASED = Prepared(  # not the files' bytes
    select(PortalFileRecord.id, PortalFileRecord.filename, PortalFileRecord.size)
    .where(PortalFileRecord.case_id == bindparam("b_case_id"), PortalFileRecord.kind == RELEASED)
    .order_by(PortalFileRecord.id)
)


def lookup(session: Session, key: str, code: str) -> PortalSubmissionRecord | None:
    """The online application numbered ``key`` (its case number or its 网上申请编号),
    when ``code`` is its query code; else None, whatever was wrong."""
    key = key.strip()[:64]
    row = session.scalars(
        select(PortalSubmissionRecord).where(PortalSubmissionRecord.reference == key.upper())
    ).first()
    if row is None:  # a case number: its online application (two indexed lookups)
        row = session.scalars(
            select(PortalSubmissionRecord)
            .join(CaseRecord, CaseRecord.id == PortalSubmissionRecord.case_id)
            .where(CaseRecord.number == key, PortalSubmissionRecord.kind == APPLICATION)
        ).first()
    if row is not None and row.kind != APPLICATION:
        row = None
    salt, stored = (row.code_salt, row.code_hash) if row is not None else (None, None)
    return row if query_codes.matches(code, salt, stored) else None


def pending_correction(session: Session, case_id: int) -> PortalSubmissionRecord | None:
    """The corrected application of a case that waits for the office's confirmation."""
    return session.scalars(
        select(PortalSubmissionRecord).where(
            PortalSubmissionRecord.case_id == case_id,
            PortalSubmissionRecord.kind == CORRECTION,
            PortalSubmissionRecord.status == SUBMITTED,
        )
    ).first()


@dataclass(frozen=True)
class Clock:
    label: str
    status: str  # running | paused | stopped
    due_on: date | None
    awaiting_year: int | None
    remaining: int
    overdue: int
    paused_because: str | None
    extended_by: int


@dataclass(frozen=True)
class Letter:
    number: str
    title: str
    issued_on: date
    kind: str


@dataclass(frozen=True)
class ReleasedFile:
    id: int
    filename: str
    size: int


@dataclass(frozen=True)
class Correction:
    items: str  # what the notice asks to correct
    notice_on: date
    due_on: date | None
    pending_reference: str | None  # a corrected application waiting for confirmation


@dataclass(frozen=True)
class _Common:
    reference: str
    submitted_on: date
    masked_name: str
    agency_name: str


@dataclass(frozen=True)
class Progress:
    reference: str
    submitted_on: date
    masked_name: str
    agency_name: str
    status: str  # the plain words
    case_number: str | None
    received_on: date | None
    arrived_on: date | None
    answer: Clock | None
    correction: Correction | None
    letters: tuple[Letter, ...]
    files: tuple[ReleasedFile, ...]
    may_withdraw: bool
    decided: bool


def masked_name(name: str) -> str:
    """张三 → 张*; an organisation keeps its first and last two characters."""
    if len(name) <= 3:
        return name[:1] + "*" * (len(name) - 1)
    keep = 2 if len(name) > 5 else 1
    return name[:keep] + "*" * (len(name) - 2 * keep) + name[-keep:]


def progress(application: Application, session: Session, row: PortalSubmissionRecord) -> Progress:
    form = ApplicationForm.from_json(row.data["form"])
    ((agency_name,),) = _AGENCY_NAME.rows(connection_of(session), {"b_id": row.agency_id})
    common = _Common(row.reference, row.submitted_on, masked_name(form.name), agency_name)
    case = None if row.case_id is None else session.get(CaseRecord, row.case_id)
    assert case is not None or row.case_id is None
    return _progress(application, session, common, row.status, case)


def submitted_progress(
    application: Application,
    session: Session,
    *,
    reference: str,
    submitted_on: date,
    name: str,
    agency_name: str,
    status: str,
    case: CaseRecord | None,
) -> Progress:
    """``progress`` of a submission in its own transaction, from what it has just written
    (its case none until confirmed): the answer to it reads no row a second time."""
    common = _Common(reference, submitted_on, masked_name(name), agency_name)
    return _progress(application, session, common, status, case)


def _progress(
    application: Application,
    session: Session,
    common: _Common,
    submission_status: str,
    case: CaseRecord | None,
) -> Progress:
    if case is None:
        waiting = "已提交，等待机关确认（确认之日为收到申请之日）"
        return Progress(
            **common.__dict__,
            status="已撤回" if submission_status == WITHDRAWN else waiting,
            case_number=None, received_on=None, arrived_on=None, answer=None,
            correction=None, letters=(), files=(),
            may_withdraw=submission_status == SUBMITTED, decided=False,
        )  # fmt: skip
    connection = connection_of(session)
    definition = application.registry.for_case(session, case.definition_id, case.definition_version)
    today = application.clock.today()
    ledgers = load_ledgers(connection, case.id)
    answer = _clock(application, ledgers.get("answer"), definition.clocks["answer"].label, today)
    closed = definition.is_closed(case.state)
    if case.outcome == WITHDRAWN_OUTCOME:
        status = "已撤回"
    elif case.state in ("decided", "appealed") and case.outcome:
        outcome = definition.outcomes.get(case.outcome)
        status = f"{PLAIN_STATES[case.state]}：{outcome.label if outcome else case.outcome}"
    else:
        status = PLAIN_STATES.get(case.state, definition.states[case.state].label)
    correction = None
    if case.state == "needs_correction":
        correction = _correction(application, session, case, ledgers.get("correction"), today)
    titles = definition.letters
    letters = tuple(
        Letter(number, titles[kind].title if kind in titles else "", on, kind)
        for number, kind, on in _LETTERS.rows(connection, {"b_case_id": case.id})
    )
    files = tuple(
        ReleasedFile(file_id, filename, size)
        for file_id, filename, size in _RELEASED.rows(connection, {"b_case_id": case.id})
    )
    return Progress(
        **common.__dict__,
        status=status,
        case_number=case.number,
        received_on=case.received_on,
        arrived_on=case.arrived_on,
        answer=None if closed else answer,
        correction=correction,
        letters=letters,
        files=files,
        may_withdraw=not closed and "withdraw" in definition.triggers_from(case.state),
        decided=closed,
    )


def _clock(
    application: Application, entries: Sequence[ClockEntry] | None, label: str, today: date
) -> Clock | None:
    if not entries:
        return None
    calendar = application.calendar
    deadline = derive(entries, calendar, "answer")
    paused_because = None
    if deadline.status is ClockStatus.PAUSED:
        pauses = [entry for entry in entries if entry.kind is EntryKind.PAUSE]
        paused_because = pauses[-1].reason if pauses else None
    return Clock(
        label=label,
        status=deadline.status.value,
        due_on=deadline.due_on,
        awaiting_year=deadline.awaiting_year,
        remaining=deadline.remaining_workdays(calendar, today),
        overdue=deadline.overdue_workdays(calendar, today),
        paused_because=paused_because,
        extended_by=deadline.extended_by,
    )


def _correction(
    application: Application,
    session: Session,
    case: CaseRecord,
    entries: Sequence[ClockEntry] | None,
    today: date,
) -> Correction:
    notice = session.scalars(
        select(CaseEventRecord)
        .where(CaseEventRecord.case_id == case.id, CaseEventRecord.trigger == "request_correction")
        .order_by(CaseEventRecord.seq.desc())
    ).first()
    assert notice is not None
    due = derive(entries, application.calendar, "correction").due_on if entries else None
    pending = pending_correction(session, case.id)
    inputs = notice.payload.get("inputs", notice.payload)
    return Correction(
        items=str(inputs.get("reason") or ""),
        notice_on=notice.occurred_on,
        due_on=due,
        pending_reference=pending.reference if pending is not None else None,
    )
