"""Agencies: who receives applications, their letterhead data and their hierarchy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.service import find_agency
from workflow.errors import InvalidInput
from workflow.store.records import AgencyRecord

# Letterhead and numbering fields an agency can set without editing templates.
AGENCY_FIELDS = (
    "name",
    "short_name",
    "address",
    "postcode",
    "phone",
    "email",
    "seal_text",
    "reconsideration_body",
    "court",
    "head",
    "case_number_pattern",
    "letter_number_pattern",
)


def add_agency(
    session: Session, code: str, name: str, parent: str | None = None, **fields: str | None
) -> AgencyRecord:
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(f"an agency code is letters, digits, - and _ (got {code!r})")
    existing = session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one_or_none()
    if existing is not None:
        raise InvalidInput(f"agency {code!r} already exists; change it with `workflow agency set`")
    agency = AgencyRecord(code=code, name=name)
    session.add(agency)
    _assign(session, agency, parent, fields)
    session.flush()
    return agency


def set_agency(
    session: Session, code: str, parent: str | None = None, **fields: str | None
) -> AgencyRecord:
    agency = find_agency(session, code)
    _assign(session, agency, parent, fields)
    return agency


def _assign(
    session: Session, agency: AgencyRecord, parent: str | None, fields: dict[str, str | None]
) -> None:
    for key, value in fields.items():
        if key not in AGENCY_FIELDS:
            raise InvalidInput(f"unknown agency field {key!r}; fields: {', '.join(AGENCY_FIELDS)}")
        if value is not None:
            setattr(agency, key, value)
    if parent is not None:
        parent_record = find_agency(session, parent)
        node: AgencyRecord | None = parent_record
        while node is not None:  # refuse a cycle in the hierarchy
            if node.code == agency.code:
                raise InvalidInput(f"{parent} is under {agency.code}; a hierarchy has no cycles")
            node = session.get(AgencyRecord, node.parent_id) if node.parent_id else None
        agency.parent_id = parent_record.id


def agency_rows(session: Session) -> list[dict[str, Any]]:
    agencies = list(session.scalars(select(AgencyRecord).order_by(AgencyRecord.code)))
    codes = {agency.id: agency.code for agency in agencies}
    return [
        {
            "code": agency.code,
            "parent": codes.get(agency.parent_id) if agency.parent_id else None,
            **{name: getattr(agency, name) for name in AGENCY_FIELDS},
        }
        for agency in agencies
    ]
