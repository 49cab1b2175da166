"""What a command needs: the application built from the global options, and option types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from workflow.application import Application
from workflow.errors import InvalidInput
from workflow.settings import Settings, parse_date


class AppContext(Application):
    @classmethod
    def from_options(
        cls, db_url: str | None, definitions_dir: Path | None, calendars_dir: Path | None
    ) -> AppContext:
        return cls(Settings.resolve(db_url, definitions_dir, calendars_dir))

    def effective_date(self, given: date | None) -> date:
        """The date a command acts on: the one given, else today in China."""
        return given if given is not None else self.clock.today()


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        raise RuntimeError("a command ran without its application context")
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
            return parse_date(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in YYYY-MM-DD form", param, ctx)


class AmountParam(click.ParamType[Decimal]):
    """A sum of money in yuan, e.g. 300 or 1700.50."""

    name = "YUAN"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount in yuan", param, ctx)
        if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
            self.fail(f"{value!r} is not an amount in yuan (at most two decimals)", param, ctx)
        return amount


DATE = DateParam()
AMOUNT = AmountParam()

# Integers a command passes on to the store or the calendar: SQLite's are 64-bit, and no count,
# period or year the law knows comes near these bounds.
MAX_COUNT = 1_000_000_000
COUNT = click.IntRange(min=0, max=MAX_COUNT)
POSITIVE = click.IntRange(min=1, max=MAX_COUNT)
WORKING_DAYS = click.IntRange(min=1, max=10_000)  # a period the law sets is 15 or 20
YEAR = click.IntRange(min=1900, max=9999)


def write_output(path: Path, content: bytes | str, encoding: str = "utf-8") -> None:
    """Write a file a command was told to write; a failure is the caller's one line."""
    data = content.encode(encoding) if isinstance(content, str) else content
    try:
        with path.open("wb") as file:
            file.write(data)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}") from None
