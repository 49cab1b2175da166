"""What each agency chose for the portal: automatic confirmation of submissions (the
day of submission is then the receipt date), and whether a copy of the applicant's
identity document must come with an application."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.store.database import connection_of
from workflow.store.portal_records import PortalAgencyRecord
from workflow.store.prepared import Prepared
from workflow.store.records import AgencyRecord

# Every submission reads this list: columns, not records, compiled once.
_PUBLIC = Prepared(
    select(
        AgencyRecord.code,
        AgencyRecord.name,
        AgencyRecord.short_name,
        PortalAgencyRecord.id_copy_required,  # None without a row: the default, False
    )
    .outerjoin(PortalAgencyRecord, PortalAgencyRecord.agency_id == AgencyRecord.id)
    .order_by(AgencyRecord.name)
)


@dataclass(frozen=True)
class AgencyChoice:
    auto_confirm: bool = False
    id_copy_required: bool = False


def agency_choice(session: Session, agency_id: int) -> AgencyChoice:
    row = session.get(PortalAgencyRecord, agency_id)
    return AgencyChoice() if row is None else AgencyChoice(row.auto_confirm, row.id_copy_required)


def choose(session: Session, agency_id: int, choice: AgencyChoice, by: str, now: datetime) -> None:
    row = session.get(PortalAgencyRecord, agency_id)
    if row is None:
        row = PortalAgencyRecord(agency_id=agency_id)
        session.add(row)
    row.auto_confirm = choice.auto_confirm
    row.id_copy_required = choice.id_copy_required
    row.updated_by = by
    row.updated_at = now


def public_agencies(session: Session, search: str | None = None) -> list[tuple[str, str, bool]]:
    """The deployment's agencies (code, name, identity copy required), by name; ``search``
    keeps those whose name or short name contains it."""
    found = []
    needle = (search or "").strip()
    for code, name, short, required in _PUBLIC.rows(connection_of(session), {}):
        if needle and needle not in name and needle not in (short or ""):
            continue
        found.append((code, name, bool(required)))
    return found
