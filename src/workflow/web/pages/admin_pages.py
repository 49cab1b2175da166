"""``/console/admin``: users (add with roles, reset a password, disable) and API tokens
(create with an expiry, revoke), through ``web.staff_admin`` as the API's routes are. A
one-time password or a token's secret is shown once, on the page that answers the POST
(never in an address, never stored in clear)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from workflow.access.roles import Permission, Role
from workflow.application import Application
from workflow.cases.agencies import agency_rows
from workflow.errors import Forbidden, InvalidInput
from workflow.letters.record_data import letterhead_gaps
from workflow.store.records import AgencyRecord
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.choices import agency_options as administered_options
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page, redirect
from workflow.web.pages.staff_home import ROLE_LABELS
from workflow.web.staff_admin import (
    MAX_TOKEN_DAYS,
    add_staff_user,
    create_api_token,
    disable_staff_user,
    reset_staff_password,
    revoke_api_token,
    role_policies,
    set_second_factor_roles,
    tokens_in_scope,
    users_in_scope,
)

router = APIRouter(prefix="/console", include_in_schema=False)
ROLE_OPTIONS = [(role.value, ROLE_LABELS[role]) for role in Role]


def agency_options(application: Application, caller: Caller) -> list[tuple[str, str]]:
    return administered_options(application, caller, Permission.ADMINISTER)


def _grants(roles: list[str], agency: str, subtree: bool) -> list[str]:
    return [f"{role}@{agency}{'/*' if subtree else ''}" for role in roles]


@router.get("/admin")
def admin_home(
    request: Request, caller: ConsoleCaller, application: AppDep, done: str | None = None
) -> Response:
    principal = caller.principal
    if not (principal.may(Permission.ADMINISTER) or principal.may(Permission.READ_AUDIT)):
        raise Forbidden("administration needs the admin or auditor role")
    administer = principal.may(Permission.ADMINISTER)
    agencies: list[dict[str, Any]] = []
    if administer:
        mine = principal.agencies(Permission.ADMINISTER)
        with application.database.reading() as session:
            records = session.scalars(select(AgencyRecord).order_by(AgencyRecord.code)).all()
            rows = {row["code"]: row for row in agency_rows(session)}
            agencies = [
                {**rows[a.code], "gaps": letterhead_gaps(a)} for a in records if a.id in mine
            ]
    return page(
        request,
        "console/admin/home.html",
        caller=caller,
        administer=administer,
        users=users_in_scope(application, caller) if administer else [],
        tokens=tokens_in_scope(application, caller) if administer else [],
        agencies=agencies,
        done=done,
        policies=role_policies(application) if administer else {},
        may_set_policies=principal.covers_everything(Permission.ADMINISTER),
        role_labels={role.value: label for role, label in ROLE_LABELS.items()},
    )


@router.post("/admin/roles")
async def set_policies(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    form = await request.form()
    set_second_factor_roles(application, caller, {str(role) for role in form.getlist("totp")})
    return redirect("/console/admin?done=roles")


def _form(
    request: Request,
    caller: Caller,
    application: Application,
    template: str,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    return page(
        request,
        f"console/admin/{template}.html",
        caller=caller,
        status=422 if errors else 200,
        values=values,
        errors=errors,
        agencies=agency_options(application, caller),
        roles=ROLE_OPTIONS,
        max_days=MAX_TOKEN_DAYS,
    )


@router.get("/admin/users/new")
def new_user_form(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    if not caller.principal.may(Permission.ADMINISTER):
        raise Forbidden("adding users needs the admin role")
    values = {"name": "", "display_name": "", "agency": "", "roles": [], "subtree": False}
    return _form(request, caller, application, "user_new", values, {})


@router.post("/admin/users/new")
async def add_user_page(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    if not caller.principal.may(Permission.ADMINISTER):
        raise Forbidden("adding users needs the admin role")
    form = await request.form()
    values: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "display_name": str(form.get("display_name", "")).strip(),
        "agency": str(form.get("agency", "")),
        "roles": [str(role) for role in form.getlist("roles")],
        "subtree": bool(form.get("subtree")),
    }
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "请填写用户名（字母、数字、“.”、“-”、“_”）"
    elif len(values["name"]) > 64:
        errors["name"] = "用户名不超过64个字符"
    if len(values["display_name"]) > 100:
        errors["display_name"] = "姓名不超过100个字"
    if values["agency"] not in {code for code, _ in agency_options(application, caller)}:
        errors["agency"] = "请选择您管理的机关"
    known = {code for code, _ in ROLE_OPTIONS}
    if not values["roles"] or not set(values["roles"]) <= known:
        errors["roles"] = "请至少选择一个角色"
    if not errors:
        grants = _grants(values["roles"], values["agency"], values["subtree"])
        try:
            password = add_staff_user(
                application,
                caller,
                values["name"],
                values["display_name"],
                values["agency"],
                grants,
            )
        except InvalidInput as error:
            errors["name"] = f"未添加：{error}"
        else:
            return _secret(request, caller, "用户已添加", values["name"], password, "一次性密码")
    return _form(request, caller, application, "user_new", values, errors)


def _secret(
    request: Request, caller: Caller, title: str, who: str, secret: str, kind: str
) -> Response:
    return page(
        request,
        "console/admin/secret.html",
        caller=caller,
        title=title,
        who=who,
        secret=secret,
        kind=kind,
    )


@router.post("/admin/users/{name}/reset-password")
def reset_page(name: str, request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    password = reset_staff_password(application, caller, name)
    return _secret(request, caller, "密码已重置", name, password, "一次性密码")


@router.post("/admin/users/{name}/disable")
def disable_page(name: str, caller: ConsoleCaller, application: AppDep) -> Response:
    disable_staff_user(application, caller, name)
    return redirect("/console/admin?done=disabled")


@router.get("/admin/tokens/new")
def new_token_form(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    if not caller.principal.may(Permission.ADMINISTER):
        raise Forbidden("creating tokens needs the admin role")
    values = {"name": "", "agency": "", "roles": [], "subtree": False, "days": "90"}
    return _form(request, caller, application, "token_new", values, {})


@router.post("/admin/tokens/new")
async def create_token_page(
    request: Request, caller: ConsoleCaller, application: AppDep
) -> Response:
    if not caller.principal.may(Permission.ADMINISTER):
        raise Forbidden("creating tokens needs the admin role")
    form = await request.form()
    values: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "agency": str(form.get("agency", "")),
        "roles": [str(role) for role in form.getlist("roles")],
        "subtree": bool(form.get("subtree")),
        "days": str(form.get("days", "")).strip(),
    }
    errors: dict[str, str] = {}
    if not values["name"] or len(values["name"]) > 64:
        errors["name"] = "请填写令牌名称（不超过64个字符）"
    if values["agency"] not in {code for code, _ in agency_options(application, caller)}:
        errors["agency"] = "请选择您管理的机关"
    if not values["roles"] or not set(values["roles"]) <= {code for code, _ in ROLE_OPTIONS}:
        errors["roles"] = "请至少选择一个角色"
    days = values["days"]
    if not days.isdigit() or not 1 <= int(days) <= MAX_TOKEN_DAYS:
        errors["days"] = f"有效期为1至{MAX_TOKEN_DAYS}天"
    if not errors:
        grants = _grants(values["roles"], values["agency"], values["subtree"])
        try:
            secret = create_api_token(application, caller, values["name"], grants, int(days))
        except InvalidInput as error:
            errors["name"] = f"未创建：{error}"
        else:
            return _secret(request, caller, "令牌已创建", values["name"], secret, "令牌")
    return _form(request, caller, application, "token_new", values, errors)


@router.post("/admin/tokens/{name}/revoke")
def revoke_page(name: str, caller: ConsoleCaller, application: AppDep) -> Response:
    revoke_api_token(application, caller, name)
    return redirect("/console/admin?done=revoked")
