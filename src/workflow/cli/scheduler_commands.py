"""``workflow sweep``, ``scheduler run|runs|digest`` and ``outbox deliver|list``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import click

from workflow.cli.choices import CodeParam
from workflow.cli.context import COUNT, DATE, POSITIVE, app
from workflow.cli.output import emit
from workflow.codes import OutboxStatus
from workflow.scheduling import (
    Deliverer,
    DigestWriter,
    NotificationConfig,
    Sweeper,
    load_notification_config,
)
from workflow.scheduling.delivery import DeliveryReport
from workflow.scheduling.digest import DEFAULT_DUE_WITHIN
from workflow.scheduling.outbox import outbox_rows
from workflow.scheduling.run_log import list_runs


class ClockTimeParam(click.ParamType[time]):
    """A time of day, HH:MM (China time)."""

    name = "HH:MM"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> time:
        if isinstance(value, time):
            return value
        try:
            hours, minutes = str(value).split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            self.fail(f"{value!r} is not a time of day in HH:MM form", param, ctx)


notify_option = click.option(
    "--notify",
    "notify_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Notification config: people's addresses, SMTP (env WORKFLOW_NOTIFY; "
    "default: files in ./outbox).",
)


def _config(notify_file: Path | None) -> NotificationConfig:
    return load_notification_config(notify_file)


def _sweep_lines(run: dict[str, Any]) -> Iterator[str]:
    yield (
        f"sweep {run['as_of']} (run {run['run']}): {run['timers_fired']} timers fired "
        f"(lapses: {run['lapses_fired']}), {run['reminders_queued']} reminders queued, "
        f"{run['dropped']} dropped, {run['refused']} refused, {run['errors']} errors"
    )
    for refusal in run["refusals"]:
        yield f"  refused: {refusal['case']}: {refusal['reason']}"
    for failure in run["failures"]:
        yield f"  failed (left pending): {failure['case']}: {failure['error']}"


@click.command("sweep")
@click.option("--as-of", "as_of", type=DATE, help="Fire what is due by this date (default today).")
@notify_option
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@click.pass_context
def sweep(ctx: click.Context, as_of: date | None, notify_file: Path | None, as_json: bool) -> None:
    """Fire every due reminder and automatic lapse once; exit 1 if a case failed."""
    context = app(ctx)
    report = Sweeper(context.cases, _config(notify_file)).sweep(context.effective_date(as_of))
    run = report.view
    emit(run, as_json, _sweep_lines)
    if run["errors"]:
        sys.exit(1)


@click.group("scheduler")
def scheduler_group() -> None:
    """The scheduler: run it, see its sweeps, queue a digest."""


@scheduler_group.command("run")
@click.option(
    "--every",
    "every",
    type=POSITIVE,
    default=15,
    show_default=True,
    metavar="MINUTES",
    help="Sweep this often (and once at start).",
)
@click.option(
    "--digest-at",
    "digest_at",
    type=ClockTimeParam(),
    default="08:30",
    show_default=True,
    help="Daily digest time, China time.",
)
@click.option(
    "--due-within",
    "due_within",
    type=COUNT,
    default=DEFAULT_DUE_WITHIN,
    show_default=True,
    metavar="N",
    help="The digest lists cases due within N working days.",
)
@click.option(
    "--no-deliver",
    "no_deliver",
    is_flag=True,
    help="Only queue messages; deliver them with `workflow outbox deliver`.",
)
@notify_option
@click.pass_context
def scheduler_run(
    ctx: click.Context,
    every: int,
    digest_at: time,
    due_within: int,
    no_deliver: bool,
    notify_file: Path | None,
) -> None:
    """Sweep every N minutes and send a daily digest, until Ctrl-C (APScheduler)."""
    from workflow.scheduling.scheduler import SchedulerOptions, run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    options = SchedulerOptions(every, digest_at, due_within, deliver=not no_deliver)
    run_scheduler(app(ctx), _config(notify_file), options)


@scheduler_group.command("runs")
@click.option("--limit", type=POSITIVE, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def scheduler_runs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The latest sweeps: when, what they fired, what failed."""
    with app(ctx).database.reading() as session:
        runs = list_runs(session, limit)
    emit({"runs": runs}, as_json, _run_lines)


def _run_lines(data: dict[str, Any]) -> Iterator[str]:
    for run in data["runs"]:
        finished = run["finished_at"] or "UNFINISHED"
        yield (
            f"{run['run']:>5}  as of {run['as_of']}  {run['started_at']} -> {finished}  "
            f"fired {run['timers_fired']} (lapses {run['lapses_fired']}), "
            f"queued {run['reminders_queued']}, dropped {run['dropped']}, "
            f"refused {run['refused']}, errors {run['errors']}"
        )
    yield f"{len(data['runs'])} run(s)"


@scheduler_group.command("digest")
@click.option("--as-of", "as_of", type=DATE, help="The digest's day (default today).")
@click.option(
    "--due-within",
    "due_within",
    type=COUNT,
    default=DEFAULT_DUE_WITHIN,
    show_default=True,
    metavar="N",
)
@notify_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def scheduler_digest(
    ctx: click.Context,
    as_of: date | None,
    due_within: int,
    notify_file: Path | None,
    as_json: bool,
) -> None:
    """Queue today's digest for each handler and head now (once per person per day)."""
    context = app(ctx)
    writer = DigestWriter(context.cases, _config(notify_file))
    report = writer.queue(context.effective_date(as_of), due_within)
    emit(
        report,
        as_json,
        lambda r: [
            f"digest {r.as_of}: {r.queued} queued, {r.already_queued} already queued, "
            f"for {r.people} people"
        ],
    )


@click.group("outbox")
def outbox_group() -> None:
    """Messages waiting to leave, and their delivery."""


@outbox_group.command("deliver")
@notify_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def outbox_deliver(ctx: click.Context, notify_file: Path | None, as_json: bool) -> None:
    """Send every due message (file, email, webhook), with retries and backoff."""
    context = app(ctx)
    report = Deliverer(context.database, context.clock, _config(notify_file)).deliver()
    emit(report, as_json, _delivery_lines)


def _delivery_lines(report: DeliveryReport) -> Iterator[str]:
    yield f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed"
    for error in report.errors:
        yield f"  {error['key']}: {error['error']}"


@outbox_group.command("list")
@click.option(
    "--status", type=CodeParam("status", OutboxStatus), help="Only messages in this status."
)
@click.option("--limit", type=POSITIVE, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with the bodies).")
@click.pass_context
def outbox_list(ctx: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """Outbox messages, newest first."""
    with app(ctx).database.reading() as session:
        rows = outbox_rows(session, status, limit)
    emit({"messages": rows}, as_json, _message_lines)


def _message_lines(data: dict[str, Any]) -> Iterator[str]:
    for row in data["messages"]:
        yield (
            f"{row['id']:>6} {row['status']:<7} {row['channel']:<7} {row['recipient']:<24} "
            f"{row['subject']}"
        )
    yield f"{len(data['messages'])} message(s)"
