"""the lists' indexes: a page and its count from the index, flagged clocks found at once

``case list``, the API's list and the console's queue order an agency's (or a handler's)
cases by date received and number, keep the open ones and count them. Indexes over
exactly those columns let the store walk a page in order and count the rest without
reading a row; they replace the indexes on (agency, date received) and on the handler,
which are their prefixes. A partial index over the clocks without a due date (flagged)
lets a list ask whether any of its candidates has one without visiting them all.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_UNDATED = sa.text("due_on IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_agency_listed",
            ["agency_id", "received_on", "number", "state"],
            unique=False,
        )
        batch_op.create_index(
            "ix_cases_handler_listed",
            ["handler", "agency_id", "received_on", "number", "state"],
            unique=False,
        )
        batch_op.drop_index("ix_cases_agency_received")
        batch_op.drop_index("ix_cases_handler")
    with op.batch_alter_table("clocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_clocks_undated",
            ["status", "case_id"],
            unique=False,
            sqlite_where=_UNDATED,
            postgresql_where=_UNDATED,
        )


def downgrade() -> None:
    with op.batch_alter_table("clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_clocks_undated")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_handler", ["handler"], unique=False)
        batch_op.create_index(
            "ix_cases_agency_received", ["agency_id", "received_on"], unique=False
        )
        batch_op.drop_index("ix_cases_handler_listed")
        batch_op.drop_index("ix_cases_agency_listed")
