"""Who is calling: a Bearer API token, or a session cookie with CSRF and Origin checks.

Cookie-authenticated unsafe requests (POST, PUT, PATCH, DELETE) must carry the
session's CSRF token (``X-CSRF-Token`` header, or a ``csrf_token`` form field) and,
when the browser says where they come from, come from this site. Bearer-token calls
carry no cookie a browser could send on its own, and are exempt.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workflow.access import audit
from workflow.access.accounts import user_principal
from workflow.access.roles import Principal
from workflow.access.sessions import ABSOLUTE_LIFETIME, live_session, needs_touch, touch_session
from workflow.access.tokens import live_token, token_principal, touch_token
from workflow.access.tokens import needs_touch as token_needs_touch
from workflow.application import Application
from workflow.errors import Forbidden, NotAuthenticated

SESSION_COOKIE = "workflow_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    principal: Principal
    address: str
    session_id: int | None = None  # a cookie session (None: a token)
    csrf_token: str | None = None
    must_change_password: bool = False
    second_factor_pending: bool = False

    @property
    def actor(self) -> str:
        return self.principal.actor

    def audit(self, session: Session, now: datetime, action: str, **entry: Any) -> None:
        """An audit entry by this caller, from their address; on their own agency unless
        the entry names one."""
        entry.setdefault("agency_id", self.principal.agency_id)
        audit.record(session, now, self.actor, action, address=self.address, **entry)


def address_of(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def check_origin(request: Request) -> None:
    """A browser's unsafe request must come from this site (login included)."""
    origin = request.headers.get("origin")
    if origin is not None:
        own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        given = urlsplit(origin)
        if f"{given.scheme}://{given.netloc}" != own:
            raise Forbidden("cross-site request refused (Origin)")
    elif request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise Forbidden("cross-site request refused (Sec-Fetch-Site)")


async def form_csrf_token(request: Request) -> str | None:
    """The ``csrf_token`` field of an HTML form (read once, kept for the route)."""
    kind = request.headers.get("content-type", "")
    if request.method in SAFE_METHODS or not kind.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return None
    value = (await request.form()).get("csrf_token")
    return value if isinstance(value, str) else None


def identify(request: Request, application: Application, form_token: str | None) -> Caller:
    """The caller of ``request`` (reads the store: call it in a worker thread)."""
    now = application.clock.now()
    address = address_of(request)
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret:
        with application.database.reading_rows() as connection:
            token = live_token(connection, secret.strip(), now)
            if token is None:
                raise NotAuthenticated("the API token is unknown, expired or revoked")
            principal = token_principal(connection, token)
            touch = token_needs_touch(token, now)
        if touch:
            with application.database.transaction() as session:
                touch_token(session, token.id, now)
        return Caller(principal, address)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated("log in (POST /auth/login) or send an API token (Bearer)")
    with application.database.reading() as session:
        found = live_session(session, cookie, now)
        if found is None:
            raise NotAuthenticated("the session has ended; log in again")
        row, user = found
        caller = Caller(
            user_principal(session, user),
            address,
            row.id,
            row.csrf_token,
            user.must_change_password,
            row.second_factor_pending,
        )
        touch = needs_touch(row, now)
    if request.method not in SAFE_METHODS:
        check_origin(request)
        given = request.headers.get(CSRF_HEADER) or form_token or ""
        if not hmac.compare_digest(given.encode(), row.csrf_token.encode()):
            raise Forbidden("missing or wrong CSRF token")
    if touch:
        with application.database.transaction() as session:
            touch_session(session, row.id, now)
    return caller


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


async def any_caller(request: Request) -> Caller:
    """Logged in, possibly still owing a password change or a second factor.

    One dependency, its reads handed to the thread pool here: FastAPI solves every
    dependency of every request anew, and the caller's own (the application, the form's
    token) cost a call more than handing the reads over."""
    form_token = await form_csrf_token(request)
    application: Application = request.app.state.application
    return await run_in_threadpool(identify, request, application, form_token)


async def full_caller(request: Request) -> Caller:
    """Logged in completely: the one-time password changed, the second factor given."""
    caller = await any_caller(request)
    if caller.must_change_password:
        raise Forbidden("change the one-time password first (POST /auth/password)")
    if caller.second_factor_pending:
        raise Forbidden("give the second factor first (POST /auth/totp)")
    return caller


PendingCaller = Annotated[Caller, Depends(any_caller)]
CallerDep = Annotated[Caller, Depends(full_caller)]
