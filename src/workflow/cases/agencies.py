"""Agencies: who receives applications, their letterhead data and their hierarchy."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.service import find_agency
from workflow.definition.model import Settings
from workflow.definition.number_patterns import check_pattern, overlap
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


_CODE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def add_agency(
    session: Session,
    code: str,
    name: str,
    parent: str | None = None,
    *,
    default_pattern: str | None = None,
    **fields: str | None,
) -> AgencyRecord:
    """Add an agency; ``default_pattern`` numbers its cases unless it sets its own."""
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            f"an agency code is ASCII letters and digits, joined by single hyphens (got {code!r})"
        )
    existing = session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one_or_none()
    if existing is not None:
        raise InvalidInput(f"agency {code!r} already exists; change it with `workflow agency set`")
    agency = AgencyRecord(code=code)
    _assign(session, agency, parent, {"name": name, **fields}, default_pattern)
    session.add(agency)
    session.flush()
    return agency


def set_agency(
    session: Session,
    code: str,
    parent: str | None = None,
    *,
    default_pattern: str | None = None,
    **fields: str | None,
) -> AgencyRecord:
    agency = find_agency(session, code)
    _assign(session, agency, parent, fields, default_pattern)
    return agency


def _assign(
    session: Session,
    agency: AgencyRecord,
    parent: str | None,
    fields: dict[str, str | None],
    default_pattern: str | None,
) -> None:
    for key, value in fields.items():
        if key not in AGENCY_FIELDS:
            raise InvalidInput(f"unknown agency field {key!r}; fields: {', '.join(AGENCY_FIELDS)}")
        if value is not None:
            _check_field(key, value)
            setattr(agency, key, value)
    if fields.get("case_number_pattern") is not None or agency.id is None:
        _refuse_overlap(session, agency, default_pattern)
    if parent is not None:
        parent_record = find_agency(session, parent)
        node: AgencyRecord | None = parent_record
        while node is not None:  # refuse a cycle in the hierarchy
            if node.code == agency.code:
                raise InvalidInput(f"{parent} is under {agency.code}; a hierarchy has no cycles")
            node = session.get(AgencyRecord, node.parent_id) if node.parent_id else None
        agency.parent_id = parent_record.id


def _check_field(key: str, value: str) -> None:
    if key == "name" and not value.strip():
        raise InvalidInput("an agency's name cannot be empty")
    if _CONTROL.search(value):
        raise InvalidInput(f"--{key.replace('_', '-')}: no control characters (got {value!r})")
    if key == "case_number_pattern":
        check_pattern(value)


def _refuse_overlap(session: Session, agency: AgencyRecord, default: str | None) -> None:
    """Two agencies' patterns may never produce one number: `case open` could then collide."""
    default_pattern = default or Settings.case_number_pattern
    mine = (agency.case_number_pattern or default_pattern, agency.code)
    for other in session.scalars(select(AgencyRecord).where(AgencyRecord.code != agency.code)):
        shared = overlap(mine, (other.case_number_pattern or default_pattern, other.code))
        if shared is not None:
            raise InvalidInput(
                f"agency {agency.code}'s case numbers could be agency {other.code}'s too "
                f"(both patterns produce {shared!r}); give one of them a pattern of its own"
            )


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
