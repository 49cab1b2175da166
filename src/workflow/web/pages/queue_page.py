"""``/console/cases``: the queue (待办). The cases in the user's scope, by default their
own open cases, the most urgent first; filters that stay put (kept per user), saved views,
the CSV of what the list shows, paging, and "next case" (领取下一件)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.access.roles import Permission
from workflow.access.saved_views import (
    IN_USE,
    delete_view,
    filters_in_use,
    keep_filters,
    saved_view,
    view_names,
)
from workflow.application import Application
from workflow.cases.assignment import take_next
from workflow.cases.case_list import known_handlers, list_cases
from workflow.codes import Channel
from workflow.spreadsheet_cells import CsvWriter
from workflow.store.records import AgencyRecord
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.queue_filters import (
    ORDER_LABELS,
    PAGE_SIZE,
    WHO_LABELS,
    QueueFilters,
    case_filter,
    check_filters,
    read_filters,
)
from workflow.web.pages.queue_rows import CSV_HEADER, QueueRow, queue_rows
from workflow.web.pages.rendering import PAGE_HEADERS, page, redirect
from workflow.web.scope import require

router = APIRouter(prefix="/console", include_in_schema=False)
QUEUE = "/console/cases"
EXPORT_LIMIT = 10_000
FILTER_NAMES = {
    "who", "state", "handler", "agency", "channel", "due_within", "overdue", "awaiting",
    "closed", "received_from", "received_to", "q", "order",
}  # fmt: skip


@dataclass(frozen=True)
class Listed:
    rows: list[QueueRow]
    total: int


@dataclass(frozen=True)
class Choices:
    """What the filter form offers: only values of the user's scope."""

    states: dict[str, str]
    agencies: dict[str, str]
    handlers: list[str]
    trigger_labels: dict[str, str]


def _choices(session: Session, application: Application, caller: Caller) -> Choices:
    scope = caller.principal.agencies(Permission.READ_CASES)
    states: dict[str, str] = {}
    triggers: dict[str, str] = {}
    for definition in sorted(application.registry.definitions(), key=lambda d: d.version):
        states.update({name: spec.label for name, spec in definition.states.items()})
        triggers.update({name: spec.label for name, spec in definition.triggers.items()})
    agencies = dict(
        session.execute(
            select(AgencyRecord.code, AgencyRecord.name)
            .where(AgencyRecord.id.in_(sorted(scope)))
            .order_by(AgencyRecord.code)
        ).all()
    )
    return Choices(states, agencies, known_handlers(session, scope), triggers)


def _list(
    session: Session,
    application: Application,
    caller: Caller,
    filters: QueueFilters,
    choices: Choices,
    page_number: int,
    limit: int | None,
) -> Listed:
    scope = caller.principal.agencies(Permission.READ_CASES)
    criteria = case_filter(filters, caller.principal.name, scope, page=page_number, limit=limit)
    if criteria.handler is not None and criteria.handler not in choices.handlers:
        return Listed([], 0)  # nobody of that name handles a case here (yet)
    listed = list_cases(
        session, application.registry, application.calendar, criteria, application.clock.today()
    )
    ids = {
        code: agency_id
        for code, agency_id in session.execute(
            select(AgencyRecord.code, AgencyRecord.id).where(AgencyRecord.id.in_(sorted(scope)))
        )
    }

    def masked(agency: str) -> bool:
        return not caller.principal.may(Permission.PERSONAL_DATA, ids.get(agency))

    return Listed(queue_rows(listed.rows, choices.trigger_labels, masked), listed.total)


def _filters_of(request: Request, session: Session, caller: Caller) -> tuple[QueueFilters, bool]:
    """The filters this request asks for, and whether they are new (to be kept)."""
    params = request.query_params
    if "reset" in params:
        return QueueFilters(), True
    if "view" in params:
        stored = saved_view(session, caller.principal.id, params["view"][:64])
        if stored is not None:
            return QueueFilters.from_json(stored), True
    if FILTER_NAMES & set(params):
        return read_filters(params), True
    stored = filters_in_use(session, caller.principal.id)
    return (QueueFilters.from_json(stored) if stored else QueueFilters()), False


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return min(int(text), 100_000) if text.isdigit() and int(text) >= 1 else 1


@router.get("/cases")
def queue(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    number = _page_number(request)
    with application.database.reading() as session:
        filters, changed = _filters_of(request, session, caller)
        choices = _choices(session, application, caller)
        errors = check_filters(filters, choices.states, choices.agencies)
        listed = (
            Listed([], 0)
            if errors
            else _list(session, application, caller, filters, choices, number, PAGE_SIZE)
        )
        views = view_names(session, caller.principal.id)
    if changed and not errors:
        with application.database.transaction() as session:
            keep_filters(
                session, caller.principal.id, IN_USE, filters.to_json(), application.clock.now()
            )
    pages = max(1, -(-listed.total // PAGE_SIZE))
    may_take = caller.principal.agency_id is not None and caller.principal.may(
        Permission.FIRE, caller.principal.agency_id
    )
    return page(
        request,
        "console/queue.html",
        caller=caller,
        status=422 if errors else 200,
        filters=filters,
        errors=errors,
        rows=listed.rows,
        total=listed.total,
        page_number=min(number, pages),
        pages=pages,
        choices=choices,
        who_options=list(WHO_LABELS.items()),
        handler_options=[("", "不限")] + [(name, name) for name in choices.handlers],
        order_options=list(ORDER_LABELS.items()),
        channel_options=[("", "全部")] + [(member.value, member.label) for member in Channel],
        views=views,
        may_take=may_take,
        today=application.clock.today(),
        notice=request.query_params.get("notice", ""),
    )


@router.get("/queue.csv")
def export(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    """Every row of the list with the filters in use, in the columns the page shows."""
    with application.database.reading() as session:
        filters, _ = _filters_of(request, session, caller)
        choices = _choices(session, application, caller)
        errors = check_filters(filters, choices.states, choices.agencies)
        listed = (
            Listed([], 0)
            if errors
            else _list(session, application, caller, filters, choices, 1, EXPORT_LIMIT)
        )
    with application.database.transaction() as session:
        caller.audit(session, application.clock.now(), "queue_exported", rows=len(listed.rows))
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(CSV_HEADER)
    for row in listed.rows:
        writer.writerow(row.cells())
    today = application.clock.today().isoformat()
    return Response(
        "\ufeff" + out.getvalue(),  # the BOM: spreadsheets then read the file as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="queue-{today}.csv"',
        },
    )


@router.post("/cases/next")
def next_case(caller: ConsoleCaller, application: AppDep) -> Response:
    """Assign the user the most urgent unassigned open case of their agency."""
    agency_id = caller.principal.agency_id
    if agency_id is None:
        return redirect(f"{QUEUE}?notice=no-agency")
    require(caller, Permission.FIRE, agency_id)
    with application.database.transaction() as session:
        number = take_next(
            session,
            application.registry,
            application.calendar,
            agency_id,
            caller.principal.name,
            application.clock.today(),
        )
        if number is not None:
            caller.audit(
                session,
                application.clock.now(),
                "case_assigned",
                case=number,
                handler=caller.principal.name,
            )
    if number is None:
        return redirect(f"{QUEUE}?notice=none-unassigned")
    return redirect(f"{QUEUE}/{number}")


@router.post("/cases/views")
def save_view(
    caller: ConsoleCaller,
    application: AppDep,
    name: Annotated[str, Form(max_length=200)] = "",
    action: Annotated[str, Form(max_length=16)] = "save",
) -> Response:
    """Save the filters in use under a name, or delete the view of that name."""
    name = name.strip()
    if not name or len(name) > 64:
        return redirect(f"{QUEUE}?notice=view-name")
    with application.database.transaction() as session:
        if action == "delete":
            delete_view(session, caller.principal.id, name)
            return redirect(f"{QUEUE}?notice=view-deleted")
        current = filters_in_use(session, caller.principal.id) or QueueFilters().to_json()
        keep_filters(session, caller.principal.id, name, current, application.clock.now())
    return redirect(f"{QUEUE}?notice=view-saved")
