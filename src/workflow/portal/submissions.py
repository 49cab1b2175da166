"""Applications and corrected applications sent through the portal, and their
confirmation by the office (Art. 31(3): the day both sides confirm is the receipt date).

A submission is idempotent: the same submission token (a double click, a retry) or the
same request by the same applicant at the same agency on the same day returns the first
submission. Confirming an application registers the case through ``CaseService.open``,
as ``case open`` does, with channel ``online``, the confirmation date as the receipt
date and the submission date as the arrival date; confirming a correction fires
``receive_correction`` on that day, restarting the answer clock in full. An agency may
confirm automatically: then both happen at submission.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from workflow.application import Application
from workflow.cases.service import NewCase, lock_case
from workflow.codes import OutboxStatus, Transport
from workflow.errors import ConstraintViolation, InvalidInput
from workflow.lifecycle import StepInput
from workflow.portal import query_codes
from workflow.portal.agency_choices import agency_choice
from workflow.portal.config import PortalConfig
from workflow.portal.files import ATTACHMENT, ID_COPY, store_file
from workflow.portal.form import ApplicationForm
from workflow.portal.progress import pending_correction, submitted_progress
from workflow.portal.repeats import Submitted, applicant_key, existing, fingerprint
from workflow.portal.throttle import SUBMIT, count_hit
from workflow.store.counters import next_number
from workflow.store.database import connection_of
from workflow.store.portal_records import (
    APPLICATION,
    CONFIRMED,
    CORRECTION,
    SUBMITTED,
    WITHDRAWN,
    PortalAgencyRecord,
    PortalSubmissionRecord,
)
from workflow.store.prepared import Prepared
from workflow.store.records import CaseRecord, OutboxRecord
from workflow.store.tables import AGENCIES, table_of

AUTOMATIC = "system"  # who confirms when the agency confirms automatically
APPLICANT = "applicant:portal"  # who withdraws or corrects online
TOKEN_TAKEN = "uq_portal_submissions_token_hash"
_SUBMISSIONS = table_of(PortalSubmissionRecord)
_PORTAL_AGENCIES = table_of(PortalAgencyRecord)
# A submission's own statements, compiled once (``store.prepared``).
_AGENCY = Prepared(
    select(AGENCIES.c.id, AGENCIES.c.name, _PORTAL_AGENCIES.c.auto_confirm)
    .outerjoin(_PORTAL_AGENCIES, _PORTAL_AGENCIES.c.agency_id == AGENCIES.c.id)
    .where(AGENCIES.c.code == bindparam("b_code"))
)
_SUBMISSION_COLUMNS = (
    *("reference", "kind", "agency_id", "case_id", "status", "token_hash", "code_salt"),
    *("code_hash", "sealed_code", "fingerprint", "applicant_key", "data", "submitted_at"),
    *("submitted_on", "confirmed_on", "confirmed_by"),
)
_INSERT_SUBMISSION = Prepared(
    _SUBMISSIONS.insert().returning(_SUBMISSIONS.c.id), _SUBMISSION_COLUMNS
)
_INSERT_OUTBOX = table_of(OutboxRecord).insert()


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def _reference(session: Session, on: date) -> str:
    return f"WS{on.year}{next_number(session, f'portal:{on.year}'):06d}"


def submit(
    application: Application,
    config: PortalConfig,
    form: ApplicationForm,
    token: str,
    id_copy: Upload | None = None,
    *,
    address: str | None = None,
) -> Submitted:
    """Submit an application form that passed ``read_form``; a repeat returns the first.

    The sending ``address``, when given, is counted for its limits in the same write
    transaction (on SQLite each one is a lock and a sync of its own)."""
    application.cases  # noqa: B018 (built outside the transaction: it reads the store)
    for attempt in (1, 2):
        try:
            with application.database.transaction() as session:
                submitted = _submit_in(session, application, config, form, token, id_copy)
                if address is not None:
                    count_hit(session, SUBMIT, address, application.clock.now())
                return submitted
        except ConstraintViolation as error:  # the same token, committed meanwhile
            if error.constraint != TOKEN_TAKEN or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _submit_in(
    session: Session,
    application: Application,
    config: PortalConfig,
    form: ApplicationForm,
    token: str,
    id_copy: Upload | None,
) -> Submitted:
    """The submission's rows, written with Core statements (the unit of work's cost per
    object was more than the statements'): the case first when the agency confirms
    automatically, so the submission is inserted once, already confirmed."""
    today, now = application.clock.today(), application.clock.now()
    first = existing(session, form, token, today)
    if first is not None:
        return first
    key = applicant_key(form)
    connection = connection_of(session)
    ((agency_id, agency_name, auto_confirm),) = _AGENCY.rows(connection, {"b_code": form.agency})
    reference = _reference(session, today)
    case = _register(session, application, form, today, AUTOMATIC) if auto_confirm else None
    code, salt = query_codes.new_code(), query_codes.new_salt()
    ((submission_id,),) = _INSERT_SUBMISSION.rows(
        connection,
        {
            "reference": reference,
            "kind": APPLICATION,
            "agency_id": agency_id,
            "case_id": None if case is None else case.id,
            "status": SUBMITTED if case is None else CONFIRMED,
            "token_hash": query_codes.token_digest(token),
            "code_salt": salt,
            "code_hash": query_codes.digest(code, salt),
            "sealed_code": query_codes.seal(code, token),
            "fingerprint": fingerprint(key, form.request_text, today),
            "applicant_key": key,
            "data": {"form": form.to_json()},
            "submitted_at": now,
            "submitted_on": today,
            "confirmed_on": None if case is None else today,
            "confirmed_by": None if case is None else AUTOMATIC,
        },
    )
    if id_copy is not None:
        store_file(
            session,
            config.vault,
            kind=ID_COPY,
            filename=id_copy.filename,
            content=id_copy.content,
            by=APPLICANT,
            now=now,
            submission_id=submission_id,
        )
    if form.email:
        subject = f"政府信息公开申请已提交（{reference}）"
        body = (
            f"您向{agency_name}提交的政府信息公开申请已收到，"
            f"网上申请编号 {reference}，查询码 {query_codes.shown(code)}。\n"
            "查询码只发送这一次，请妥善保存；凭编号和查询码可在本网站查询办理进度。"
            "机关确认后，以确认之日为收到申请之日。"
        )
        _mail(session, reference, form.email, "submitted", now, subject, body)
    if case is not None:
        _registered_mail(session, application, reference, form, case)
    view = submitted_progress(
        application, session, reference=reference, submitted_on=today, name=form.name,
        agency_name=agency_name, status=SUBMITTED if case is None else CONFIRMED, case=case,
    )  # fmt: skip
    return Submitted(reference, code, False, None if case is None else case.number, view)


# -- corrections -------------------------------------------------------------------


def submit_correction(
    application: Application,
    config: PortalConfig,
    case_id: int,
    text: str,
    attachment: Upload | None,
) -> PortalSubmissionRecord:
    """A corrected application for a case awaiting correction; a second one while the
    first waits for confirmation is refused."""
    today, now = application.clock.today(), application.clock.now()
    application.cases  # noqa: B018 (built outside the transaction: it reads the store)
    with application.database.transaction() as session:
        case = session.get(CaseRecord, case_id)
        assert case is not None
        if case.state != "needs_correction":
            raise InvalidInput("该申请目前不需要补正")
        if pending_correction(session, case_id) is not None:
            raise InvalidInput("补正申请已提交，正在等待机关确认")
        submission = PortalSubmissionRecord(
            reference=_reference(session, today),
            kind=CORRECTION,
            agency_id=case.agency_id,
            case_id=case_id,
            status=SUBMITTED,
            fingerprint=hashlib.sha256(f"correction:{case_id}:{text}".encode()).hexdigest(),
            applicant_key="",
            data={"text": text},
            submitted_at=now,
            submitted_on=today,
        )
        session.add(submission)
        session.flush()
        if attachment is not None:
            store_file(
                session,
                config.vault,
                kind=ATTACHMENT,
                filename=attachment.filename,
                content=attachment.content,
                by=APPLICANT,
                now=now,
                submission_id=submission.id,
                case_id=case_id,
            )
        if agency_choice(session, case.agency_id).auto_confirm:
            _confirm_correction(session, application, submission, AUTOMATIC)
        return submission


# -- confirmation ------------------------------------------------------------------


def confirm(application: Application, submission_id: int, by: str) -> PortalSubmissionRecord:
    """The office confirms a submission today (an application, or a correction)."""
    application.cases  # noqa: B018 (built outside the transaction: it reads the store)
    with application.database.transaction() as session:
        submission = session.get(PortalSubmissionRecord, submission_id, with_for_update=True)
        if submission is None or submission.status != SUBMITTED:
            raise InvalidInput("这份网上申请已确认或已撤回")
        if submission.kind == APPLICATION:
            _confirm_application(session, application, submission, by)
        else:
            _confirm_correction(session, application, submission, by)
        return submission


def _confirm_application(
    session: Session, application: Application, submission: PortalSubmissionRecord, by: str
) -> CaseRecord:
    form = ApplicationForm.from_json(submission.data["form"])
    case = _register(session, application, form, submission.submitted_on, by)
    submission.case_id = case.id
    _confirmed(submission, application.clock.today(), by)
    _registered_mail(session, application, submission.reference, form, case)
    return case


def _register(
    session: Session, application: Application, form: ApplicationForm, submitted_on: date, by: str
) -> CaseRecord:
    """The case of an application confirmed today: today is its receipt date (Art. 31(3))."""
    new = NewCase(
        agency=form.agency,
        applicant=form.name,
        applicant_type=form.applicant_type,
        channel="online",
        received_on=application.clock.today(),
        arrived_on=submitted_on,
        request=form.request_text,
        contact=form.contact_text or None,
        by=by,
    )
    return application.cases.open_in(session, new)


def _registered_mail(
    session: Session,
    application: Application,
    reference: str,
    form: ApplicationForm,
    case: CaseRecord,
) -> None:
    if not form.email:
        return
    subject = f"政府信息公开申请已登记（{case.number}）"
    body = (
        f"您的网上申请 {reference} 已于{case.received_on:%Y年%m月%d日}确认登记，"
        f"申请编号 {case.number}。\n以确认之日为收到申请之日"
        "（《中华人民共和国政府信息公开条例》第三十一条）。"
        "凭申请编号（或网上申请编号）和查询码可在本网站查询办理进度、下载登记回执。"
    )
    now = application.clock.now()
    _mail(session, reference, form.email, "confirmed", now, subject, body, case.id)


def _confirm_correction(
    session: Session, application: Application, submission: PortalSubmissionRecord, by: str
) -> None:
    assert submission.case_id is not None
    number = session.scalar(select(CaseRecord.number).where(CaseRecord.id == submission.case_id))
    assert number is not None
    case = lock_case(session, number)
    note = f"网上提交的补正申请 {submission.reference}"
    step = StepInput(on=application.clock.today(), by=by, note=note)
    application.cases.fire_in(session, case, "receive_correction", step)
    _confirmed(submission, application.clock.today(), by)


def _confirmed(submission: PortalSubmissionRecord, on: date, by: str) -> None:
    submission.status = CONFIRMED
    submission.confirmed_on = on
    submission.confirmed_by = by


def withdraw_unconfirmed(application: Application, submission_id: int) -> None:
    with application.database.transaction() as session:
        submission = session.get(PortalSubmissionRecord, submission_id, with_for_update=True)
        if submission is None or submission.status != SUBMITTED:
            raise InvalidInput("这份网上申请已确认或已撤回")
        submission.status = WITHDRAWN


def withdraw_case(application: Application, number: str) -> None:
    """The applicant withdraws a registered application (the ``withdraw`` trigger and
    its letter)."""
    application.cases.fire(
        number, "withdraw", StepInput(on=application.clock.today(), by=APPLICANT)
    )


def _mail(
    session: Session,
    reference: str,
    address: str,
    what: str,
    now: datetime,
    subject: str,
    body: str,
    case_id: int | None = None,
) -> None:
    """A message to the applicant through the outbox, written with the change."""
    connection_of(session).execute(
        _INSERT_OUTBOX,
        {
            "key": f"portal:{reference}:{what}",
            "case_id": case_id,
            "kind": "portal",
            "channel": Transport.EMAIL.value,
            "recipient": address,
            "subject": subject,
            "body": body,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        },
    )
