"""Create or upgrade the schema with Alembic, idempotently (``workflow init``).

Reading the store's revision needs no Alembic: it is the one row of Alembic's version
table, read with a Core statement, so a command that only checks the store is
initialised (every command that reads a case) does not import Alembic (a fifth of its
start-up). Alembic is imported to know the head and to upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from workflow.store.database import Database
from workflow.store.rows import VERSION_TABLE, only_revision

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(database: Database) -> str | None:
    """The store's schema revision, None before ``workflow init``."""
    with database.engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        revisions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    return only_revision([str(revision) for (revision,) in revisions])


def is_initialised(database: Database) -> bool:
    """Whether the store has a schema (``workflow init``); a missing SQLite file is not made."""
    if database.is_sqlite:
        path = make_url(database.url).database
        if not path or path == ":memory:" or not Path(path).exists():
            return False
    return current_revision(database) is not None


def upgrade(database: Database) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (before, after)."""
    from alembic import command

    before = current_revision(database)
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, current_revision(database)
