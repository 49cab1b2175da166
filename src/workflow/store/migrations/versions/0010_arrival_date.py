"""arrival date: the day an application by ordinary post or an internet channel arrived

Art. 31: for these channels the receipt date is the day the agency confirms with the
applicant, which it must try to do on the day the application arrives; the arrival date
is kept beside it so that a late confirmation is visible.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrived_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("arrived_on")
