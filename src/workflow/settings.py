"""What a run is configured with: the store, the definitions, the calendars, the user.

Resolved once from command-line options and the environment
(``WORKFLOW_DB``, ``WORKFLOW_DEFINITIONS``, ``WORKFLOW_CALENDARS``, ``WORKFLOW_USER``,
``WORKFLOW_LOCK_WAIT``).
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workflow import resources
from workflow.errors import ConfigError, InvalidInput

DEFAULT_DB = "sqlite:///workflow.db"
LOCK_WAIT_SECONDS = 30.0  # how long a command waits for another writer before "busy"


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB
    definitions_dir: Path | None = None  # None: the shipped definitions
    calendars_dir: Path | None = None  # year files to load (init, calendar load)
    today: date | None = None  # WORKFLOW_TODAY: a fixed "today" for tests and replays
    user: str | None = None  # WORKFLOW_USER, else the operating-system user: who acts
    lock_wait: float = LOCK_WAIT_SECONDS  # WORKFLOW_LOCK_WAIT: seconds to wait for a lock

    @classmethod
    def resolve(
        cls,
        db_url: str | None = None,
        definitions_dir: Path | None = None,
        calendars_dir: Path | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> Settings:
        env_today = environ.get("WORKFLOW_TODAY")
        try:
            today = parse_date(env_today) if env_today else None
        except ValueError as exc:
            raise ConfigError(
                f"{env_today!r} is not a YYYY-MM-DD date", key="WORKFLOW_TODAY"
            ) from exc
        lock_wait = _lock_wait(environ.get("WORKFLOW_LOCK_WAIT"))
        env_calendars = environ.get("WORKFLOW_CALENDARS")
        env_definitions = environ.get("WORKFLOW_DEFINITIONS")
        return cls(
            db_url=db_url or environ.get("WORKFLOW_DB") or DEFAULT_DB,
            definitions_dir=definitions_dir or (Path(env_definitions) if env_definitions else None),
            calendars_dir=calendars_dir or (Path(env_calendars) if env_calendars else None),
            today=today,
            user=(environ.get("WORKFLOW_USER") or "").strip() or _system_user(),
            lock_wait=lock_wait,
        )

    def actor(self, given: str | None) -> str:
        """Who takes a step: the one named (``--by``), else the user running the command."""
        actor = (given or "").strip() or self.user
        if not actor:
            raise InvalidInput("who takes this step? give --by NAME or set WORKFLOW_USER")
        return actor

    @property
    def definitions_root(self) -> Path:
        return self.definitions_dir or resources.definitions_dir()

    def own_calendar_dirs(self) -> list[Path]:
        """Year files of the office's own: loaded into the store by ``workflow init`` and
        ``calendar load``, and counted with directly where there is no store."""
        shipped = resources.calendars_dir()
        dirs = []
        if self.definitions_dir is not None:
            own = self.definitions_dir / "calendars" / "cn"
            if own.is_dir() and own.resolve() != shipped.resolve():
                dirs.append(own)
        if self.calendars_dir is not None:
            dirs.append(self.calendars_dir)
        return dirs


def _system_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date and nothing else (``date.fromisoformat`` also takes 20261201 and
    2026-W49-2); raises ``ValueError``."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date")
    return date.fromisoformat(text)


def _lock_wait(value: str | None) -> float:
    if not value:
        return LOCK_WAIT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ConfigError(
            f"{value!r} is not a number of seconds in (0, 3600]", key="WORKFLOW_LOCK_WAIT"
        )
    return seconds
