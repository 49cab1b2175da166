"""Who is looking at a console page: a logged-in staff member. Without a session the
browser goes to the login page and comes back; a one-time password still to change or a
second factor still to give is asked for before any other page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from workflow.errors import NotAuthenticated
from workflow.web.auth import Caller, form_csrf_token, identify
from workflow.web.dependencies import AppDep
from workflow.web.pages.rendering import PageRedirect, login_location

PASSWORD_PAGE = "/console/password"
SECOND_FACTOR_PAGE = "/console/second-factor"


def pending_console_caller(
    request: Request,
    application: AppDep,
    form_token: Annotated[str | None, Depends(form_csrf_token)],
) -> Caller:
    """Logged in, possibly still owing a password change or a second factor."""
    try:
        return identify(request, application, form_token)
    except NotAuthenticated:
        raise PageRedirect(login_location(request)) from None


def console_caller(caller: Annotated[Caller, Depends(pending_console_caller)]) -> Caller:
    """Logged in completely."""
    if caller.must_change_password:
        raise PageRedirect(PASSWORD_PAGE)
    if caller.second_factor_pending:
        raise PageRedirect(SECOND_FACTOR_PAGE)
    return caller


PendingConsoleCaller = Annotated[Caller, Depends(pending_console_caller)]
ConsoleCaller = Annotated[Caller, Depends(console_caller)]
