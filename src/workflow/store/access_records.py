"""The tables of staff access: users and their role grants, sessions, API tokens, login
attempts, the audit log and idempotency keys.

Secrets are never stored: passwords as argon2 hashes, session ids and API tokens as
SHA-256 digests of random values. The audit log is append-only (database triggers
refuse an UPDATE or DELETE).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.store.records import Base, Bounded, name_bounded_columns

IDEMPOTENCY_KEY = "uq_idempotency_keys_owner"  # a key given twice: the first call answers


class UserRecord(Base):
    """A member of staff. ``agency_id`` null: the deployment's own operators."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Bounded(64), unique=True)  # the login
    display_name: Mapped[str] = mapped_column(Bounded(100))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(Bounded(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret: Mapped[str | None] = mapped_column(Bounded(64))
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]


class RoleGrantRecord(Base):
    """A role a user holds on an agency (and with ``subtree`` every agency below it);
    ``agency_id`` null: on every agency."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(Bounded(32))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    subtree: Mapped[bool] = mapped_column(Boolean, default=False)


class RolePolicyRecord(Base):
    """What a role requires of its holders at login."""

    __tablename__ = "role_policies"

    role: Mapped[str] = mapped_column(Bounded(32), primary_key=True)
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSessionRecord(Base):
    """A server-side login session; the cookie holds the random id, this row its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(Bounded(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(Bounded(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the absolute lifetime
    revoked_at: Mapped[datetime | None]
    second_factor_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str | None] = mapped_column(Bounded(64))


class ApiTokenRecord(Base):
    """A bearer token for portals and scripts, with its own grants (JSON list of
    ``{"role", "agency_id", "subtree"}``)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Bounded(64), unique=True)
    token_hash: Mapped[str] = mapped_column(Bounded(64), unique=True)
    grants: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(Bounded(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class LoginAttemptRecord(Base):
    """One login attempt: throttling counts recent failures per account and per address,
    in the store so that every worker counts the same."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_account_at", "account", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(Bounded(64))
    address: Mapped[str] = mapped_column(Bounded(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


class AuditRecord(Base):
    """Who read, downloaded, exported, logged in, or changed what an admin changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_agency_at", "agency_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(Bounded(100))  # user:NAME | token:NAME | cli
    action: Mapped[str] = mapped_column(Bounded(64))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    case_number: Mapped[str | None] = mapped_column(Bounded(64), index=True)
    batch_id: Mapped[str | None] = mapped_column(Bounded(64), index=True)
    address: Mapped[str | None] = mapped_column(Bounded(64))
    detail: Mapped[dict[str, Any]]


class IdempotencyRecord(Base):
    """The answer to an unsafe call made with an ``Idempotency-Key``, kept to replay it."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key", name=IDEMPOTENCY_KEY),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(Bounded(100))
    key: Mapped[str] = mapped_column(Bounded(200))
    request_hash: Mapped[str] = mapped_column(Bounded(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class SavedViewRecord(Base):
    """A console user's queue filters: the ones in use (``name`` empty), kept between
    visits, and the views they saved by name."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Bounded(64))
    filters: Mapped[dict[str, Any]]  # the queue's query parameters, as the page reads them
    saved_at: Mapped[datetime]


name_bounded_columns(__name__)
