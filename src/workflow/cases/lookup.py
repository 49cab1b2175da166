"""A case or an agency by what a person types: its number, its code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.errors import CaseNotFound, InvalidInput
from workflow.store.records import AgencyRecord, CaseRecord


def find_case(session: Session, number: str) -> CaseRecord:
    """The case numbered ``number``, in the unit of work."""
    case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one_or_none()
    if case is None:
        raise CaseNotFound(number)
    return case


def find_agency(session: Session, code: str) -> AgencyRecord:
    agency = session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one_or_none()
    if agency is None:
        raise InvalidInput(f"unknown agency {code!r}; add it with `workflow agency add {code}`")
    return agency
