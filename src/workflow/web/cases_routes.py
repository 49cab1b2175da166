"""``/api/v1/cases``: open, list and search, show (by number or id), fire a trigger."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.case_list import CaseFilter, list_cases
from workflow.cases.service import NewCase
from workflow.cases.views import show_case
from workflow.definition import WorkflowDefinition
from workflow.errors import InvalidInput, StaleCase
from workflow.lifecycle import StepInput
from workflow.store.records import CaseRecord
from workflow.web import answers
from workflow.web.auth import Caller, CallerDep
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented
from workflow.web.idempotency import idempotent
from workflow.web.models import FireBody, NewCaseBody
from workflow.web.scope import case_number_by_id, in_scope, require, scoped_case, shown_case

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseView = dict[str, Any]


def answer(body: dict[str, Any]) -> JSONResponse:
    """A body already JSON (a view's ``to_json()``) as the response. A dict returned from
    a plain route is validated against its ``response_model`` in the thread pool, a
    second hand-over to a worker thread and a validation each answer; the model stays
    declared for the OpenAPI document (``answers``)."""
    return JSONResponse(body)


def case_view(application: Application, caller: Caller, number: str, as_of: date) -> CaseView:
    """The case as ``case show --json`` prints it, as this caller may see it; the read is
    audited. The view is read beside other writers; its audit entry is committed, in a
    write transaction of one insert, before the view is returned: the store's write lock
    is held for the entry, not for reading the case."""
    agency_id, view = _read_view(application, caller, number, as_of)
    with application.database.transaction() as session:
        record_read(application, caller, session, agency_id, number)
    return shown_case(caller, agency_id, view)


def record_read(
    application: Application, caller: Caller, session: Session, agency_id: int, number: str
) -> None:
    caller.audit(session, application.clock.now(), "case_read", agency_id=agency_id, case=number)


def _read_view(
    application: Application, caller: Caller, number: str, as_of: date
) -> tuple[int, CaseView]:
    with application.database.reading() as session:
        case = scoped_case(session.connection(), caller, number)
        view = show_case(
            session, application.registry, application.calendar, number, as_of
        ).to_json()
    return case.agency_id, view


@router.post(
    "/cases",
    operation_id="open_case",
    status_code=201,
    response_model=answers.Case,
    responses=documented(401, 403, 409, 422, 503),
)
def open_case(
    request: Request, body: NewCaseBody, caller: CallerDep, application: AppDep
) -> JSONResponse:
    """Register an application (its acknowledgement letter is issued with it)."""

    def work() -> tuple[int, Any]:
        new = NewCase(**body.model_dump(), by=caller.principal.name)
        views: list[CaseView] = []

        def answer_view(session: Session, case: CaseRecord) -> None:
            # The answer is the new case's view, read and audited (a registrar may read
            # what they open) in the opening's own transaction.
            record_read(application, caller, session, case.agency_id, case.number)
            registry, calendar = application.registry, application.calendar
            views.append(
                show_case(session, registry, calendar, case.number, body.received_on).to_json()
            )

        case = application.cases.open(
            new,
            admit=lambda agency: require(caller, Permission.OPEN_CASES, agency),
            also=answer_view,
        )
        return 201, shown_case(caller, case.agency_id, views[-1])

    return idempotent(request, application, caller, body, work)


@router.get(
    "/cases",
    operation_id="list_cases",
    response_model=answers.CaseList,
    responses=documented(401, 422, 503),
)
def list_cases_route(
    caller: CallerDep,
    application: AppDep,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[str | None, Query(max_length=64)] = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    due_within: Annotated[int | None, Query(ge=0, le=1000, description="Working days")] = None,
    overdue: bool = False,
    awaiting_calendar: bool = False,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="In the applicant's name or request"),
    ] = None,
    as_of: date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> JSONResponse:
    """Cases of the caller's agencies with their nearest running deadline (as ``case list``),
    optionally searched by applicant or request text."""
    effective = as_of or application.clock.today()
    scope = caller.principal.agencies(Permission.READ_CASES)
    criteria = CaseFilter(
        agency=agency,
        state=state,
        open_only=open_only,
        due_within=due_within,
        overdue=overdue,
        awaiting_calendar=awaiting_calendar,
        limit=limit,
        agency_ids=scope,
        text=q,
    )
    with application.database.reading() as session:
        listed = list_cases(
            session, application.registry, application.calendar, criteria, effective
        )
    return answer(listed.to_json())


@router.get(
    "/cases/{number}",
    operation_id="show_case",
    response_model=answers.Case,
    responses=documented(401, 404, 422, 503),
)
def show_case_route(
    number: str, caller: CallerDep, application: AppDep, as_of: date | None = None
) -> JSONResponse:
    """A case: state, deadlines with explanations, history, allowed triggers, version."""
    return answer(case_view(application, caller, number, as_of or application.clock.today()))


@router.get(
    "/cases/by-id/{case_id}",
    operation_id="show_case_by_id",
    response_model=answers.Case,
    responses=documented(401, 404, 422, 503),
)
def show_case_by_id(
    case_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: CallerDep,
    application: AppDep,
    as_of: date | None = None,
) -> JSONResponse:
    """The same, by the case's id."""
    with application.database.reading() as session:
        number = case_number_by_id(session, caller, case_id)
    return answer(case_view(application, caller, number, as_of or application.clock.today()))


def fire_one(
    application: Application, caller: Caller, number: str, body: FireBody
) -> dict[str, Any]:
    """Fire a trigger on a case the caller may advance; the answer names the new version."""
    step = body.step(application.clock.today(), caller.principal.name)

    def admit(case: CaseRecord, definition: WorkflowDefinition) -> StepInput:
        in_scope(caller, number, case.agency_id, Permission.FIRE)
        spec = definition.triggers.get(body.trigger)
        if spec is not None and "approver" in spec.inputs:
            require(caller, Permission.APPROVE, case.agency_id)
            if step.approver is None:
                return replace(step, approver=caller.principal.name)
        return step

    try:
        fired = application.cases.fire(
            number, body.trigger, step, expected_version=body.expect_version, admit=admit
        )
    except StaleCase as error:
        with application.database.reading() as session:
            current = session.scalars(
                select(CaseRecord.version).where(CaseRecord.number == number)
            ).one()
        raise StaleCase(number, current) from error
    return {
        "number": fired.number,
        "trigger": fired.trigger,
        "from_state": fired.source,
        "to_state": fired.dest,
        "outcome": fired.outcome,
        "event": fired.event_seq,
        "version": fired.version,
        "warnings": list(fired.warnings),
    }


@router.post(
    "/cases/{number}/fire",
    operation_id="fire_trigger",
    response_model=answers.Fired,
    responses=documented(401, 403, 404, 409, 422, 503),
)
def fire_route(
    request: Request, number: str, body: FireBody, caller: CallerDep, application: AppDep
) -> JSONResponse:
    """Fire a trigger with the step's inputs. ``expect_version``: refused (409, with the
    current version) when the case changed since; a trigger not allowed in the state is a
    409 naming the allowed ones; missing or bad inputs are a 422 naming each."""
    if not body.trigger:
        raise InvalidInput("give the trigger")
    return idempotent(
        request,
        application,
        caller,
        body,
        lambda: (200, fire_one(application, caller, number, body)),
        also={"number": number},
    )
