"""``workflow calendar ...``: working-day arithmetic and the clock ledger from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from workflow import bounded_yaml
from workflow.cases.recompute import CaseRecompute, RecomputeReport, recompute
from workflow.cases.views import DeadlineView
from workflow.cli.case_text import due_text
from workflow.cli.context import DATE, MAX_COUNT, WORKING_DAYS, AppContext, app
from workflow.cli.output import echo_json, emit
from workflow.deadlines import (
    ClockEntry,
    EntryKind,
    WorkingCalendar,
    derive,
)
from workflow.errors import InvalidInput, LedgerError
from workflow.input_files import UnreadableFile

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@click.group("calendar")
def calendar_group() -> None:
    """Official working days (weekends, holidays, make-up working days)."""


@calendar_group.command("add-workdays")
@click.argument("start", type=DATE)
@click.argument("days", type=click.IntRange(max=MAX_COUNT))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def add_workdays(ctx: click.Context, start: date, days: int, as_json: bool) -> None:
    """The date DAYS working days after START (START itself is not counted)."""
    calendar = app(ctx).calendar
    result = calendar.add_working_days(start, days)
    info = calendar.describe_day(result)
    data = {
        "start": start.isoformat(),
        "workdays": days,
        "result": result.isoformat(),
        "weekday": WEEKDAYS[result.weekday()],
        "kind": info.kind.value,
    }
    emit(data, as_json, lambda _: [result.isoformat()])


@calendar_group.command("is-workday")
@click.argument("day", type=DATE)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def is_workday(ctx: click.Context, day: date, as_json: bool) -> None:
    """Whether DAY is an official working day, and why."""
    info = app(ctx).calendar.describe_day(day)
    data = {
        "date": day.isoformat(),
        "working_day": info.working,
        "kind": info.kind.value,
        "holiday": info.holiday,
        "weekday": WEEKDAYS[day.weekday()],
    }
    why = {
        "weekday": "an ordinary weekday",
        "weekend": "a weekend day",
        "holiday": f"an official day off ({info.holiday})",
        "makeup": f"a make-up working day ({info.holiday})",
    }[info.kind.value]
    verdict = "a working day" if info.working else "not a working day"
    emit(data, as_json, lambda data: [f"{day} ({data['weekday']}) is {verdict}: {why}"])


@calendar_group.command("between")
@click.argument("start", type=DATE)
@click.argument("end", type=DATE)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def between(ctx: click.Context, start: date, end: date, as_json: bool) -> None:
    """Working days strictly after START up to and including END."""
    count = app(ctx).calendar.working_days_between(start, end)
    data = {"start": start.isoformat(), "end": end.isoformat(), "workdays": count}
    emit(data, as_json, lambda data: [str(data["workdays"])])


@calendar_group.command("explain")
@click.argument("ledger", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--start", "start", type=DATE, help="Start date (instead of a ledger file).")
@click.option(
    "--days", type=WORKING_DAYS, default=20, show_default=True, help="Length in working days."
)
@click.option(
    "--as-of", "as_of", type=DATE, help="Date to count remaining days from (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def explain(
    ctx: click.Context,
    ledger: Path | None,
    start: date | None,
    days: int,
    as_of: date | None,
    as_json: bool,
) -> None:
    """Derive a clock's due date, with its explanation, from a ledger file or --start/--days.

    A ledger file (YAML or JSON) lists dated entries in order, for example::

        entries:
          - {start: 2026-02-12, days: 20}
          - {pause: 2026-03-05, reason: third party}
          - {resume: 2026-03-20}
          - {extend: 2026-03-25, days: 20, approver: 王主任}
    """
    context = app(ctx)
    if ledger is not None:
        label, entries, file_as_of = read_ledger(ledger)
    elif start is not None:
        label, entries, file_as_of = "answer", [ClockEntry.start(start, days)], None
    else:
        raise InvalidInput("give a ledger file or --start DATE")
    effective = as_of or file_as_of or context.effective_date(None)
    try:
        deadline = derive(entries, context.calendar, label)
    except LedgerError as error:  # the ledger is the caller's file here, not stored data
        raise InvalidInput(f"{ledger or '--start'}: {error}") from None
    view = DeadlineView.of(label, deadline, context.calendar, effective)
    emit(
        {**view.to_json(), "as_of": effective.isoformat()},
        as_json,
        lambda _: _explained(view, effective),
    )


def _explained(view: DeadlineView, as_of: date) -> Iterator[str]:
    for line in view.explanation:
        yield f"  {line}"
    yield f"{view.clock}：{due_text(view)}（截至{as_of}）"


@calendar_group.command("years")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def years(ctx: click.Context, as_json: bool) -> None:
    """The store's years: working days, notices, origin (shipped, imported notice, file) and
    content hash."""
    from workflow.cases.calendar_years import describe_years

    context = app(ctx)
    rows = describe_years(context.calendar_years)
    emit({"store": context.has_store, "years": rows}, as_json, _year_lines)


def _year_lines(data: dict[str, Any]) -> Iterator[str]:
    from workflow.cases.calendar_years import ORIGIN_LABELS

    for row in data["years"]:
        numbers = "; ".join(n["number"] or n["title"] for n in row["notices"]) or "no notice"
        origin = f"{ORIGIN_LABELS[row['origin']]} {row['source']}  {row['content_hash'][:12]}"
        if row["loaded_by"]:
            origin += f", loaded by {row['loaded_by']} {row['loaded_at'][:10]}"
        yield (
            f"{row['year']}  {row['working_days']} working days  "
            f"{row['off_days']} off, {row['makeup_days']} make-up  {numbers}  {origin}"
        )
    if not data["store"]:
        yield "no case store here (workflow init): these are the files, not a store's years"


@calendar_group.command("recompute")
@click.option(
    "--as-of", "as_of", type=DATE, help="The day timers count as already due (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def recompute_command(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Re-derive every case's deadlines with the store's calendar years; write what changed.

    import-notice, load and init run it themselves after they change a year: a due date
    that waited for the year gets its date, a date a correction moved moves, and their
    reminders and lapses are planned again. Exits 1 if a case failed.
    """
    context = app(ctx)
    report = _recompute(context, context.calendar, as_of)
    report_recompute(report, as_json=as_json)
    if report.failures:
        raise click.exceptions.Exit(1)


def _recompute(
    context: AppContext, calendar: WorkingCalendar, as_of: date | None
) -> RecomputeReport:
    today = context.clock.today()
    effective = as_of or today
    if effective > today:
        raise InvalidInput(f"--as-of {effective} is after today ({today})")
    calendar.is_working_day(effective)  # refuses a year with no published calendar
    return recompute(context.database, context.registry, calendar, context.clock, effective)


def report_recompute(report: RecomputeReport, *, as_json: bool) -> None:
    data = report.as_json()
    if as_json:
        echo_json(data)
        return
    for work in report.cases:
        changes = {change.clock: change for change in work.changes}
        for clock in work.clocks():
            parts: list[str] = []
            change = changes.get(clock)
            if change is not None:
                before = _due(change.due_was, change.status_was, None)
                after = _due(change.due_on, change.status, change.awaiting_year)
                parts.append(f"{before} -> {after}")
            counts = _timer_counts(work, clock, report.as_of)
            if counts:
                parts.append(f"timers: {counts}")
            click.echo(f"{work.number}  {clock}: {'; '.join(parts)}")
    for case, error in report.failures:
        click.echo(f"{case}: failed, nothing changed: {error}")
    timers = [
        (data["timers_planned"], "planned"),
        (data["timers_already_due"], "already due: the next sweep sends them, marked late"),
        (data["timers_redated"], "re-dated"),
        (data["timers_restored"], "restored"),
        (data["timers_superseded"], "superseded"),
    ]
    done = f"{data['clocks_changed']} clock(s) changed in {data['cases_changed']} case(s)"
    if any(count for count, _ in timers):
        done += "; timers: " + ", ".join(f"{count} {what}" for count, what in timers if count)
    click.echo(
        f"recompute as of {data['as_of']}: {data['cases_checked']} case(s) checked, {done}"
        + (f"; {len(report.failures)} case(s) failed" if report.failures else "")
    )


def _due(due_on: date | None, status: str | None, awaiting_year: int | None) -> str:
    if status is None:
        return "no row"
    text = f"due {due_on}" if due_on else "due unknown"
    if due_on is None and awaiting_year is not None:
        text += f" (awaits the {awaiting_year} calendar)"
    return text if status == "running" else f"{text}, {status}"


def _timer_counts(work: CaseRecompute, clock: str, as_of: date) -> str:
    planned = [plan for plan in work.new_timers() if plan.clock == clock]
    counts = [
        (len(planned), "planned"),
        (sum(plan.due_on <= as_of for plan in planned), "already due"),
        (sum(timer.clock == clock for timer, _ in work.redated), "re-dated"),
        (sum(timer.clock == clock for timer in work.restored), "restored"),
        (sum(timer.clock == clock for timer in (*work.superseded, *work.replaced)), "superseded"),
    ]
    return ", ".join(f"{count} {what}" for count, what in counts if count)


def read_ledger(path: Path) -> tuple[str, list[ClockEntry], date | None]:
    """Read a ledger file; every problem names the file and the entry number."""
    try:
        data = bounded_yaml.read(path)
    except UnreadableFile as exc:
        raise InvalidInput(f"{path}: cannot read the ledger: {exc.reason}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InvalidInput(f"{path}: a ledger is a mapping with an `entries` list")
    entries = [_entry(item, path, number) for number, item in enumerate(data["entries"], 1)]
    as_of = data.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        raise InvalidInput(f"{path}: as_of must be a YYYY-MM-DD date")
    return str(data.get("clock", "answer")), entries, as_of


def _entry(item: Any, path: Path, number: int) -> ClockEntry:
    where = f"{path}: entry {number}"
    if not isinstance(item, dict):
        raise InvalidInput(f"{where}: expected a mapping such as {{start: 2026-02-12, days: 20}}")
    kinds = [kind for kind in EntryKind if kind in item]
    if len(kinds) != 1:
        raise InvalidInput(f"{where}: name exactly one of {', '.join(EntryKind)}")
    kind = kinds[0]
    on = item[kind]
    if not isinstance(on, date):
        raise InvalidInput(f"{where}: {kind} must be a YYYY-MM-DD date")
    try:
        match kind:
            case EntryKind.START:
                return ClockEntry.start(on, int(item.get("days", 20)))
            case EntryKind.PAUSE:
                return ClockEntry.pause(on, str(item.get("reason", "not given")))
            case EntryKind.RESUME:
                return ClockEntry.resume(on)
            case EntryKind.RESTART:
                return ClockEntry.restart(on)
            case EntryKind.EXTEND:
                return ClockEntry.extend(on, int(item["days"]), str(item["approver"]))
            case EntryKind.SET_DUE:
                due = item["due"]
                if not isinstance(due, date):
                    raise InvalidInput(f"{where}: due must be a YYYY-MM-DD date")
                return ClockEntry.set_due(on, due, str(item.get("reason", "")))
            case _:
                return ClockEntry.stop(on, str(item.get("reason", "")))
    except KeyError as exc:
        raise InvalidInput(f"{where}: {kind} needs {exc.args[0]}") from exc
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{where}: {exc}") from exc


# the commands that write the store's years (their own module; the group is this one's)
from workflow.cli.calendar_load_commands import history, import_notice, load  # noqa: E402

for _command in (import_notice, load, history):
    calendar_group.add_command(_command)
