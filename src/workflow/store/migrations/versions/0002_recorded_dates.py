"""recorded dates: when the store learned of a case, its first closure and its appeals

Reports "as of a date" count only what was recorded by then. These columns project the
event log's recorded_at so that the annual GROUP BY needs no join with case_events.
They start empty: reporting/stamps.py derives them from the events before a report
(existing rows included), and imports write them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_recorded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decided_recorded_on", sa.Date(), nullable=True))

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("first_closed_recorded_on", sa.Date(), nullable=True))
        batch_op.create_index(
            "ix_cases_closure_recorded",
            ["first_closed_recorded_on", "first_closed_on"],
            unique=False,
        )
        batch_op.create_index("ix_cases_recorded", ["recorded_on", "received_on"], unique=False)
        batch_op.create_index(
            "ix_cases_agency_closed_received",
            ["agency_id", "first_closed_on", "received_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_agency_closed_received")
        batch_op.drop_index("ix_cases_recorded")
        batch_op.drop_index("ix_cases_closure_recorded")
        batch_op.drop_column("first_closed_recorded_on")
        batch_op.drop_column("recorded_on")

    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("decided_recorded_on")
        batch_op.drop_column("filed_recorded_on")
