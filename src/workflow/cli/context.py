"""What a command needs, built lazily from the global options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click

from workflow.clock import Clock, SystemClock
from workflow.deadlines import WorkingCalendar, load_calendar
from workflow.errors import InvalidInput
from workflow.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    _calendar: WorkingCalendar | None = None

    @classmethod
    def from_options(
        cls, db_url: str | None, definitions_dir: Path | None, calendars_dir: Path | None
    ) -> AppContext:
        return cls(Settings.resolve(db_url, definitions_dir, calendars_dir))

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = load_calendar(self.settings.calendar_dirs())
        return self._calendar

    def effective_date(self, given: date | None) -> date:
        """The date a command acts on: the one given, else today in China."""
        return given if given is not None else self.clock.today()


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        raise InvalidInput("internal: no application context")
    return obj


class DateParam(click.ParamType[date]):
    """A YYYY-MM-DD date; anything else is a one-line error."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in YYYY-MM-DD form", param, ctx)


DATE = DateParam()
