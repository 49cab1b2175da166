"""Alembic environment: run on the connection handed over by ``workflow.store.schema``."""

from __future__ import annotations

from alembic import context

from workflow.store.records import every_table

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=every_table(),
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
