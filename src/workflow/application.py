"""The parts of a running system, built lazily from settings: one place to wire them.

The command line, the scheduler and the web service all start from here. Each part
imports what it is built from when it is first asked for: a command that needs no store
or definitions does not load SQLAlchemy or parse YAML.

Every process counts deadlines with the calendar years in the store
(``calendar_years``), so every process on one store, on any host, uses the same years;
where no initialised store is in reach, the shipped year files (and ``--calendars DIR``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from workflow.clock import Clock, FixedClock, SystemClock
from workflow.settings import Settings

if TYPE_CHECKING:
    from workflow.cases.attempts import LetterIssuer
    from workflow.cases.calendar_loading import CalendarLoad, Decide
    from workflow.cases.calendar_years import YearVersion
    from workflow.cases.registry import DefinitionRegistry
    from workflow.cases.service import CaseService
    from workflow.deadlines import WorkingCalendar
    from workflow.store.database import Database
    from workflow.store.rows import Rows


class Application:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        fixed = FixedClock(settings.today) if settings.today is not None else None
        self.clock: Clock = clock or fixed or SystemClock()

    @cached_property
    def has_store(self) -> bool:
        """Whether the store has a schema (``workflow init``); asking creates nothing."""
        from workflow.store.rows import sqlite_file, sqlite_revision

        path = sqlite_file(self.settings.db_url)
        if path is not None:  # read as ``reading_rows`` reads, without SQLAlchemy
            if not path.exists():
                return False
            with self.reading_rows() as rows:
                return sqlite_revision(rows) is not None
        from workflow.store import schema

        return schema.is_initialised(self.database)

    @contextmanager
    def reading_rows(self) -> Iterator[Rows]:
        """A read-only unit of work for plain SQL reads (``store.rows``): on a SQLite
        store's file by ``sqlite3`` alone, so a command that only reads a case imports no
        SQLAlchemy (60 % of its start-up); on any other store, a Core connection."""
        from workflow.store.rows import CoreRows, sqlite_file, sqlite_rows

        path = sqlite_file(self.settings.db_url)
        if path is not None:
            with sqlite_rows(path, self.settings.lock_wait) as rows:
                yield rows
            return
        with self.database.reading_rows() as connection:
            yield CoreRows(connection)

    @cached_property
    def calendar_years(self) -> list[YearVersion]:
        """The years this process counts with: the store's; without a store, the files."""
        if not self.has_store:
            return self.calendar_files()
        from workflow.cases.calendar_years import read_years
        from workflow.errors import StoreUnavailable

        with self.reading_rows() as rows:
            years = read_years(rows)
        if not years:
            raise StoreUnavailable(
                "the store holds no calendar years: run `workflow init` to load the shipped ones"
            )
        return years

    @cached_property
    def calendar(self) -> WorkingCalendar:
        from workflow.cases.calendar_years import calendar_of

        return calendar_of(self.calendar_years)

    def calendar_files(self) -> list[YearVersion]:
        """The shipped year files, overridden and extended by the office's directories."""
        from workflow.cases.calendar_years import FILE, year_files_in

        years = {version.year: version for version in self.shipped_years()}
        for directory in self.settings.own_calendar_dirs():
            years.update((version.year, version) for version in year_files_in(directory, FILE))
        return [years[year] for year in sorted(years)]

    def shipped_years(self) -> list[YearVersion]:
        from workflow import resources
        from workflow.cases.calendar_years import SHIPPED, year_files_in

        shipped = resources.calendars_dir()
        return year_files_in(shipped, SHIPPED, named_from=shipped.parent.parent.parent)

    def refresh_calendar(self) -> bool:
        """Forget the calendar, and the parts built on it, when the store's years changed
        since it was read: a long-running scheduler then counts with a year another process
        imported. True when it did."""
        if "calendar_years" not in self.__dict__ or not self.has_store:
            return False
        from workflow.cases.calendar_years import stamp_of, years_stamp

        with self.database.reading() as session:
            if years_stamp(session) == stamp_of(self.calendar_years):
                return False
        self.forget_calendar()
        return True

    def forget_calendar(self) -> None:
        for part in ("calendar_years", "calendar", "letters", "cases"):
            self.__dict__.pop(part, None)

    def initialise(self, by: str) -> tuple[str | None, str | None, CalendarLoad]:
        """Create or upgrade the schema, then load the release's calendar years (and
        ``--calendars DIR``'s) by the ``release`` rule; (revision before, after, the load)."""
        from workflow.cases.calendar_loading import release
        from workflow.cases.calendar_years import FILE, year_files_in
        from workflow.store import schema

        before, after = schema.upgrade(self.database)
        self.__dict__.pop("has_store", None)
        own = [
            version
            for directory in self.settings.own_calendar_dirs()
            for version in year_files_in(directory, FILE)
        ]
        return before, after, self.load_calendar_years(release(self.shipped_years(), own), by)

    def load_calendar_years(
        self, decide: Decide, by: str, *, recompute_after: bool = True
    ) -> CalendarLoad:
        """Write years into the store (``calendar_loading``); this process then counts
        with them."""
        from workflow.cases.calendar_loading import load_years

        try:
            return load_years(
                self.database, self.registry, self.clock, decide, by,
                recompute_after=recompute_after,
            )  # fmt: skip
        finally:
            self.forget_calendar()

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
