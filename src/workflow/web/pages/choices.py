"""The agencies a caller may choose on a form: those where their grants allow one
permission, as ``(code, label)`` select options."""

from __future__ import annotations

from sqlalchemy import select

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.store.records import AgencyRecord
from workflow.web.auth import Caller


def agency_options(
    application: Application, caller: Caller, permission: Permission
) -> list[tuple[str, str]]:
    allowed = caller.principal.agencies(permission)
    with application.database.reading() as session:
        rows = session.execute(
            select(AgencyRecord.id, AgencyRecord.code, AgencyRecord.name).order_by(
                AgencyRecord.code
            )
        ).all()
    return [(code, f"{name}（{code}）") for agency_id, code, name in rows if agency_id in allowed]
