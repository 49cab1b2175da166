"""``/auth``: log in and out, change the password, the second factor (TOTP)."""

from __future__ import annotations

from typing import Annotated

import pyotp
from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel

from workflow.access.sessions import end_session
from workflow.errors import NotAuthenticated
from workflow.store.access_records import UserRecord, WebSessionRecord
from workflow.web.auth import (
    SESSION_COOKIE,
    Caller,
    PendingCaller,
    address_of,
    check_origin,
    set_session_cookie,
)
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented
from workflow.web.signing_in import (
    SignedIn,
    enrol_second_factor,
    give_second_factor,
    replace_password,
    second_factor_owed,
    session_user,
    sign_in,
)
from workflow.web.worker_loop import in_a_thread

router = APIRouter(prefix="/auth", tags=["auth"])
TOTP_ISSUER = "workflow"


class SessionAnswer(BaseModel):
    user: str
    display_name: str
    roles: list[str]
    csrf_token: str  # send it as X-CSRF-Token (or the csrf_token form field) on unsafe calls
    must_change_password: bool
    second_factor: str | None  # "required": POST /auth/totp; "enrol": POST /auth/totp/enrol


class Enrolment(BaseModel):
    secret: str
    uri: str  # otpauth:// for an authenticator app


def _answer(signed: SignedIn) -> SessionAnswer:
    return SessionAnswer(
        user=signed.user_name,
        display_name=signed.display_name,
        roles=signed.roles,
        csrf_token=signed.opened.csrf_token,
        must_change_password=signed.must_change_password,
        second_factor=signed.second_factor,
    )


def _current(caller: Caller, row: WebSessionRecord, user: UserRecord) -> SessionAnswer:
    second = second_factor_owed(row, user)
    return SessionAnswer(
        user=user.name,
        display_name=user.display_name,
        roles=sorted(role.value for role in caller.principal.roles),
        csrf_token=row.csrf_token,
        must_change_password=user.must_change_password,
        second_factor=second,
    )


@router.post(
    "/login",
    operation_id="login",
    response_model=SessionAnswer,
    responses=documented(401, 403, 422, 429, 503),
)
async def login(
    request: Request,
    response: Response,
    application: AppDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> SessionAnswer:
    """Log in with a user name and password (a form); sets the session cookie."""
    check_origin(request)
    signed = await in_a_thread(sign_in, application, username, password, address_of(request))
    set_session_cookie(response, request, signed.opened.cookie)
    return _answer(signed)


@router.post("/logout", operation_id="logout", status_code=204, responses=documented(422))
def logout(caller: PendingCaller, application: AppDep, response: Response) -> Response:
    """End this session."""
    now = application.clock.now()
    with application.database.transaction() as session:
        row, _ = session_user(session, caller)
        end_session(session, row, now)
        caller.audit(session, now, "logout")
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get(
    "/me",
    operation_id="whoami",
    response_model=SessionAnswer,
    responses=documented(401, 403, 422, 503),
)
def whoami(caller: PendingCaller, application: AppDep) -> SessionAnswer:
    """The logged-in user, their roles and the session's CSRF token."""
    with application.database.reading() as session:
        row, user = session_user(session, caller)
        return _current(caller, row, user)


@router.post(
    "/password",
    operation_id="change_password",
    response_model=SessionAnswer,
    responses=documented(401, 403, 422, 503),
)
async def change_password(
    request: Request,
    response: Response,
    caller: PendingCaller,
    application: AppDep,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
) -> SessionAnswer:
    """Change the password: every session of the user ends, and this one is replaced."""
    signed = await in_a_thread(
        replace_password, application, caller, current_password, new_password
    )
    set_session_cookie(response, request, signed.opened.cookie)
    return _answer(signed)


@router.post(
    "/totp/enrol",
    operation_id="enrol_totp",
    response_model=Enrolment,
    responses=documented(401, 403, 422, 503),
)
def enrol_totp(caller: PendingCaller, application: AppDep) -> Enrolment:
    """A new TOTP secret for a user whose role requires one and who has none yet."""
    secret = enrol_second_factor(application, caller)
    uri = pyotp.TOTP(secret).provisioning_uri(name=caller.principal.name, issuer_name=TOTP_ISSUER)
    return Enrolment(secret=secret, uri=uri)


@router.post(
    "/totp",
    operation_id="verify_totp",
    response_model=SessionAnswer,
    responses=documented(401, 403, 422, 429, 503),
)
def verify_totp(
    request: Request,
    caller: PendingCaller,
    application: AppDep,
    code: Annotated[str, Form(min_length=6, max_length=8)],
) -> SessionAnswer:
    """Give the second factor: the session becomes a full one."""
    if not give_second_factor(application, caller, code):
        raise NotAuthenticated("wrong second-factor code")
    with application.database.reading() as session:
        row, user = session_user(session, caller)
        return _current(caller, row, user)
