"""timers by case, clock and status: the index each step's supersede uses

Replaces the plain case_id index, a prefix of the new one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_case_id")
        batch_op.create_index(
            "ix_timers_case_clock_status", ["case_id", "clock", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_case_clock_status")
        batch_op.create_index("ix_timers_case_id", ["case_id"], unique=False)
