"""The parts of a running system, built lazily from settings: one place to wire them.

The command line, the scheduler and the web service all start from here.
"""

from __future__ import annotations

from functools import cached_property

from workflow.cases.registry import DefinitionRegistry
from workflow.cases.service import CaseService, LetterIssuer
from workflow.clock import Clock, FixedClock, SystemClock
from workflow.deadlines import WorkingCalendar, load_calendar
from workflow.deadlines.calendar_files import year_files_stamp
from workflow.resources import notifications_dir
from workflow.settings import Settings
from workflow.store.database import Database


class Application:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        fixed = FixedClock(settings.today) if settings.today is not None else None
        self.clock: Clock = clock or fixed or SystemClock()

    @cached_property
    def calendar(self) -> WorkingCalendar:
        self._calendar_files = year_files_stamp(self.settings.calendar_dirs())
        return load_calendar(self.settings.calendar_dirs())

    def refresh_calendar(self) -> bool:
        """Forget the calendar, and the parts built on it, when a year file was added or
        changed since it was loaded: a long-running scheduler then counts with the year
        ``calendar import-notice`` wrote. True when it did."""
        if "calendar" not in self.__dict__:
            return False
        if year_files_stamp(self.settings.calendar_dirs()) == self._calendar_files:
            return False
        for part in ("calendar", "letters", "cases"):
            self.__dict__.pop(part, None)
        return True

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.db_url)

    @cached_property
    def registry(self) -> DefinitionRegistry:
        return DefinitionRegistry(self.settings.definitions_root, [notifications_dir() / "letters"])

    @cached_property
    def letters(self) -> LetterIssuer | None:
        # Imported on first use: commands that touch no case need no template engine.
        from workflow.letters.issuing import ArchivingIssuer, LetterOptions

        return ArchivingIssuer(self.calendar, self.clock, LetterOptions.from_environ())

    @cached_property
    def cases(self) -> CaseService:
        return CaseService(self.database, self.registry, self.calendar, self.clock, self.letters)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()
