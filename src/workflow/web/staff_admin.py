"""Users and API tokens administered over the web (console and API alike), with the
rules of scope: an administrator manages the users of the agencies they administer and
grants roles only there; a grant on every agency, or a user of no agency, needs the
admin role on every agency. Secrets (one-time passwords, token secrets) are returned
once and never stored in clear; every change is audited.

The store functions are the CLI's (``workflow user`` / ``workflow token``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.access.accounts import (
    GrantSpec,
    add_user,
    disable_user,
    find_user,
    reset_password,
    set_role_policy,
    user_rows,
)
from workflow.access.roles import Permission, Role
from workflow.access.tokens import create_token, revoke_token, token_rows
from workflow.application import Application
from workflow.errors import Forbidden, InvalidInput
from workflow.store.access_records import RolePolicyRecord
from workflow.store.records import AgencyRecord
from workflow.web.auth import Caller
from workflow.web.scope import WHAT, agency_in_scope, require, visible_agencies

MAX_TOKEN_DAYS = 366


def _administered(caller: Caller) -> frozenset[int]:
    return caller.principal.agencies(Permission.ADMINISTER)


def _check_grants(
    session: Session, caller: Caller, specs: Sequence[GrantSpec], own: int | None
) -> None:
    """Every grant given lies within what the caller administers."""
    everywhere = caller.principal.covers_everything(Permission.ADMINISTER)
    for spec in specs:
        if spec.everywhere:
            if not everywhere:
                raise Forbidden("a role on every agency needs the admin role on every agency")
            continue
        grant = spec.resolve(session, own)
        assert grant.agency_id is not None
        reach = caller.principal.tree.below(grant.agency_id) if grant.subtree else {grant.agency_id}
        if not reach <= _administered(caller):
            code = spec.agency or "the user's own agency"
            if grant.agency_id not in visible_agencies(caller):
                raise InvalidInput(f"unknown agency {code!r}")  # as agency_in_scope says
            raise Forbidden(
                f"{WHAT[Permission.ADMINISTER]} ({code}{'/*' if grant.subtree else ''})"
            )


def parse_grants(texts: Sequence[str]) -> list[GrantSpec]:
    """``handler``, ``reporter@city/*``, ``admin@*``: as ``--role`` takes them."""
    specs = [GrantSpec.parse(text.strip()) for text in texts if text.strip()]
    if not specs:
        raise InvalidInput("give at least one role")
    return specs


def users_in_scope(application: Application, caller: Caller) -> list[dict[str, Any]]:
    require(caller, Permission.ADMINISTER)
    everywhere = caller.principal.covers_everything(Permission.ADMINISTER)
    with application.database.reading() as session:
        ids = dict(session.execute(select(AgencyRecord.code, AgencyRecord.id)).all())
        rows = user_rows(session)
    mine = _administered(caller)
    return [
        row
        for row in rows
        if everywhere or (row["agency"] is not None and ids[row["agency"]] in mine)
    ]


def _user_in_scope(session: Session, caller: Caller, name: str) -> Any:
    user = find_user(session, name)
    everywhere = caller.principal.covers_everything(Permission.ADMINISTER)
    if not everywhere and (user.agency_id is None or user.agency_id not in _administered(caller)):
        raise InvalidInput(f"no user named {name!r}")  # as if absent: no other agency's names
    return user


def add_staff_user(
    application: Application,
    caller: Caller,
    name: str,
    display_name: str,
    agency: str | None,
    grants: Sequence[str],
) -> str:
    """A new user of ``agency`` with ``grants``; their one-time password (shown once)."""
    specs = parse_grants(grants)
    now = application.clock.now()
    with application.database.transaction() as session:
        if agency is None:
            if not caller.principal.covers_everything(Permission.ADMINISTER):
                raise Forbidden("a user of no agency needs the admin role on every agency")
            own = None
        else:
            own = agency_in_scope(session, caller, agency, Permission.ADMINISTER).id
        _check_grants(session, caller, specs, own)
        _, password = add_user(session, name, display_name, agency, specs, now)
        caller.audit(session, now, "user_added", agency_id=own, user=name, roles=list(grants))
    return password


def reset_staff_password(application: Application, caller: Caller, name: str) -> str:
    require(caller, Permission.ADMINISTER)
    now = application.clock.now()
    with application.database.transaction() as session:
        user = _user_in_scope(session, caller, name)
        password = reset_password(session, user, now)
        caller.audit(session, now, "password_reset", agency_id=user.agency_id, user=name)
    return password


def disable_staff_user(application: Application, caller: Caller, name: str) -> None:
    require(caller, Permission.ADMINISTER)
    if name == caller.principal.name and caller.principal.kind == "user":
        raise InvalidInput("you cannot disable your own account")
    now = application.clock.now()
    with application.database.transaction() as session:
        user = _user_in_scope(session, caller, name)
        disable_user(session, user, now)
        caller.audit(session, now, "user_disabled", agency_id=user.agency_id, user=name)


def tokens_in_scope(application: Application, caller: Caller) -> list[dict[str, Any]]:
    """Tokens whose every grant lies within what the caller administers."""
    require(caller, Permission.ADMINISTER)
    everywhere = caller.principal.covers_everything(Permission.ADMINISTER)
    with application.database.reading() as session:
        rows = token_rows(session)
        codes = dict(session.execute(select(AgencyRecord.id, AgencyRecord.code)).all())
    shown = []
    for row in rows:
        if everywhere or all(_reach(caller, g) <= _administered(caller) for g in row["grants"]):
            row["roles"] = [
                g["role"]
                + ("@*" if g["agency_id"] is None else f"@{codes[g['agency_id']]}")
                + ("/*" if g["subtree"] else "")
                for g in row["grants"]
            ]
            shown.append(row)
    return shown


def _reach(caller: Caller, grant: dict[str, Any]) -> set[int]:
    if grant["agency_id"] is None:
        return set(caller.principal.tree.all()) | {-1}  # never inside a partial scope
    below = caller.principal.tree.below(grant["agency_id"])
    return below if grant["subtree"] else {grant["agency_id"]}


def create_api_token(
    application: Application, caller: Caller, name: str, grants: Sequence[str], days: int
) -> str:
    """A token for a portal or a script; its secret (shown once)."""
    require(caller, Permission.ADMINISTER)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lives 1 to {MAX_TOKEN_DAYS} days (got {days})")
    if not name or len(name) > 64:
        raise InvalidInput("a token's name is 1 to 64 characters")
    specs = parse_grants(grants)
    if any(spec.agency is None and not spec.everywhere for spec in specs):
        raise InvalidInput("a token's role names its agency: ROLE@CODE, ROLE@CODE/* or ROLE@*")
    now = application.clock.now()
    with application.database.transaction() as session:
        _check_grants(session, caller, specs, None)
        secret = create_token(
            session, name, specs, now + timedelta(days=days), caller.principal.actor, now
        )
        caller.audit(session, now, "token_created", token=name, roles=list(grants), days=days)
    return secret


def revoke_api_token(application: Application, caller: Caller, name: str) -> None:
    require(caller, Permission.ADMINISTER)
    if name not in {row["name"] for row in tokens_in_scope(application, caller)}:
        raise InvalidInput(f"no token named {name!r}")
    now = application.clock.now()
    with application.database.transaction() as session:
        revoke_token(session, name, now)
        caller.audit(session, now, "token_revoked", token=name)


def role_policies(application: Application) -> dict[str, bool]:
    """Whether each role requires a second factor at login."""
    with application.database.reading() as session:
        required = set(
            session.scalars(
                select(RolePolicyRecord.role).where(RolePolicyRecord.totp_required.is_(True))
            )
        )
    return {role.value: role.value in required for role in Role}


def set_second_factor_roles(application: Application, caller: Caller, roles: set[str]) -> None:
    """Require a second factor of exactly ``roles``: deployment-wide, so it needs the
    admin role on every agency."""
    if not caller.principal.covers_everything(Permission.ADMINISTER):
        raise Forbidden("role policies span every agency: a grant on every agency")
    unknown = roles - {role.value for role in Role}
    if unknown:
        raise InvalidInput(f"unknown role {sorted(unknown)[0]!r}")
    now = application.clock.now()
    with application.database.transaction() as session:
        for role in Role:
            set_role_policy(session, role, totp_required=role.value in roles)
        caller.audit(
            session, now, "role_policy_changed", agency_id=None, totp_required=sorted(roles)
        )
