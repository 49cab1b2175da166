"""API tokens for portals and scripts: hashed, with their own grants, expiring, revocable.

The token is shown once at creation (``wf_`` + 256 random bits); the store keeps its
SHA-256. Each use is recorded (at most once a minute).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from workflow.access.accounts import GrantSpec, agency_tree
from workflow.access.roles import Grant, Principal, Role
from workflow.access.sessions import digest
from workflow.errors import InvalidInput
from workflow.store.access_records import ApiTokenRecord
from workflow.store.prepared import Prepared

PREFIX = "wf_"
_TOUCH_EVERY = timedelta(seconds=60)
_TOKENS = ApiTokenRecord.__table__
_LIVE = Prepared(
    select(
        _TOKENS.c.id,
        _TOKENS.c.name,
        _TOKENS.c.grants,
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _TOKENS.c.last_used_at,
    ).where(_TOKENS.c.token_hash == bindparam("b_hash"))
)


def create_token(
    session: Session,
    name: str,
    grants: Sequence[GrantSpec],
    expires_at: datetime,
    created_by: str,
    now: datetime,
) -> str:
    if session.scalars(select(ApiTokenRecord.id).where(ApiTokenRecord.name == name)).first():
        raise InvalidInput(f"a token named {name!r} exists; revoke it or choose another name")
    if not grants:
        raise InvalidInput("a token needs at least one role (--role ROLE@AGENCY)")
    if expires_at <= now:
        raise InvalidInput("a token's expiry must be in the future")
    resolved = [spec.resolve(session, None) for spec in grants]
    secret = PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiTokenRecord(
            name=name,
            token_hash=digest(secret),
            grants={
                "grants": [
                    {"role": g.role.value, "agency_id": g.agency_id, "subtree": g.subtree}
                    for g in resolved
                ]
            },
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return secret


def revoke_token(session: Session, name: str, now: datetime) -> None:
    token = session.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == name)).first()
    if token is None:
        raise InvalidInput(f"no token named {name!r}")
    if token.revoked_at is None:
        token.revoked_at = now


@dataclass(frozen=True)
class LiveToken:
    """What a request needs of its token: who, what it may, when it was last used."""

    id: int
    name: str
    grants: dict[str, Any]
    last_used_at: datetime | None


def live_token(connection: Connection, secret: str, now: datetime) -> LiveToken | None:
    """The token when ``secret`` is a live one (read only; ``touch_token`` records use).
    A prepared statement: every call made with a token asks this, and SQLAlchemy's
    execution of it cost more than the read."""
    if not secret.startswith(PREFIX):
        return None
    rows = _LIVE.rows(connection, {"b_hash": digest(secret)})
    if not rows:
        return None
    token_id, name, grants, expires_at, revoked_at, last_used_at = rows[0]
    if revoked_at is not None or now >= expires_at:
        return None
    return LiveToken(token_id, name, grants, last_used_at)


def token_principal(connection: Connection, token: LiveToken) -> Principal:
    grants = tuple(
        Grant(Role(g["role"]), g["agency_id"], bool(g["subtree"])) for g in token.grants["grants"]
    )
    return Principal("token", token.id, token.name, grants, agency_tree(connection))


def needs_touch(token: LiveToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    session.execute(
        update(ApiTokenRecord).where(ApiTokenRecord.id == token_id).values(last_used_at=now)
    )


def token_rows(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "grants": token.grants["grants"],
            "created_by": token.created_by,
            "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
            "revoked": token.revoked_at is not None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        }
        for token in session.scalars(select(ApiTokenRecord).order_by(ApiTokenRecord.name))
    ]
