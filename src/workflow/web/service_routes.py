"""``/api/v1``: agencies, calendar years, the outbox and the scheduler's runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from workflow.access.masking import mask_text
from workflow.access.roles import Permission
from workflow.cases.agencies import add_agency, agency_rows
from workflow.cases.calendar_years import describe_years
from workflow.codes import OutboxStatus
from workflow.errors import Forbidden
from workflow.scheduling.outbox import outbox_rows
from workflow.scheduling.run_log import list_runs
from workflow.store.records import AgencyRecord
from workflow.web import admin_answers
from workflow.web.auth import CallerDep
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented
from workflow.web.idempotency import idempotent
from workflow.web.models import NewAgencyBody
from workflow.web.scope import agency_in_scope, require, visible_agencies

router = APIRouter(prefix="/api/v1")

_OUTBOX_STATUS = "^(" + "|".join(OutboxStatus) + ")$"


@router.get(
    "/agencies",
    operation_id="list_agencies",
    tags=["agencies"],
    response_model=admin_answers.AgencyList,
    responses=documented(401, 503),
)
def list_agencies(caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """The agencies the caller's grants cover, with their letterhead data."""
    with application.database.reading() as session:
        ids = dict(session.execute(select(AgencyRecord.code, AgencyRecord.id)).all())
        rows = agency_rows(session)
    visible = visible_agencies(caller)
    return {"agencies": [row for row in rows if ids[row["code"]] in visible]}


@router.post(
    "/agencies",
    operation_id="add_agency",
    tags=["agencies"],
    status_code=201,
    response_model=admin_answers.AgencyAdded,
    responses=documented(401, 403, 409, 422, 503),
)
def add_agency_route(
    request: Request, body: NewAgencyBody, caller: CallerDep, application: AppDep
) -> JSONResponse:
    """Add an agency: below one the caller administers, or at the top with a grant on
    every agency."""

    def work() -> tuple[int, Any]:
        with application.database.transaction() as session:
            if body.parent is None:
                if not caller.principal.covers_everything(Permission.ADMINISTER):
                    raise Forbidden("a top-level agency needs the admin role on every agency")
            else:
                agency_in_scope(session, caller, body.parent, Permission.ADMINISTER)
            fields = body.model_dump(exclude={"code", "name", "parent"})
            agency = add_agency(session, body.code, body.name, body.parent, **fields)
            caller.audit(
                session,
                application.clock.now(),
                "agency_added",
                agency_id=agency.id,
                code=body.code,
            )
        return 201, {"code": body.code, "name": body.name, "parent": body.parent}

    return idempotent(request, application, caller, body, work)


@router.get(
    "/calendar/years",
    operation_id="list_calendar_years",
    tags=["calendar"],
    response_model=admin_answers.CalendarYears,
    responses=documented(401, 503),
)
def calendar_years(caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """The store's calendar years: working days, notices, origin and content hash (as
    ``workflow calendar years --json``)."""
    return {"years": describe_years(application.calendar_years)}


@router.get(
    "/outbox",
    operation_id="list_outbox",
    tags=["scheduler"],
    response_model=admin_answers.Outbox,
    responses=documented(401, 403, 422, 503),
)
def list_outbox(
    caller: CallerDep,
    application: AppDep,
    status: Annotated[str | None, Query(pattern=_OUTBOX_STATUS)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """Messages of the caller's agencies' cases, newest first (digests, which span cases,
    to a caller with a grant on every agency); bodies are masked."""
    require(caller, Permission.READ_AUDIT)
    everything = caller.principal.covers_everything(Permission.READ_AUDIT)
    scope = caller.principal.agencies(Permission.READ_AUDIT)
    with application.database.reading() as session:
        rows = outbox_rows(session, status, limit, None if everything else scope)
    shown = [{**row, "body": mask_text(row["body"])} for row in rows]
    return {"messages": shown}


@router.get(
    "/scheduler/runs",
    operation_id="list_scheduler_runs",
    tags=["scheduler"],
    response_model=admin_answers.SchedulerRuns,
    responses=documented(401, 403, 422, 503),
)
def scheduler_runs(
    caller: CallerDep,
    application: AppDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> dict[str, Any]:
    """The latest sweeps: they span every agency, so they are for a deployment-wide
    auditor or admin."""
    if not caller.principal.covers_everything(Permission.READ_AUDIT):
        raise Forbidden("the scheduler's runs span every agency: a grant on every agency")
    with application.database.reading() as session:
        return {"runs": list_runs(session, limit)}
