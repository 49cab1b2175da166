"""A case or an agency by what a person types: its number, its code."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from workflow.errors import CaseNotFound, InvalidInput
from workflow.store.prepared import Prepared
from workflow.store.records import AgencyRecord, CaseRecord, as_loaded
from workflow.store.rows import one, rows_of
from workflow.store.tables import AGENCIES

_AGENCY = Prepared(select(AGENCIES).where(AGENCIES.c.code == bindparam("b_code")))
_AGENCY_COLUMNS = tuple(column.key for column in AGENCIES.columns)


def find_case(session: Session, number: str) -> CaseRecord:
    """The case numbered ``number``, in the unit of work."""
    case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one_or_none()
    if case is None:
        raise CaseNotFound(number)
    return case


def find_agency(session: Session, code: str) -> AgencyRecord:
    agency = session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one_or_none()
    if agency is None:
        raise _unknown_agency(code)
    return agency


def agency_row(connection: Connection, code: str) -> AgencyRecord:
    """``find_agency`` read with one Core statement, as a record outside the unit of work:
    for a registration, which only reads it (the ORM's query cost it more than the read)."""
    rows = _AGENCY.rows(connection, {"b_code": code})
    if not rows:
        raise _unknown_agency(code)
    return as_loaded(AgencyRecord, _AGENCY_COLUMNS, rows[0])


def agency_code_of_case(connection: Connection, number: str) -> str | None:
    """The code of the agency of case ``number``; None when there is no such case."""
    found = one(rows_of(connection), _AGENCY_OF_CASE, {"number": number})
    return str(found[0]) if found is not None else None


_AGENCY_OF_CASE = (
    "SELECT a.code FROM cases AS c JOIN agencies AS a ON a.id = c.agency_id"
    " WHERE c.number = :number"
)


def _unknown_agency(code: str) -> InvalidInput:
    return InvalidInput(f"unknown agency {code!r}; add it with `workflow agency add {code}`")
