"""The migrations build exactly the schema the models declare, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.stores import STORES, make_app, store_url
from workflow.store import schema
from workflow.store.records import Base


@pytest.mark.parametrize("kind", STORES)
def test_the_migrated_schema_is_the_declared_one(kind: str, tmp_path: Path) -> None:
    with store_url(kind, tmp_path) as url:
        app = make_app(url)
        try:
            with app.database.engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection), Base.metadata
                )
            assert differences == []
            assert schema.current_revision(app.database) == schema.head_revision()
        finally:
            app.close()
