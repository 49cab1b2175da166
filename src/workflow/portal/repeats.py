"""Which earlier submission a new one repeats, and which earlier requests it resembles.

A double click, a retry (the same submission token) or the same request by the same
applicant at the same agency on the same day is one submission: the first is answered
again. Before sending, the applicant is shown earlier applications of theirs at the same
agency in the last year whose wording overlaps much (Chinese has no spaces between words:
character pairs are compared).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from workflow.portal import query_codes
from workflow.portal.form import ApplicationForm
from workflow.store.database import connection_of
from workflow.store.portal_records import APPLICATION, WITHDRAWN, PortalSubmissionRecord
from workflow.store.prepared import Prepared
from workflow.store.tables import AGENCIES, CASES, table_of

if TYPE_CHECKING:
    from workflow.portal.progress import Progress

SIMILAR_DAYS = 365
_SUBMISSIONS = table_of(PortalSubmissionRecord)
_BY_TOKEN = _SUBMISSIONS.c.token_hash == bindparam("b_token")
# The form's agency by its code, inside the statement (no query of its own): a constant
# subquery on SQLite, and the search still runs on ix_portal_submissions_applicant.
_AGENCY_ID = select(AGENCIES.c.id).where(AGENCIES.c.code == bindparam("b_agency")).scalar_subquery()
# Every submission asks these (the repeats twice: before and in its transaction): compiled once.
_EARLIER = Prepared(
    select(_SUBMISSIONS.c.reference, _SUBMISSIONS.c.submitted_on, _SUBMISSIONS.c.data)
    .where(
        _SUBMISSIONS.c.agency_id == _AGENCY_ID,
        _SUBMISSIONS.c.applicant_key == bindparam("b_applicant_key"),
        _SUBMISSIONS.c.kind == APPLICATION,
        _SUBMISSIONS.c.status != WITHDRAWN,
        _SUBMISSIONS.c.submitted_on >= bindparam("b_since"),
    )
    .order_by(_SUBMISSIONS.c.id.desc())
    .limit(50)
)
_REPEATED = Prepared(
    select(_SUBMISSIONS.c.reference, _SUBMISSIONS.c.sealed_code, CASES.c.number, _BY_TOKEN)
    .outerjoin(CASES, CASES.c.id == _SUBMISSIONS.c.case_id)
    .where(
        or_(
            _BY_TOKEN,
            and_(
                _SUBMISSIONS.c.fingerprint == bindparam("b_fingerprint"),
                _SUBMISSIONS.c.status != WITHDRAWN,
            ),
        )
    )
    .order_by(_SUBMISSIONS.c.id)
)


@dataclass(frozen=True)
class Submitted:
    reference: str
    code: str | None  # to show now; None for a repeat the token does not unlock
    repeat: bool
    case_number: str | None
    view: Progress | None = None  # what the answer shows, read as it was written; not a repeat's


def applicant_key(form: ApplicationForm) -> str:
    who = f"{form.agency}\n{form.id_type}\n{form.id_number}\n{form.name}"
    return hashlib.sha256(f"applicant:{who}".encode()).hexdigest()


def fingerprint(key: str, request: str, on: date) -> str:
    words = "".join(request.split())
    return hashlib.sha256(f"{key}\n{words}\n{on.isoformat()}".encode()).hexdigest()


def existing(session: Session, form: ApplicationForm, token: str, today: date) -> Submitted | None:
    """The first submission this one repeats: the same token (the code shown again), or
    the same request by the same applicant today (the code not shown). One indexed
    statement for both, with the case's number."""
    same = fingerprint(applicant_key(form), form.request_text, today)
    params = {"b_token": query_codes.token_digest(token), "b_fingerprint": same}
    rows = _REPEATED.rows(connection_of(session), params)
    if not rows:
        return None
    tokens = [row for row in rows if row[3]]
    if tokens:
        reference, sealed, number, _ = tokens[0]
        return Submitted(reference, query_codes.unseal(sealed, token), True, number)
    reference, _, number, _ = rows[0]
    return Submitted(reference, None, True, number)


@dataclass(frozen=True)
class Earlier:
    """An earlier application shown before sending: its number, day and form as given."""

    reference: str
    submitted_on: date
    form: dict[str, Any]


def similar_earlier(session: Session, form: ApplicationForm, today: date) -> list[Earlier]:
    """Earlier applications of the same applicant (name and identity) at the form's agency
    in the last year, not withdrawn before confirmation, whose request shares much of this
    one's wording (character pairs: Chinese has no spaces between words)."""
    params = {
        "b_agency": form.agency,
        "b_applicant_key": applicant_key(form),
        "b_since": today - timedelta(days=SIMILAR_DAYS),
    }
    wanted = _bigrams(form.info_name + form.doc_number + form.description)
    return [
        Earlier(reference, on, data["form"])
        for reference, on, data in _EARLIER.rows(connection_of(session), params)
        if _overlap(wanted, _bigrams(_sought(ApplicationForm.from_json(data["form"])))) >= 0.3
    ][:5]


def _sought(form: ApplicationForm) -> str:
    return form.info_name + form.doc_number + form.description


def _bigrams(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i : i + 2] for i in range(len(compact) - 1)} or {compact}


def _overlap(one: set[str], other: set[str]) -> float:
    return len(one & other) / max(1, len(one | other))
