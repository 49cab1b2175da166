"""The parts of a running system, built lazily from settings: one place to wire them.

The command line, the scheduler and the web service all start from here. Each part
imports what it is built from when it is first asked for: a command that needs no store
or definitions does not load SQLAlchemy or parse YAML.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from workflow.clock import Clock, FixedClock, SystemClock
from workflow.settings import Settings

if TYPE_CHECKING:
    from workflow.cases.registry import DefinitionRegistry
    from workflow.cases.service import CaseService, LetterIssuer
    from workflow.deadlines import WorkingCalendar
    from workflow.store.database import Database


class Application:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        fixed = FixedClock(settings.today) if settings.today is not None else None
        self.clock: Clock = clock or fixed or SystemClock()

    @cached_property
    def calendar(self) -> WorkingCalendar:
        from workflow.deadlines import load_calendar
        from workflow.deadlines.calendar_files import year_files_stamp

        self._calendar_files = year_files_stamp(self.settings.calendar_dirs())
        return load_calendar(self.settings.calendar_dirs())

    def refresh_calendar(self) -> bool:
        """Forget the calendar, and the parts built on it, when a year file was added or
        changed since it was loaded: a long-running scheduler then counts with the year
        ``calendar import-notice`` wrote. True when it did."""
        if "calendar" not in self.__dict__:
            return False
        from workflow.deadlines.calendar_files import year_files_stamp

        if year_files_stamp(self.settings.calendar_dirs()) == self._calendar_files:
            return False
        for part in ("calendar", "letters", "cases"):
            self.__dict__.pop(part, None)
        return True

    @cached_property
    def database(self) -> Database:
        from workflow.store.database import Database

        return Database(self.settings.db_url, lock_wait=self.settings.lock_wait)

    @cached_property
    def registry(self) -> DefinitionRegistry:
        from workflow.cases.registry import DefinitionRegistry
        from workflow.resources import notifications_dir

        return DefinitionRegistry(self.settings.definitions_root, [notifications_dir() / "letters"])

    @cached_property
    def letters(self) -> LetterIssuer | None:
        # Imported on first use: commands that touch no case need no template engine.
        from workflow.letters.issuing import ArchivingIssuer, LetterOptions

        return ArchivingIssuer(self.calendar, self.clock, LetterOptions.from_environ())

    @cached_property
    def cases(self) -> CaseService:
        from workflow.cases.service import CaseService

        return CaseService(self.database, self.registry, self.calendar, self.clock, self.letters)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()
