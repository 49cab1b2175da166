"""``/api/v1/cases/bulk-fire``: one trigger over a selection, previewed first.

The preview runs each case's step for real inside a transaction that is rolled back
(no letters rendered), so what it says each guard accepts or refuses is what firing
would do on the same versions. Firing gives each case its own transaction (one refusal
does not undo the others) and puts one batch id on every audit entry.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.service import CaseService, lock_case
from workflow.errors import WorkflowError
from workflow.web import answers
from workflow.web.auth import Caller, CallerDep
from workflow.web.cases_routes import fire_one
from workflow.web.dependencies import AppDep
from workflow.web.errors import code_of, details_of, documented
from workflow.web.idempotency import idempotent
from workflow.web.models import BulkFireBody, FireBody
from workflow.web.scope import case_in_scope

router = APIRouter(prefix="/api/v1", tags=["cases"])


class _RollBack(Exception):
    """Leaves a preview's transaction without committing it."""


def refusal(number: str, error: WorkflowError) -> dict[str, Any]:
    return {
        "case": number,
        "accepted": False,
        "error": {"code": code_of(error), "message": str(error), "details": details_of(error)},
    }


def _preview_one(
    application: Application, service: CaseService, caller: Caller, number: str, body: FireBody
) -> dict[str, Any]:
    try:
        with application.database.reading() as session:
            case_in_scope(session, caller, number, Permission.FIRE)
        step = body.step(application.clock.today(), caller.principal.name)
        try:
            with application.database.transaction() as session:
                case = lock_case(session, number)
                version = case.version
                fired = service.fire_in(session, case, body.trigger, step)
                raise _RollBack
        except _RollBack:
            pass
    except WorkflowError as error:
        return refusal(number, error)
    return {
        "case": number,
        "accepted": True,
        "version": version,
        "from_state": fired.source,
        "to_state": fired.dest,
        "outcome": fired.outcome,
        "warnings": list(fired.warnings),
    }


def _single(body: BulkFireBody) -> FireBody:
    return FireBody(**body.model_dump(exclude={"cases"}))


@router.post(
    "/cases/bulk-fire/preview",
    operation_id="preview_bulk_fire",
    response_model=answers.BulkPreview,
    responses=documented(401, 403, 422, 503),
)
def preview_bulk_fire(body: BulkFireBody, caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """Which cases the trigger would move, and why each other one is refused; nothing
    is changed."""
    results = preview_selection(application, caller, body.cases, _single(body))
    return {"trigger": body.trigger, "results": results}


def preview_selection(
    application: Application, caller: Caller, numbers: list[str], body: FireBody
) -> list[dict[str, Any]]:
    """For each case (once each, in the order given): accepted, with the transition it
    would make, or refused with the error firing would raise."""
    service = CaseService(
        application.database,
        application.registry,
        application.calendar,
        application.clock,
        letters=None,
    )
    return [
        _preview_one(application, service, caller, number, body)
        for number in dict.fromkeys(numbers)
    ]


@router.post(
    "/cases/bulk-fire",
    operation_id="bulk_fire",
    response_model=answers.BulkFired,
    responses=documented(401, 403, 409, 422, 503),
)
def bulk_fire(
    request: Request, body: BulkFireBody, caller: CallerDep, application: AppDep
) -> JSONResponse:
    """Fire the trigger on each case, each in its own transaction; one batch id in the
    audit log for all of them."""

    return idempotent(
        request,
        application,
        caller,
        body,
        lambda: (200, fire_selection(application, caller, body.cases, _single(body))),
    )


def fire_selection(
    application: Application, caller: Caller, numbers: list[str], body: FireBody
) -> dict[str, Any]:
    """Fire on each case in its own transaction; one batch id on every audit entry."""
    batch = uuid.uuid4().hex
    results = []
    for number in dict.fromkeys(numbers):
        try:
            fired = fire_one(application, caller, number, body)
        except WorkflowError as error:
            results.append(refusal(number, error))
            continue
        results.append({"case": number, "accepted": True, **fired})
        with application.database.transaction() as session:
            case = case_in_scope(session, caller, number)
            caller.audit(
                session,
                application.clock.now(),
                "bulk_fired",
                agency_id=case.agency_id,
                case=number,
                batch=batch,
                trigger=body.trigger,
                version=fired["version"],
            )
    return {"batch": batch, "trigger": body.trigger, "results": results}
