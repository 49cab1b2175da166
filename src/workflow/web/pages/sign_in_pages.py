"""The console's door: log in, log out, change the password, the second factor."""

from __future__ import annotations

from typing import Annotated, Any

import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from workflow.access.sessions import end_session
from workflow.errors import InvalidInput, NotAuthenticated, Throttled
from workflow.web.auth import SESSION_COOKIE, address_of, check_origin, set_session_cookie
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import (
    PASSWORD_PAGE,
    SECOND_FACTOR_PAGE,
    PendingConsoleCaller,
)
from workflow.web.pages.rendering import page, redirect, safe_next
from workflow.web.signing_in import (
    SignedIn,
    enrol_second_factor,
    give_second_factor,
    replace_password,
    session_user,
    sign_in,
)
from workflow.web.worker_loop import in_a_thread

router = APIRouter(prefix="/console", include_in_schema=False)
MIN_PASSWORD = 10
FIELD_LIMIT = 200


def _after_sign_in(signed: SignedIn, target: str) -> str:
    if signed.must_change_password:
        return PASSWORD_PAGE
    if signed.second_factor is not None:
        return SECOND_FACTOR_PAGE
    return target


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    return page(request, "console/login.html", username="", next=safe_next(next), errors={})


@router.post("/login")
async def login(
    request: Request,
    application: AppDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    check_origin(request)
    target = safe_next(next)
    errors: dict[str, str] = {}
    if not username.strip() or len(username) > 64:
        errors["username"] = "请填写用户名（不超过64个字符）"
    if not password or len(password) > FIELD_LIMIT:
        errors["password"] = "请填写密码"
    status = 422
    if not errors:
        try:
            address = address_of(request)
            signed = await in_a_thread(sign_in, application, username.strip(), password, address)
        except NotAuthenticated:
            errors["password"], status = "用户名或密码错误", 401
        except Throttled as error:
            errors["password"] = f"登录失败次数过多，请在{error.retry_after}秒后再试"
            status = 429
        else:
            response = redirect(_after_sign_in(signed, target))
            set_session_cookie(response, request, signed.opened.cookie)
            return response
    return page(
        request, "console/login.html", status=status, username=username[:64], next=target,
        errors=errors,
    )  # fmt: skip


@router.post("/logout")
def logout(caller: PendingConsoleCaller, application: AppDep) -> Response:
    now = application.clock.now()
    with application.database.transaction() as session:
        row, _ = session_user(session, caller)
        end_session(session, row, now)
        caller.audit(session, now, "logout")
    response = redirect("/console/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/password")
def password_form(request: Request, caller: PendingConsoleCaller) -> Response:
    return page(request, "console/password.html", caller=caller, errors={})


@router.post("/password")
async def change_password(
    request: Request,
    caller: PendingConsoleCaller,
    application: AppDep,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if not current_password or len(current_password) > FIELD_LIMIT:
        errors["current_password"] = "请填写当前密码"
    if not MIN_PASSWORD <= len(new_password) <= FIELD_LIMIT:
        errors["new_password"] = f"新密码须为{MIN_PASSWORD}至{FIELD_LIMIT}个字符"
    elif new_password != confirm_password:
        errors["confirm_password"] = "两次输入的新密码不一致"
    if not errors:
        try:
            signed = await in_a_thread(
                replace_password, application, caller, current_password, new_password
            )
        except NotAuthenticated:
            errors["current_password"] = "当前密码不正确"
        except InvalidInput:
            errors["new_password"] = "新密码不能与当前密码相同"
        else:
            response = redirect(_after_sign_in(signed, "/console/"))
            set_session_cookie(response, request, signed.opened.cookie)
            return response
    return page(request, "console/password.html", caller=caller, status=422, errors=errors)


def _second_factor_page(
    request: Request, caller: PendingConsoleCaller, application: AppDep, **context: Any
) -> Response:
    with application.database.reading() as session:
        _, user = session_user(session, caller)
        enrolled = user.totp_secret is not None
    context.setdefault("errors", {})
    context.setdefault("secret", None)
    return page(request, "console/second_factor.html", caller=caller, enrolled=enrolled, **context)


@router.get("/second-factor")
def second_factor_form(
    request: Request, caller: PendingConsoleCaller, application: AppDep
) -> Response:
    if not caller.second_factor_pending:
        return redirect("/console/")
    return _second_factor_page(request, caller, application)


@router.post("/second-factor/enrol")
def enrol(request: Request, caller: PendingConsoleCaller, application: AppDep) -> Response:
    secret = enrol_second_factor(application, caller)
    uri = pyotp.TOTP(secret).provisioning_uri(name=caller.principal.name, issuer_name="workflow")
    # Shown once: the secret is not displayed again.
    return _second_factor_page(request, caller, application, secret=secret, uri=uri)


@router.post("/second-factor")
def second_factor(
    request: Request,
    caller: PendingConsoleCaller,
    application: AppDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    code = code.strip()
    if not (code.isdigit() and 6 <= len(code) <= 8):
        errors = {"code": "请填写验证器显示的6位数字"}
        return _second_factor_page(request, caller, application, errors=errors)
    try:
        ok = give_second_factor(application, caller, code)
    except Throttled as error:
        errors = {"code": f"尝试次数过多，请在{error.retry_after}秒后再试"}
        return _second_factor_page(request, caller, application, errors=errors)
    if not ok:
        errors = {"code": "验证码不正确或已过期"}
        return _second_factor_page(request, caller, application, errors=errors)
    return redirect("/console/")
