"""``/auth``: log in and out, change the password, the second factor (TOTP)."""

from __future__ import annotations

from typing import Annotated

import pyotp
from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.access import audit
from workflow.access.accounts import authenticate, set_password, totp_required, user_grants
from workflow.access.sessions import ABSOLUTE_LIFETIME, end_session, open_session
from workflow.access.throttle import check_login_allowed, record_login
from workflow.errors import Forbidden, InvalidInput, NotAuthenticated
from workflow.store.access_records import UserRecord, WebSessionRecord
from workflow.web.auth import SESSION_COOKIE, Caller, PendingCaller, address_of, check_origin
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented

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


def _set_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _session_user(session: Session, caller: Caller) -> tuple[WebSessionRecord, UserRecord]:
    """The caller's session and user: these routes are for people, not API tokens."""
    row = session.get(WebSessionRecord, caller.session_id) if caller.session_id else None
    user = session.get(UserRecord, row.user_id) if row is not None else None
    if row is None or user is None:
        raise InvalidInput("an API token has no session, password or second factor")
    return row, user


def _answer(user: UserRecord, row: WebSessionRecord, roles: list[str]) -> SessionAnswer:
    second = None
    if row.second_factor_pending:
        second = "required" if user.totp_secret else "enrol"
    return SessionAnswer(
        user=user.name,
        display_name=user.display_name,
        roles=roles,
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
def login(
    request: Request,
    response: Response,
    application: AppDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> SessionAnswer:
    """Log in with a user name and password (a form); sets the session cookie."""
    check_origin(request)
    now = application.clock.now()
    address = address_of(request)
    with application.database.transaction() as session:
        check_login_allowed(session, username, address, now)
    try:
        with application.database.transaction() as session:
            user = authenticate(session, username, password)
            grants = user_grants(session, user.id)
            pending = totp_required(session, grants)
            opened = open_session(session, user, now, address, second_factor_pending=pending)
            record_login(session, username, address, now, succeeded=True)
            audit.record(
                session, now, f"user:{user.name}", "login", agency_id=user.agency_id,
                address=address,
            )  # fmt: skip
            answer = _answer(user, opened.record, sorted({g.role.value for g in grants}))
    except NotAuthenticated:
        with application.database.transaction() as session:
            record_login(session, username, address, now, succeeded=False)
            agency = session.scalars(
                select(UserRecord.agency_id).where(UserRecord.name == username)
            ).first()
            audit.record(
                session, now, f"user:{username[:64]}", "login_failed", agency_id=agency,
                address=address,
            )  # fmt: skip
        raise
    _set_cookie(response, request, opened.cookie)
    return answer


@router.post("/logout", operation_id="logout", status_code=204, responses=documented(422))
def logout(caller: PendingCaller, application: AppDep, response: Response) -> Response:
    """End this session."""
    now = application.clock.now()
    with application.database.transaction() as session:
        row, _ = _session_user(session, caller)
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
        row, user = _session_user(session, caller)
        return _answer(user, row, sorted(role.value for role in caller.principal.roles))


@router.post(
    "/password",
    operation_id="change_password",
    response_model=SessionAnswer,
    responses=documented(401, 403, 422, 503),
)
def change_password(
    request: Request,
    response: Response,
    caller: PendingCaller,
    application: AppDep,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
) -> SessionAnswer:
    """Change the password: every session of the user ends, and this one is replaced."""
    now = application.clock.now()
    with application.database.transaction() as session:
        row, _ = _session_user(session, caller)
        user = authenticate(session, caller.principal.name, current_password)
        if new_password == current_password:
            raise InvalidInput("the new password must differ from the current one")
        set_password(session, user, new_password, now)
        opened = open_session(
            session, user, now, caller.address, second_factor_pending=row.second_factor_pending
        )
        caller.audit(session, now, "password_changed")
        answer = _answer(user, opened.record, sorted(r.value for r in caller.principal.roles))
    _set_cookie(response, request, opened.cookie)
    return answer


@router.post(
    "/totp/enrol",
    operation_id="enrol_totp",
    response_model=Enrolment,
    responses=documented(401, 403, 422, 503),
)
def enrol_totp(caller: PendingCaller, application: AppDep) -> Enrolment:
    """A new TOTP secret for a user whose role requires one and who has none yet."""
    with application.database.transaction() as session:
        _, user = _session_user(session, caller)
        if user.totp_secret is not None:
            raise Forbidden("a second factor is enrolled already; an admin can reset it")
        user.totp_secret = pyotp.random_base32()
        caller.audit(session, application.clock.now(), "totp_enrolled")
        uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.name, issuer_name=TOTP_ISSUER)
        return Enrolment(secret=user.totp_secret, uri=uri)


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
    now = application.clock.now()
    account = f"totp:{caller.principal.name}"
    with application.database.transaction() as session:
        check_login_allowed(session, account, caller.address, now)
    with application.database.transaction() as session:
        row, user = _session_user(session, caller)
        if user.totp_secret is None:
            raise InvalidInput("no second factor enrolled: POST /auth/totp/enrol first")
        ok = pyotp.TOTP(user.totp_secret).verify(code, for_time=now, valid_window=1)
        record_login(session, account, caller.address, now, succeeded=ok)
        if ok:
            row.second_factor_pending = False
        caller.audit(session, now, "totp_ok" if ok else "totp_failed")
        answer = _answer(user, row, sorted(r.value for r in caller.principal.roles))
    if not ok:
        raise NotAuthenticated("wrong second-factor code")
    return answer
