"""Signing in, one procedure for the API's ``/auth`` and the console's login page:
throttled, audited, a server-side session opened; the second factor and a password
change, the same way for both."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.access import audit
from workflow.access.accounts import (
    accept_password,
    check_password,
    set_password,
    totp_required,
    user_grants,
)
from workflow.access.sessions import OpenedSession, open_session
from workflow.access.throttle import check_login_allowed, record_login
from workflow.application import Application
from workflow.errors import Forbidden, InvalidInput, NotAuthenticated
from workflow.store.access_records import UserRecord, WebSessionRecord
from workflow.web.auth import Caller


@dataclass(frozen=True)
class SignedIn:
    opened: OpenedSession
    user_name: str
    display_name: str
    roles: list[str]
    must_change_password: bool
    second_factor: str | None  # "required", "enrol", or None when the session is full


def _signed_in(
    user: UserRecord, opened: OpenedSession, row: WebSessionRecord, roles: list[str]
) -> SignedIn:
    second = second_factor_owed(row, user)
    return SignedIn(opened, user.name, user.display_name, roles, user.must_change_password, second)


def second_factor_owed(row: WebSessionRecord, user: UserRecord) -> str | None:
    """What the session still owes: "required" (a code), "enrol" (a secret first), or None."""
    if not row.second_factor_pending:
        return None
    return "required" if user.totp_secret else "enrol"


def session_user(session: Session, caller: Caller) -> tuple[WebSessionRecord, UserRecord]:
    """The caller's session and user: these steps are for people, not API tokens."""
    row = session.get(WebSessionRecord, caller.session_id) if caller.session_id else None
    user = session.get(UserRecord, row.user_id) if row is not None else None
    if row is None or user is None:
        raise InvalidInput("an API token has no session, password or second factor")
    return row, user


def sign_in(application: Application, username: str, password: str, address: str) -> SignedIn:
    """Check the password (throttled per account and address) and open a session; every
    attempt is audited, a failure under the name given."""
    now = application.clock.now()
    with application.database.transaction() as session:
        check_login_allowed(session, username, address, now)
    with application.database.reading() as session:
        checked = check_password(session, username, password)
    try:
        with application.database.transaction() as session:
            user = accept_password(session, checked)
            grants = user_grants(session, user.id)
            pending = totp_required(session, grants)
            opened = open_session(session, user, now, address, second_factor_pending=pending)
            record_login(session, username, address, now, succeeded=True)
            audit.record(
                session, now, f"user:{user.name}", "login", agency_id=user.agency_id,
                address=address,
            )  # fmt: skip
            roles = sorted({grant.role.value for grant in grants})
            return _signed_in(user, opened, opened.record, roles)
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


def replace_password(application: Application, caller: Caller, current: str, new: str) -> SignedIn:
    """The user's own new password: every session of theirs ends, and this one is
    replaced by a new one (returned)."""
    now = application.clock.now()
    with application.database.reading() as session:
        checked = check_password(session, caller.principal.name, current)
    with application.database.transaction() as session:
        row, _ = session_user(session, caller)
        user = accept_password(session, checked)
        if new == current:
            raise InvalidInput("the new password must differ from the current one")
        set_password(session, user, new, now)
        opened = open_session(
            session, user, now, caller.address, second_factor_pending=row.second_factor_pending
        )
        caller.audit(session, now, "password_changed")
        roles = sorted(role.value for role in caller.principal.roles)
        return _signed_in(user, opened, opened.record, roles)


def enrol_second_factor(application: Application, caller: Caller) -> str:
    """A new TOTP secret for a user who has none yet (returned, shown to them once)."""
    with application.database.transaction() as session:
        _, user = session_user(session, caller)
        if user.totp_secret is not None:
            raise Forbidden("a second factor is enrolled already; an admin can reset it")
        user.totp_secret = pyotp.random_base32()
        caller.audit(session, application.clock.now(), "totp_enrolled")
        return user.totp_secret


def give_second_factor(application: Application, caller: Caller, code: str) -> bool:
    """Check a TOTP code (throttled like a password); a right one makes the session full."""
    now = application.clock.now()
    account = f"totp:{caller.principal.name}"
    with application.database.transaction() as session:
        check_login_allowed(session, account, caller.address, now)
    with application.database.transaction() as session:
        row, user = session_user(session, caller)
        if user.totp_secret is None:
            raise InvalidInput("no second factor enrolled: enrol one first")
        ok = pyotp.TOTP(user.totp_secret).verify(code, for_time=now, valid_window=1)
        record_login(session, account, caller.address, now, succeeded=ok)
        if ok:
            row.second_factor_pending = False
        caller.audit(session, now, "totp_ok" if ok else "totp_failed")
    return ok
