"""``/console/deadlines``: the deadlines board of a head of office, and the extension a
head approves from it (the definition's trigger that takes an ``approver``), fired as
the API fires it (``cases_routes.fire_one``: the head's name is the approver)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.deadline_board import Approval, Board, deadline_board
from workflow.errors import CaseNotFound, Forbidden, InvalidInput, WorkflowError
from workflow.web.auth import Caller
from workflow.web.cases_routes import fire_one
from workflow.web.dependencies import AppDep
from workflow.web.models import FireBody
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page, redirect
from workflow.web.scope import case_in_scope, require

router = APIRouter(prefix="/console", include_in_schema=False)


def _board(application: Application, caller: Caller) -> Board:
    require(caller, Permission.READ_CASES)
    with application.database.reading() as session:
        return deadline_board(
            session,
            application.registry,
            application.calendar,
            caller.principal.agencies(Permission.READ_CASES),
            application.clock.today(),
        )


@router.get("/deadlines")
def board_page(
    request: Request, caller: ConsoleCaller, application: AppDep, extended: str | None = None
) -> Response:
    board = _board(application, caller)
    may_approve = caller.principal.may(Permission.APPROVE)
    return page(
        request,
        "console/board/deadlines.html",
        caller=caller,
        board=board,
        may_approve=may_approve,
        extended=extended,
    )


def _approval(application: Application, caller: Caller, number: str) -> Approval:
    for approval in _board(application, caller).approvals:
        if approval.row.number == number:
            return approval
    raise InvalidInput(f"{number}: no extension awaits approval on this case")


@router.get("/deadlines/extend/{number}")
def extend_form(
    number: str, request: Request, caller: ConsoleCaller, application: AppDep
) -> Response:
    approval = _approval(application, caller, number)
    require(caller, Permission.APPROVE, _agency_of(application, caller, number))
    days = str(approval.max_days or "")
    return page(
        request,
        "console/board/extend.html",
        caller=caller,
        approval=approval,
        values={"days": days, "reason": ""},
        errors={},
    )


def _agency_of(application: Application, caller: Caller, number: str) -> int:
    with application.database.reading() as session:
        return case_in_scope(session, caller, number).agency_id


@router.post("/deadlines/extend/{number}")
def extend(
    number: str,
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    days: str = Form(""),
    reason: str = Form(""),
) -> Response:
    approval = _approval(application, caller, number)
    errors: dict[str, str] = {}
    limit = approval.max_days or 0
    if not days.strip().isdigit() or not 1 <= int(days) <= limit:
        errors["days"] = f"延长的工作日数须为1至{limit}之间的整数"
    if not reason.strip():
        errors["reason"] = "请写明延期的理由（延期告知书载明）"
    elif len(reason) > 2000:
        errors["reason"] = "理由不得超过2000字"
    if not errors:
        body = FireBody(
            trigger=approval.trigger,
            days=int(days),
            reason=reason.strip(),
            approver=caller.principal.name,
        )
        try:
            fire_one(application, caller, number, body)
        except (Forbidden, CaseNotFound):
            raise
        except WorkflowError as error:  # a guard's refusal, a case changed meanwhile
            errors["days"] = f"无法延期：{error}"
        else:
            return redirect(f"/console/deadlines?extended={number}")
    return page(
        request,
        "console/board/extend.html",
        caller=caller,
        status=422,
        approval=approval,
        values={"days": days, "reason": reason},
        errors=errors,
    )
