"""``workflow user ...`` and ``workflow token ...``: staff accounts and API tokens.

The command line is the operator's tool on the store itself; every change it makes is
in the audit log under the actor ``cli``.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import click

from workflow.access import audit
from workflow.access.accounts import (
    GrantSpec,
    add_user,
    disable_user,
    find_user,
    reset_password,
    set_role_policy,
    user_rows,
)
from workflow.access.roles import Role
from workflow.access.tokens import create_token, revoke_token, token_rows
from workflow.cli.context import DATE, app
from workflow.clock import CHINA

ACTOR = "cli"
ROLE_HELP = (
    "ROLE (on the user's agency), ROLE@CODE, ROLE@CODE/* (that agency and every one "
    f"below it) or ROLE@* (every agency); roles: {', '.join(role.value for role in Role)}. "
    "Repeatable."
)


@click.group("user")
def user_group() -> None:
    """Staff accounts of the service: add, list, disable, reset a password."""


@user_group.command("add")
@click.argument("name")
@click.option("--display-name", default="", help="The person's name as shown (default NAME).")
@click.option("--agency", help="The agency the user belongs to (its code).")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.pass_context
def user_add(
    ctx: click.Context, name: str, display_name: str, agency: str | None, roles: tuple[str, ...]
) -> None:
    """Add a user; prints a one-time password, to be changed at the first login."""
    context = app(ctx)
    now = context.clock.now()
    specs = [GrantSpec.parse(role) for role in roles]
    with context.database.transaction() as session:
        user, password = add_user(session, name, display_name, agency, specs, now)
        audit.record(
            session, now, ACTOR, "user_added", agency_id=user.agency_id, user=name, roles=roles
        )
    click.echo(f"added user {name}; one-time password (shown once): {password}")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def user_list(ctx: click.Context, as_json: bool) -> None:
    """Users with their agency and roles."""
    with app(ctx).database.reading() as session:
        rows = user_rows(session)
    if as_json:
        click.echo(json.dumps({"users": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        flags = " disabled" if row["disabled"] else ""
        flags += " must-change-password" if row["must_change_password"] else ""
        click.echo(
            f"{row['name']:<16} {row['display_name']:<10} {row['agency'] or '-':<10} "
            f"{' '.join(row['roles'])}{flags}"
        )
    click.echo(f"{len(rows)} user(s)")


@user_group.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Disable a user: no more logins, and every session of theirs ends now."""
    context = app(ctx)
    now = context.clock.now()
    with context.database.transaction() as session:
        user = find_user(session, name)
        disable_user(session, user, now)
        audit.record(session, now, ACTOR, "user_disabled", agency_id=user.agency_id, user=name)
    click.echo(f"disabled user {name}")


@user_group.command("reset-password")
@click.argument("name")
@click.pass_context
def user_reset_password(ctx: click.Context, name: str) -> None:
    """A new one-time password (printed once); every session of the user ends."""
    context = app(ctx)
    now = context.clock.now()
    with context.database.transaction() as session:
        user = find_user(session, name)
        password = reset_password(session, user, now)
        audit.record(session, now, ACTOR, "password_reset", agency_id=user.agency_id, user=name)
    click.echo(f"one-time password for {name} (shown once): {password}")


@user_group.command("policy")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@click.option("--require-totp/--no-require-totp", required=True, help="A second factor at login.")
@click.pass_context
def user_policy(ctx: click.Context, role: str, require_totp: bool) -> None:
    """Require (or not) a TOTP second factor of every holder of ROLE."""
    context = app(ctx)
    with context.database.transaction() as session:
        set_role_policy(session, Role(role), totp_required=require_totp)
        audit.record(
            session, context.clock.now(), ACTOR, "role_policy", role=role, totp=require_totp
        )
    click.echo(f"{role}: second factor {'required' if require_totp else 'not required'}")


@click.group("token")
def token_group() -> None:
    """API tokens for portals and scripts: create, list, revoke."""


@token_group.command("create")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP.replace(
    "ROLE (on the user's agency), ", ""))  # fmt: skip
@click.option("--expires", type=DATE, help="Last day of validity (default: 90 days from today).")
@click.pass_context
def token_create(
    ctx: click.Context, name: str, roles: tuple[str, ...], expires: date | None
) -> None:
    """Create a token; prints it once (the store keeps only its hash)."""
    context = app(ctx)
    now = context.clock.now()
    last_day = expires or (context.clock.today() + timedelta(days=90))
    until = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=CHINA)
    specs = [GrantSpec.parse(role) for role in roles]
    with context.database.transaction() as session:
        secret = create_token(session, name, specs, until, ACTOR, now)
        audit.record(session, now, ACTOR, "token_created", token=name, roles=roles)
    click.echo(f"token {name}, valid through {last_day} (shown once): {secret}")


@token_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def token_list(ctx: click.Context, as_json: bool) -> None:
    """Tokens with their grants, expiry and last use (never the token itself)."""
    with app(ctx).database.reading() as session:
        rows = token_rows(session)
    if as_json:
        click.echo(json.dumps({"tokens": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        state = "revoked" if row["revoked"] else f"expires {row['expires_at']}"
        click.echo(f"{row['name']:<16} {state}  last used {row['last_used_at'] or 'never'}")
    click.echo(f"{len(rows)} token(s)")


@token_group.command("revoke")
@click.argument("name")
@click.pass_context
def token_revoke(ctx: click.Context, name: str) -> None:
    """Revoke a token: refused from the next request on."""
    context = app(ctx)
    now = context.clock.now()
    with context.database.transaction() as session:
        revoke_token(session, name, now)
        audit.record(session, now, ACTOR, "token_revoked", token=name)
    click.echo(f"revoked token {name}")
