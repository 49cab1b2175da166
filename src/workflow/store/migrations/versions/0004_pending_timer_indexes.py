"""pending timers: partial indexes instead of indexes over every timer

A step supersedes its changed clocks' pending timers and adds new ones; the sweeper
reads the pending ones by due date. Indexing only the pending rows keeps both
indexes small and halves the pages a step writes to them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_status_due")
        batch_op.drop_index("ix_timers_case_clock_status")
        batch_op.create_index(
            "ix_timers_pending_due",
            ["due_on", "id"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )
        batch_op.create_index(
            "ix_timers_pending_case",
            ["case_id", "clock"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_pending_case")
        batch_op.drop_index("ix_timers_pending_due")
        batch_op.create_index(
            "ix_timers_case_clock_status", ["case_id", "clock", "status"], unique=False
        )
        batch_op.create_index("ix_timers_status_due", ["status", "due_on"], unique=False)
