"""A console user's queue filters: the ones in use, kept so the queue opens as they left
it, and views saved by name. Stored per user; only the user themselves reads them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflow.errors import InvalidInput
from workflow.store.access_records import SavedViewRecord

IN_USE = ""  # the name of the filters in use
MAX_VIEWS = 30


def filters_in_use(session: Session, user_id: int) -> dict[str, Any] | None:
    return saved_view(session, user_id, IN_USE)


def saved_view(session: Session, user_id: int, name: str) -> dict[str, Any] | None:
    record = _find(session, user_id, name)
    return dict(record.filters) if record is not None else None


def keep_filters(
    session: Session, user_id: int, name: str, filters: dict[str, Any], now: datetime
) -> None:
    """Store ``filters`` under ``name`` (``IN_USE``: the ones in use), replacing any."""
    record = _find(session, user_id, name)
    if record is None:
        if name != IN_USE and len(view_names(session, user_id)) >= MAX_VIEWS:
            raise InvalidInput(f"at most {MAX_VIEWS} saved views; delete one first")
        session.add(SavedViewRecord(user_id=user_id, name=name, filters=filters, saved_at=now))
    elif record.filters != filters:
        record.filters = filters
        record.saved_at = now


def view_names(session: Session, user_id: int) -> list[str]:
    """The user's saved views, by name."""
    return list(
        session.scalars(
            select(SavedViewRecord.name)
            .where(SavedViewRecord.user_id == user_id, SavedViewRecord.name != IN_USE)
            .order_by(SavedViewRecord.name)
        )
    )


def delete_view(session: Session, user_id: int, name: str) -> None:
    session.execute(
        delete(SavedViewRecord).where(
            SavedViewRecord.user_id == user_id, SavedViewRecord.name == name
        )
    )


def _find(session: Session, user_id: int, name: str) -> SavedViewRecord | None:
    return session.scalars(
        select(SavedViewRecord).where(
            SavedViewRecord.user_id == user_id, SavedViewRecord.name == name
        )
    ).one_or_none()
