"""The outbox: messages written in the transaction that caused them, delivered afterwards.

Every message carries a key the receiver sees: the e-mail's ``X-Workflow-Key``
header (and a ``Message-ID`` derived from it), the webhook's ``Idempotency-Key``
header, the file's name. Keys are unique in the table and ASCII:
``reminder:<timer key>:<person>`` and ``digest:<date>:<person>``, where the person is
their agency's code and name (``Person.token``: ``zbgd.p`` + 12 hex digits of the
name's SHA-256 for a name that is not plain ASCII, ``zbgd`` for the agency itself),
so the same person always gets the same key and two agencies' 王伟 never share one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow.codes import OutboxStatus
from workflow.people import Person
from workflow.scheduling.notify_config import NotificationConfig
from workflow.scheduling.texts import Message
from workflow.store.database import violated_constraint
from workflow.store.records import OUTBOX_KEY, AgencyRecord, CaseRecord, OutboxRecord

MAX_KEY = 200
ROLE_LABELS = {"handler": "承办人", "head": "负责人", "agency": "本机关"}


def message_key(prefix: str, subject_key: str, person: Person) -> str:
    key = f"{prefix}:{subject_key}:{person.token}"
    if len(key) > MAX_KEY:
        key = key[: MAX_KEY - 17] + "~" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return key


@dataclass(frozen=True)
class Recipient:
    person: Person
    roles: tuple[str, ...]  # handler, head, agency
    agency_name: str

    @property
    def greeting(self) -> str:
        """How a message addresses them: the person's name, or the agency's."""
        return self.person.name or self.agency_name

    @property
    def role_label(self) -> str:
        return "、".join(ROLE_LABELS[role] for role in self.roles)


def recipients(roles: Iterable[str], case: CaseRecord, agency: AgencyRecord) -> list[Recipient]:
    """The people behind the roles, each once; a case with nobody goes to the agency.

    A name is a person of the case's agency: the handler and the head are looked
    up there, never by name across agencies. The agency itself is an address like
    any other person's (``agencies:`` in the notification config), so a reminder is
    never dropped for want of a handler.
    """
    people: dict[Person, list[str]] = {}
    for role in roles:
        name = case.handler if role == "handler" else agency.head if role == "head" else None
        if name:
            people.setdefault(Person(agency.code, name), []).append(role)
    if not people:
        people[Person(agency.code)] = ["agency"]
    return [Recipient(person, tuple(found), agency.name) for person, found in people.items()]


def check_addressed_agencies(session: Session, config: NotificationConfig) -> None:
    """Refuse a config that lists people under an agency code the store does not have."""
    if config.people:
        config.refuse_unknown_agencies(session.scalars(select(AgencyRecord.code)))


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    case_id: int | None,
    person: Person,
    message: Message,
    config: NotificationConfig,
    now: datetime,
) -> bool:
    """Write a message unless its key is already there; True when written."""
    if session.scalar(select(OutboxRecord.id).where(OutboxRecord.key == key)) is not None:
        return False
    address = config.address(person)
    row = OutboxRecord(
        key=key,
        case_id=case_id,
        kind=kind,
        channel=address.transport,
        recipient=address.recipient,
        subject=message.subject[:300],
        body=message.body,
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    try:
        with session.begin_nested():  # a concurrent writer of the same key wins; we skip
            session.add(row)
    except IntegrityError as error:
        if violated_constraint(error) != OUTBOX_KEY:
            raise
        return False
    return True


def outbox_rows(
    session: Session,
    status: str | None,
    limit: int | None,
    agency_ids: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """The JSON form of ``workflow outbox list``: newest first. With ``agency_ids``, only
    the messages about those agencies' cases (no digest: it spans cases)."""
    query = (
        select(OutboxRecord, CaseRecord.number)
        .outerjoin(CaseRecord, CaseRecord.id == OutboxRecord.case_id)
        .order_by(OutboxRecord.id.desc())
    )
    if status is not None:
        query = query.where(OutboxRecord.status == status)
    if agency_ids is not None:
        query = query.where(CaseRecord.agency_id.in_(sorted(agency_ids)))
    if limit:
        query = query.limit(limit)
    return [
        {
            "id": row.id,
            "key": row.key,
            "kind": row.kind,
            "case": number,
            "channel": row.channel,
            "recipient": row.recipient,
            "subject": row.subject,
            "body": row.body,
            "status": row.status,
            "attempts": row.attempts,
            "created_at": row.created_at.isoformat(),
            "next_attempt_at": row.next_attempt_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "last_error": row.last_error,
        }
        for row, number in session.execute(query)
    ]
