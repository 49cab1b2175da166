"""Server-side login sessions: the cookie carries a random id, the store its SHA-256.

A session ends after 20 idle minutes, 12 hours after login whatever happens, when its
user logs out, and (all of them) when the user's password changes or they are disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.store.access_records import UserRecord, WebSessionRecord

IDLE_TIMEOUT = timedelta(minutes=20)
ABSOLUTE_LIFETIME = timedelta(hours=12)
# last_seen_at is written at most this often: a page of requests is not a write each.
_TOUCH_EVERY = timedelta(seconds=60)


def digest(secret: str) -> str:
    """Ids and tokens are 256 random bits: a plain hash is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class OpenedSession:
    cookie: str  # the random id, for the cookie only
    csrf_token: str
    record: WebSessionRecord


def open_session(
    session: Session,
    user: UserRecord,
    now: datetime,
    address: str | None,
    *,
    second_factor_pending: bool = False,
) -> OpenedSession:
    cookie = secrets.token_urlsafe(32)
    record = WebSessionRecord(
        id_hash=digest(cookie),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ABSOLUTE_LIFETIME,
        revoked_at=None,
        second_factor_pending=second_factor_pending,
        address=address,
    )
    session.add(record)
    session.flush()
    return OpenedSession(cookie, record.csrf_token, record)


def live_session(
    session: Session, cookie: str, now: datetime
) -> tuple[WebSessionRecord, UserRecord] | None:
    """The session and its user when the cookie names a live one (read only: a
    request that only reads takes no write lock; ``touch_session`` records the use)."""
    row = session.scalars(
        select(WebSessionRecord).where(WebSessionRecord.id_hash == digest(cookie))
    ).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    if now >= row.expires_at or now - row.last_seen_at > IDLE_TIMEOUT:
        return None
    user = session.get(UserRecord, row.user_id)
    if user is None or user.disabled:
        return None
    return row, user


def needs_touch(row: WebSessionRecord, now: datetime) -> bool:
    return now - row.last_seen_at >= _TOUCH_EVERY


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    session.execute(
        update(WebSessionRecord).where(WebSessionRecord.id == session_id).values(last_seen_at=now)
    )


def end_session(session: Session, row: WebSessionRecord, now: datetime) -> None:
    row.revoked_at = now
