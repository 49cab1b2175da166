"""A caller's view of the store: only the agencies their grants cover, personal data
masked unless a role of theirs needs it there.

A case of an agency outside the caller's scope does not exist for them: 404 by number
and by id, absent from lists, search, letters, reports and counts. Within scope, an
action their roles do not allow is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from workflow.access.masking import mask_text, mask_values
from workflow.access.roles import Permission
from workflow.cases.lookup import find_agency, find_case
from workflow.errors import CaseNotFound, Forbidden, InvalidInput
from workflow.store.prepared import Prepared
from workflow.store.records import AgencyRecord, CaseRecord
from workflow.store.tables import CASES
from workflow.web.auth import Caller

WHAT = {
    Permission.OPEN_CASES: "opening cases needs the registrar role on the agency",
    Permission.FIRE: "advancing a case needs the handler or head role on its agency",
    Permission.APPROVE: "this step needs an approver: the head role on the case's agency",
    Permission.REPORTS: "reports need the reporter, head or auditor role on the agency",
    Permission.ADMINISTER: "this needs the admin role on the agency",
    Permission.READ_AUDIT: "this needs the auditor or admin role",
    Permission.READ_CASES: "reading cases needs a case role on the agency",
}


def require(caller: Caller, permission: Permission, agency_id: int | None = None) -> None:
    if not caller.principal.may(permission, agency_id):
        raise Forbidden(WHAT[permission])


def case_in_scope(
    session: Session, caller: Caller, number: str, permission: Permission | None = None
) -> CaseRecord:
    """The case, when the caller may see it (else CaseNotFound) and, with ``permission``,
    act on it (else Forbidden)."""
    case = find_case(session, number)
    in_scope(caller, number, case.agency_id, permission)
    return case


@dataclass(frozen=True)
class ScopedCase:
    """What a route needs of a case before it acts or shows: whose it is and the
    definition it follows."""

    number: str
    agency_id: int
    definition_id: str
    definition_version: int


_SCOPE = Prepared(
    select(CASES.c.agency_id, CASES.c.definition_id, CASES.c.definition_version).where(
        CASES.c.number == bindparam("b_number")
    )
)


def scoped_case(
    connection: Connection, caller: Caller, number: str, permission: Permission | None = None
) -> ScopedCase:
    """``case_in_scope`` for a route that needs only those columns: one row by a prepared
    statement, not a record loaded into a session (a step's or a read's own statements
    read the rest)."""
    rows = _SCOPE.rows(connection, {"b_number": number})
    if not rows:
        raise CaseNotFound(number)
    agency_id, definition_id, definition_version = rows[0]
    in_scope(caller, number, agency_id, permission)
    return ScopedCase(number, agency_id, definition_id, definition_version)


def in_scope(
    caller: Caller, number: str, agency_id: int, permission: Permission | None = None
) -> None:
    """A case of ``agency_id`` the caller may see (else CaseNotFound) and, with
    ``permission``, act on (else Forbidden)."""
    if agency_id not in caller.principal.agencies(Permission.READ_CASES):
        raise CaseNotFound(number)
    if permission is not None:
        require(caller, permission, agency_id)


def case_number_by_id(session: Session, caller: Caller, case_id: int) -> str:
    row = session.execute(
        select(CaseRecord.number, CaseRecord.agency_id).where(CaseRecord.id == case_id)
    ).one_or_none()
    if row is None or row.agency_id not in caller.principal.agencies(Permission.READ_CASES):
        raise CaseNotFound(f"#{case_id}")
    return str(row.number)


def agency_in_scope(
    session: Session, caller: Caller, code: str, permission: Permission
) -> AgencyRecord:
    """An agency the caller's grants allowing ``permission`` cover; an agency they cannot
    see at all is reported as unknown, like a case."""
    agency = find_agency(session, code)
    if not caller.principal.may(permission, agency.id):
        if agency.id not in visible_agencies(caller):
            raise InvalidInput(f"unknown agency {code!r}")
        raise Forbidden(WHAT[permission])
    return agency


def visible_agencies(caller: Caller) -> frozenset[int]:
    """Every agency some grant of the caller covers, whatever it allows."""
    found: set[int] = set()
    for permission in Permission:
        found |= caller.principal.agencies(permission)
    return frozenset(found)


def shown_case(caller: Caller, agency_id: int, view: dict[str, Any]) -> dict[str, Any]:
    """A case view as this caller may see it."""
    if caller.principal.may(Permission.PERSONAL_DATA, agency_id):
        return view
    masked = dict(view)
    masked["applicant"] = {
        **view["applicant"],
        "contact": mask_text(view["applicant"]["contact"] or "") or None,
    }
    masked["request"] = mask_text(view["request"])
    masked["events"] = [{**e, "payload": mask_values(e["payload"])} for e in view["events"]]
    return masked
