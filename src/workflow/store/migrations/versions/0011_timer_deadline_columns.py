"""timers by columns: the deadline a timer serves and the day it fired

``deadline_due_on`` (beside ``clock`` and ``clock_version``) names the deadline a
timer serves, which recompute matched by prefixes of the key; ``fired_on`` is the
day a timer was fired or sent, which was kept as ``detail["as_of"]``. Both are
filled from what existing rows hold: the due date in the key, or for a key without
one (a format no release wrote) the clocks row of the same version; and the
``as_of`` of the detail, which is removed from it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("fired_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    timers = sa.table(
        "timers",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("case_id", sa.Integer),
        sa.column("clock", sa.String),
        sa.column("clock_version", sa.Integer),
        sa.column("detail", sa.JSON),
        sa.column("deadline_due_on", sa.Date),
        sa.column("fired_on", sa.Date),
    )
    clocks = sa.table(
        "clocks",
        sa.column("case_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("version", sa.Integer),
        sa.column("due_on", sa.Date),
    )
    rows = connection.execute(
        sa.select(
            timers.c.id,
            timers.c.key,
            timers.c.detail,
            clocks.c.due_on,
            clocks.c.version,
            timers.c.clock_version,
        ).select_from(
            timers.outerjoin(
                clocks,
                sa.and_(clocks.c.case_id == timers.c.case_id, clocks.c.name == timers.c.clock),
            )
        )
    ).all()
    updates: list[dict[str, Any]] = []
    for timer_id, key, detail, clock_due, clock_version, version in rows:
        deadline = _key_due(key) or (clock_due if clock_version == version else None)
        detail = json.loads(detail) if isinstance(detail, str) else detail
        fired = (detail or {}).pop("as_of", None)
        updates.append(
            {
                "b_id": timer_id,
                "b_deadline": deadline,
                "b_fired": date.fromisoformat(fired) if fired else None,
                "b_detail": detail or None,
            }
        )
    if updates:
        connection.execute(
            timers.update()
            .where(timers.c.id == sa.bindparam("b_id"))
            .values(
                deadline_due_on=sa.bindparam("b_deadline"),
                fired_on=sa.bindparam("b_fired"),
                detail=sa.bindparam("b_detail"),
            ),
            updates,
        )


def _key_due(key: str) -> date | None:
    """The due date in ``<case>:<clock>:v<version>@<due>:<name>``."""
    _, at, rest = key.partition("@")
    return date.fromisoformat(rest[:10]) if at else None


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_column("fired_on")
        batch_op.drop_column("deadline_due_on")
