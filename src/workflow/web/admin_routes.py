"""``/api/v1``: users and API tokens (``workflow user`` / ``workflow token``), and the
calendar's notice import, history and recompute (``workflow calendar import-notice |
history | recompute``), on the functions the console's pages use.

A one-time password or a token's secret is in the answer once. These routes take no
``Idempotency-Key``: a replayed answer would have to keep the secret in the store.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field

from workflow.access.roles import Permission
from workflow.cases.recompute import recompute
from workflow.web import admin_answers
from workflow.web.auth import CallerDep
from workflow.web.dependencies import AppDep
from workflow.web.errors import documented
from workflow.web.models import Body
from workflow.web.pages.calendar_pages import history_in_scope, import_notice
from workflow.web.scope import require
from workflow.web.staff_admin import (
    MAX_TOKEN_DAYS,
    add_staff_user,
    create_api_token,
    disable_staff_user,
    reset_staff_password,
    revoke_api_token,
    tokens_in_scope,
    users_in_scope,
)

router = APIRouter(prefix="/api/v1")
UserName = Annotated[str, Path(min_length=1, max_length=64)]
Grants = Field(min_length=1, max_length=20, description="ROLE, ROLE@CODE, ROLE@CODE/*, ROLE@*")


class NewUserBody(Body):
    name: str = Field(min_length=1, max_length=64)
    display_name: str = Field(default="", max_length=100)
    agency: str | None = Field(default=None, max_length=64, description="The user's agency")
    roles: list[Annotated[str, Field(max_length=80)]] = Grants


class NewTokenBody(Body):
    name: str = Field(min_length=1, max_length=64)
    roles: list[Annotated[str, Field(max_length=80)]] = Grants
    days: int = Field(default=90, ge=1, le=MAX_TOKEN_DAYS, description="Days until it expires")


class NoticeBody(Body):
    text: str = Field(min_length=1, max_length=20_000, description="The notice's published text")
    replace: bool = Field(default=False, description="Replace a different version of the year")


@router.get(
    "/users",
    operation_id="list_users",
    tags=["users"],
    response_model=admin_answers.UserList,
    responses=documented(401, 403, 503),
)
def list_users(caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """The users of the agencies the caller administers, with their roles."""
    return {"users": users_in_scope(application, caller)}


@router.post(
    "/users",
    operation_id="add_user",
    tags=["users"],
    status_code=201,
    response_model=admin_answers.OneTimePassword,
    responses=documented(401, 403, 422, 503),
)
def add_user_route(body: NewUserBody, caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """Add a user with roles on agencies the caller administers; the answer carries the
    one-time password (changed at the first login) once."""
    password = add_staff_user(
        application, caller, body.name, body.display_name, body.agency, body.roles
    )
    return {"name": body.name, "one_time_password": password}


@router.post(
    "/users/{name}/reset-password",
    operation_id="reset_user_password",
    tags=["users"],
    response_model=admin_answers.OneTimePassword,
    responses=documented(401, 403, 422, 503),
)
def reset_user_password(name: UserName, caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """A new one-time password (in the answer once); the user's sessions end."""
    return {"name": name, "one_time_password": reset_staff_password(application, caller, name)}


@router.post(
    "/users/{name}/disable",
    operation_id="disable_user",
    tags=["users"],
    response_model=admin_answers.UserDisabled,
    responses=documented(401, 403, 422, 503),
)
def disable_user_route(name: UserName, caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """Disable a user; their sessions end."""
    disable_staff_user(application, caller, name)
    return {"name": name, "disabled": True}


@router.get(
    "/tokens",
    operation_id="list_tokens",
    tags=["users"],
    response_model=admin_answers.TokenList,
    responses=documented(401, 403, 503),
)
def list_tokens(caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """The API tokens whose grants lie within what the caller administers."""
    return {"tokens": tokens_in_scope(application, caller)}


@router.post(
    "/tokens",
    operation_id="create_token",
    tags=["users"],
    status_code=201,
    response_model=admin_answers.TokenCreated,
    responses=documented(401, 403, 422, 503),
)
def create_token_route(
    body: NewTokenBody, caller: CallerDep, application: AppDep
) -> dict[str, Any]:
    """A token for a portal or a script, expiring after ``days``; its secret is in the
    answer once (only its hash is kept)."""
    secret = create_api_token(application, caller, body.name, body.roles, body.days)
    return {"name": body.name, "token": secret, "days": body.days}


@router.post(
    "/tokens/{name}/revoke",
    operation_id="revoke_token",
    tags=["users"],
    response_model=admin_answers.TokenRevoked,
    responses=documented(401, 403, 422, 503),
)
def revoke_token_route(name: UserName, caller: CallerDep, application: AppDep) -> dict[str, Any]:
    revoke_api_token(application, caller, name)
    return {"name": name, "revoked": True}


@router.post(
    "/calendar/notices",
    operation_id="import_calendar_notice",
    tags=["calendar"],
    status_code=201,
    response_model=admin_answers.NoticeImported,
    responses=documented(401, 403, 422, 503),
)
def import_notice_route(body: NoticeBody, caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """Load a State Council holiday notice from its text, then recompute the deadlines.
    A sentence the parser cannot read is a 422 quoting it (``details.sentence``)."""
    done = import_notice(application, caller, body.text, "API", replace=body.replace)
    return {
        "years": [
            {"year": outcome.version.year, "action": outcome.action, "note": outcome.note}
            for outcome in done.outcomes
        ],
        "recompute": done.report.as_json() if done.report is not None else None,
    }


@router.get(
    "/calendar/history",
    operation_id="calendar_history",
    tags=["calendar"],
    response_model=admin_answers.CalendarHistory,
    responses=documented(401, 503),
)
def calendar_history(caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """What was done to the calendar years, newest first, and the due dates each load
    moved (of the caller's cases; the others counted in ``hidden``)."""
    return {"changes": history_in_scope(application, caller)}


@router.post(
    "/calendar/recompute",
    operation_id="recompute_calendar",
    tags=["calendar"],
    response_model=admin_answers.Recomputed,
    responses=documented(401, 403, 503),
)
def recompute_route(caller: CallerDep, application: AppDep) -> dict[str, Any]:
    """Recompute every case's deadlines with the store's years (as ``workflow calendar
    recompute``): nothing changes unless a year changed without one."""
    require(caller, Permission.ADMINISTER)
    report = recompute(
        application.database,
        application.registry,
        application.calendar,
        application.clock,
        application.clock.today(),
    )
    with application.database.transaction() as session:
        caller.audit(session, application.clock.now(), "calendar_recomputed")
    return report.as_json()
