"""``/console/``: the start page, the queue for whoever may read cases; ``/console/account``:
who the signed-in staff member is, their roles on which agencies."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from workflow.access.roles import Permission, Role
from workflow.store.records import AgencyRecord
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page, redirect

router = APIRouter(prefix="/console", include_in_schema=False)

ROLE_LABELS = {
    Role.REGISTRAR: "登记员",
    Role.HANDLER: "承办人",
    Role.HEAD: "负责人",
    Role.REPORTER: "年报编制人",
    Role.ADMIN: "系统管理员",
    Role.AUDITOR: "审计员",
}


@router.get("/")
def home(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    if caller.principal.agencies(Permission.READ_CASES):
        return redirect("/console/cases")
    return account(request, caller, application)


@router.get("/account")
def account(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    with application.database.reading() as session:
        names = dict(session.execute(select(AgencyRecord.id, AgencyRecord.name)).all())
    grants = [
        {
            "role": ROLE_LABELS[grant.role],
            "agency": "全部机关" if grant.agency_id is None else names.get(grant.agency_id, "?"),
            "subtree": grant.subtree,
        }
        for grant in caller.principal.grants
    ]
    return page(request, "console/home.html", caller=caller, grants=grants)
