"""The audit log: who read a case, downloaded a letter, exported, logged in (or failed
to), and every administrative change. Append-only; readable by auditors and admins of
the agencies concerned."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.spreadsheet_cells import CsvWriter
from workflow.store.access_records import AuditRecord
from workflow.store.database import connection_of
from workflow.store.prepared import Prepared
from workflow.store.records import AgencyRecord
from workflow.store.tables import table_of

_AUDIT_LOG = table_of(AuditRecord)
_INSERT = Prepared(
    _AUDIT_LOG.insert(),
    ("at", "actor", "action", "agency_id", "case_number", "batch_id", "address", "detail"),
)
COLUMNS = ("id", "at", "actor", "action", "agency", "case", "batch", "address", "detail")


def record(
    session: Session,
    now: datetime,
    actor: str,
    action: str,
    *,
    agency_id: int | None = None,
    case: str | None = None,
    batch: str | None = None,
    address: str | None = None,
    **detail: Any,
) -> None:
    # A prepared insert on the transaction's connection, not a record for the unit of
    # work to flush: every read of a case writes one.
    _INSERT.run(
        connection_of(session),
        {
            "at": now,
            "actor": actor,
            "action": action,
            "agency_id": agency_id,
            "case_number": case,
            "batch_id": batch,
            "address": address,
            "detail": detail,
        },
    )


def audit_rows(
    session: Session,
    agencies: Iterable[int],
    *,
    everything: bool,
    action: str | None = None,
    case: str | None = None,
    batch: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Entries of these agencies, newest first; ``everything``: the deployment-wide ones
    (logins, admin changes on no agency) too."""
    query = select(AuditRecord, AgencyRecord.code).outerjoin(
        AgencyRecord, AgencyRecord.id == AuditRecord.agency_id
    )
    scope = AuditRecord.agency_id.in_(sorted(agencies))
    query = query.where(or_(scope, AuditRecord.agency_id.is_(None)) if everything else scope)
    if action:
        query = query.where(AuditRecord.action == action)
    if case:
        query = query.where(AuditRecord.case_number == case)
    if batch:
        query = query.where(AuditRecord.batch_id == batch)
    rows = session.execute(query.order_by(AuditRecord.id.desc()).limit(limit)).all()
    return [
        {
            "id": entry.id,
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "action": entry.action,
            "agency": code,
            "case": entry.case_number,
            "batch": entry.batch_id,
            "address": entry.address,
            "detail": entry.detail,
        }
        for entry, code in rows
    ]


def audit_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The entries as CSV, every text cell neutralised as the reports' are."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[column] is None else str(row[column]) for column in COLUMNS])
    return out.getvalue()
