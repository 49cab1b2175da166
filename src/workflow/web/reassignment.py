"""Reassigning a selection of cases to another handler, previewed first like a bulk
step: each case is accepted or refused with the reason (not in scope, not the caller's
to advance, closed, the new handler cannot advance it), then each is changed in its own
transaction with one batch id on every audit entry.

The handler is not part of a case's legal history (no event, no letter): the case's
version, which guards its steps, is left as it is.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from workflow.access.accounts import find_user, user_principal
from workflow.access.roles import Permission
from workflow.application import Application
from workflow.errors import InvalidInput, TransitionRejected, WorkflowError
from workflow.store.records import CaseRecord
from workflow.web.auth import Caller
from workflow.web.bulk_routes import refusal
from workflow.web.scope import case_in_scope


def _checked(
    session: Session, application: Application, caller: Caller, number: str, handler: str
) -> CaseRecord:
    case = case_in_scope(session, caller, number, Permission.FIRE)
    definition = application.registry.for_case(session, case.definition_id, case.definition_version)
    if definition.states[case.state].closed:
        raise TransitionRejected(number, "reassign", case.state, [], ["the case is closed"])
    try:
        user = find_user(session, handler)
    except InvalidInput:
        raise InvalidInput(f"no user named {handler!r}") from None
    if user.disabled or not user_principal(session, user).may(Permission.FIRE, case.agency_id):
        raise InvalidInput(f"{handler} cannot advance the cases of {number}'s agency")
    return case


def preview_reassignment(
    application: Application, caller: Caller, numbers: list[str], handler: str
) -> list[dict[str, Any]]:
    results = []
    for number in dict.fromkeys(numbers):
        try:
            with application.database.reading() as session:
                case = _checked(session, application, caller, number, handler)
        except WorkflowError as error:
            results.append(refusal(number, error))
            continue
        results.append(
            {"case": number, "accepted": True, "from_handler": case.handler, "to_handler": handler}
        )
    return results


def reassign_selection(
    application: Application, caller: Caller, numbers: list[str], handler: str
) -> dict[str, Any]:
    batch = uuid.uuid4().hex
    results = []
    for number in dict.fromkeys(numbers):
        try:
            with application.database.transaction() as session:
                case = _checked(session, application, caller, number, handler)
                before = case.handler
                session.execute(
                    update(CaseRecord).where(CaseRecord.id == case.id).values(handler=handler)
                )
                caller.audit(
                    session,
                    application.clock.now(),
                    "case_reassigned",
                    agency_id=case.agency_id,
                    case=number,
                    batch=batch,
                    before=before,
                    after=handler,
                )
        except WorkflowError as error:
            results.append(refusal(number, error))
            continue
        results.append(
            {"case": number, "accepted": True, "from_handler": before, "to_handler": handler}
        )
    return {"batch": batch, "trigger": "reassign", "results": results}
