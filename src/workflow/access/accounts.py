"""Users: passwords (argon2), role grants, one-time passwords, the first administrator.

A password a person did not choose (the first administrator's, a reset) is one-time:
shown once, and the user must change it at the next login. Changing a password
revokes every session of the user.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from workflow.access.roles import AgencyTree, Grant, Principal, Role, parse_roles
from workflow.cases.service import find_agency
from workflow.errors import InvalidInput, NotAuthenticated
from workflow.store.access_records import (
    RoleGrantRecord,
    RolePolicyRecord,
    UserRecord,
    WebSessionRecord,
)
from workflow.store.prepared import Prepared
from workflow.store.records import AgencyRecord
from workflow.store.tables import AGENCIES

MIN_PASSWORD = 12
FIRST_ADMIN = "admin"
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs what a wrong
# password does and the time taken does not tell which names exist.
_ABSENT = _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class GrantSpec:
    """A grant as typed: ``handler`` (own agency), ``reporter@city/*`` (subtree),
    ``admin@*`` (every agency)."""

    role: Role
    agency: str | None  # a code; None with ``everywhere`` or for the user's own agency
    subtree: bool = False
    everywhere: bool = False

    @classmethod
    def parse(cls, text: str) -> GrantSpec:
        name, _, where = text.partition("@")
        role = parse_roles([name])[0]
        if where == "*":
            return cls(role, None, everywhere=True)
        subtree = where.endswith("/*")
        return cls(role, where.removesuffix("/*") or None, subtree=subtree)

    def resolve(self, session: Session, own_agency: int | None) -> Grant:
        if self.everywhere:
            return Grant(self.role, None)
        if self.agency is None:
            if own_agency is None:
                raise InvalidInput(
                    f"{self.role}: give the agency (ROLE@CODE) or every agency (ROLE@*)"
                )
            return Grant(self.role, own_agency, self.subtree)
        return Grant(self.role, find_agency(session, self.agency).id, self.subtree)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def one_time_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


def find_user(session: Session, name: str) -> UserRecord:
    user = session.scalars(select(UserRecord).where(UserRecord.name == name)).one_or_none()
    if user is None:
        raise InvalidInput(f"no user named {name!r}")
    return user


def add_user(
    session: Session,
    name: str,
    display_name: str,
    agency: str | None,
    grants: Sequence[GrantSpec],
    now: datetime,
) -> tuple[UserRecord, str]:
    """A new user with a one-time password (returned, to be shown once)."""
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise InvalidInput(f"a user name is letters, digits, '.', '-' and '_' (got {name!r})")
    if session.scalars(select(UserRecord.id).where(UserRecord.name == name)).first():
        raise InvalidInput(f"user {name!r} already exists")
    if not grants:
        raise InvalidInput("a user needs at least one role (--role ROLE[@AGENCY])")
    agency_id = find_agency(session, agency).id if agency is not None else None
    password = one_time_password()
    user = UserRecord(
        name=name,
        display_name=display_name or name,
        agency_id=agency_id,
        password_hash=_HASHER.hash(password),
        must_change_password=True,
        disabled=False,
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    for spec in grants:
        grant = spec.resolve(session, agency_id)
        session.add(
            RoleGrantRecord(
                user_id=user.id, role=grant.role, agency_id=grant.agency_id, subtree=grant.subtree
            )
        )
    session.flush()
    return user, password


def ensure_first_admin(session: Session, now: datetime) -> str | None:
    """On a store without users: an administrator of every agency; its one-time
    password is returned (to print once). None when there are users already."""
    if session.scalars(select(UserRecord.id).limit(1)).first() is not None:
        return None
    _, password = add_user(
        session,
        FIRST_ADMIN,
        "系统管理员",
        None,
        [GrantSpec(Role.ADMIN, None, everywhere=True)],
        now,
    )
    return password


@dataclass(frozen=True)
class PasswordCheck:
    """A password checked against the hash its user had when it was read."""

    name: str
    checked_hash: str | None  # None: no user of that name
    matched: bool
    # The password hashed anew when it matched a hash of older parameters.
    rehashed: str | None


def check_password(session: Session, name: str, password: str) -> PasswordCheck:
    """Check ``password`` for the user ``name``: argon2 takes 100-200 ms of CPU, so it is
    done in a read transaction, where it holds no lock (SQLite's write lock is the whole
    store's); ``accept_password`` then takes the result in the write transaction."""
    stored = session.scalar(select(UserRecord.password_hash).where(UserRecord.name == name))
    try:
        _HASHER.verify(stored if stored is not None else _ABSENT, password)
    except (VerificationError, InvalidHashError):
        return PasswordCheck(name, stored, False, None)
    if stored is None:
        return PasswordCheck(name, None, False, None)
    rehashed = _HASHER.hash(password) if _HASHER.check_needs_rehash(stored) else None
    return PasswordCheck(name, stored, True, rehashed)


def accept_password(session: Session, check: PasswordCheck) -> UserRecord:
    """The enabled user whose password ``check`` matched; NotAuthenticated otherwise, and
    also when the password was changed since it was checked."""
    user = session.scalars(select(UserRecord).where(UserRecord.name == check.name)).one_or_none()
    if (
        not check.matched
        or user is None
        or user.disabled
        or user.password_hash != check.checked_hash
    ):
        raise NotAuthenticated("wrong user name or password")
    if check.rehashed is not None:
        user.password_hash = check.rehashed
    return user


def set_password(session: Session, user: UserRecord, password: str, now: datetime) -> None:
    """The user's own new password; every session of theirs ends."""
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.password_changed_at = now
    revoke_sessions(session, user.id, now)


def reset_password(session: Session, user: UserRecord, now: datetime) -> str:
    """A one-time password (returned); every session of the user ends."""
    password = one_time_password()
    user.password_hash = _HASHER.hash(password)
    user.must_change_password = True
    user.password_changed_at = now
    revoke_sessions(session, user.id, now)
    return password


def disable_user(session: Session, user: UserRecord, now: datetime) -> None:
    user.disabled = True
    revoke_sessions(session, user.id, now)


def revoke_sessions(session: Session, user_id: int, now: datetime) -> None:
    for row in session.scalars(
        select(WebSessionRecord).where(
            WebSessionRecord.user_id == user_id, WebSessionRecord.revoked_at.is_(None)
        )
    ):
        row.revoked_at = now


_TREE = Prepared(select(AGENCIES.c.id, AGENCIES.c.parent_id))


def agency_tree(connection: Connection) -> AgencyTree:
    # A prepared statement: every request's principal reads it.
    return AgencyTree(dict(_TREE.rows(connection, {})))


def user_grants(session: Session, user_id: int) -> tuple[Grant, ...]:
    rows = session.scalars(select(RoleGrantRecord).where(RoleGrantRecord.user_id == user_id))
    return tuple(
        Grant(Role(row.role), row.agency_id, row.subtree)
        for row in sorted(rows, key=lambda row: row.id)
    )


def user_principal(session: Session, user: UserRecord) -> Principal:
    grants = user_grants(session, user.id)
    tree = agency_tree(session.connection())
    return Principal("user", user.id, user.name, grants, tree, user.agency_id)


def totp_required(session: Session, grants: Sequence[Grant]) -> bool:
    roles = {grant.role.value for grant in grants}
    required = session.scalars(
        select(RolePolicyRecord.role).where(RolePolicyRecord.totp_required.is_(True))
    )
    return any(role in roles for role in required)


def set_role_policy(session: Session, role: Role, *, totp_required: bool) -> None:
    policy = session.get(RolePolicyRecord, role.value)
    if policy is None:
        session.add(RolePolicyRecord(role=role.value, totp_required=totp_required))
    else:
        policy.totp_required = totp_required


def user_rows(session: Session) -> list[dict[str, Any]]:
    codes = dict(session.execute(select(AgencyRecord.id, AgencyRecord.code)).all())
    rows = []
    for user in session.scalars(select(UserRecord).order_by(UserRecord.name)):
        grants = [
            grant.role.value
            + ("@*" if grant.agency_id is None else f"@{codes[grant.agency_id]}")
            + ("/*" if grant.subtree else "")
            for grant in user_grants(session, user.id)
        ]
        rows.append(
            {
                "name": user.name,
                "display_name": user.display_name,
                "agency": codes.get(user.agency_id) if user.agency_id else None,
                "roles": grants,
                "disabled": user.disabled,
                "must_change_password": user.must_change_password,
                "second_factor": user.totp_secret is not None,
            }
        )
    return rows
