"""Duplicate detection on intake: the same applicant asking much the same at the same
agency, shown before a new application is saved (the commonest complaint of FOI offices:
the same request twice, by post and online, or a retry).

The same applicant: the same name (SQL, a bound parameter) and, when both applications
give an identity number, the same number. Much the same request: texts whose similarity
(difflib's ratio over the text without spaces and punctuation) is at least ``THRESHOLD``,
or one contained in the other. Only the agency's most recent ``CANDIDATES`` applications
of that name are compared, so the check stays cheap however large the store.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.identity_numbers import normalise
from workflow.store.records import AgencyRecord, ApplicantRecord, CaseEventRecord, CaseRecord

THRESHOLD = 0.6
CANDIDATES = 50
OPEN_TRIGGER = "open"


@dataclass(frozen=True)
class Similar:
    number: str
    received_on: date
    state: str
    request: str
    similarity: float  # 0..1


def similar_cases(
    session: Session,
    agency: str,
    applicant: str,
    request: str,
    identity_number: str | None = None,
) -> list[Similar]:
    """Earlier applications of the same applicant at ``agency`` much like ``request``,
    the most similar first."""
    rows = session.execute(
        select(CaseRecord.id, CaseRecord.number, CaseRecord.received_on, CaseRecord.state,
               CaseRecord.request)
        .join(AgencyRecord, AgencyRecord.id == CaseRecord.agency_id)
        .join(ApplicantRecord, ApplicantRecord.id == CaseRecord.applicant_id)
        .where(AgencyRecord.code == agency, ApplicantRecord.name == applicant.strip())
        .order_by(CaseRecord.received_on.desc(), CaseRecord.id.desc())
        .limit(CANDIDATES)
    ).all()  # fmt: skip
    numbers = _identity_numbers(session, [row.id for row in rows]) if identity_number else {}
    wanted = _plain(request)
    found = []
    for row in rows:
        earlier = numbers.get(row.id)
        if identity_number and earlier and normalise(earlier) != normalise(identity_number):
            continue  # the same name, another person
        score = similarity(wanted, _plain(row.request))
        if score >= THRESHOLD:
            found.append(Similar(row.number, row.received_on, row.state, row.request, score))
    return sorted(found, key=lambda similar: -similar.similarity)


def similarity(one: str, other: str) -> float:
    """How alike two plain request texts are: 1 when one contains the other."""
    if not one or not other:
        return 0.0
    if one in other or other in one:
        return 1.0
    return difflib.SequenceMatcher(None, one, other, autojunk=False).ratio()


def _plain(text: str) -> str:
    """The text without spaces and punctuation, full-width forms folded (NFKC)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def _identity_numbers(session: Session, case_ids: list[int]) -> dict[int, str]:
    """The identity number each case's application gave (its opening event), if any."""
    if not case_ids:
        return {}
    events = session.execute(
        select(CaseEventRecord.case_id, CaseEventRecord.payload).where(
            CaseEventRecord.case_id.in_(case_ids), CaseEventRecord.trigger == OPEN_TRIGGER
        )
    )
    return {
        case_id: str(payload["identity_number"])
        for case_id, payload in events
        if isinstance(payload, dict) and payload.get("identity_number")
    }
