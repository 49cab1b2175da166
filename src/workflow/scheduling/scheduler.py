"""APScheduler 3 wiring: the only module that imports APScheduler.

APScheduler only ticks; it decides nothing. Timers are rows and the database
decides who fires them, so any number of processes may each run a scheduler
(several web workers included): their sweeps never fire a timer twice and their
digests are keyed per person per day.

Jobs, in Asia/Shanghai time:

* ``sweep`` every N minutes and once at start: the start run is the catch-up after
  downtime. ``coalesce`` turns missed runs into one; ``max_instances=1`` keeps one
  process's sweeps from overlapping. The outbox is delivered after each sweep.
* ``digest`` daily at HH:MM. A scheduler started after that time queues the day's
  digest right after its first sweep (a person's digest is queued once a day).
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, time

from apscheduler.schedulers.background import (  # type: ignore[import-untyped]
    BackgroundScheduler,
)
from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]
from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError

from workflow.application import Application
from workflow.clock import SystemClock
from workflow.errors import WorkflowError
from workflow.scheduling.delivery import Deliverer
from workflow.scheduling.digest import DEFAULT_DUE_WITHIN, DigestWriter
from workflow.scheduling.notify_config import NotificationConfig
from workflow.scheduling.sweeper import Sweeper

TIMEZONE = "Asia/Shanghai"
log = logging.getLogger("workflow.scheduling")


@dataclass(frozen=True)
class SchedulerOptions:
    every_minutes: int = 15
    digest_at: time = time(8, 30)
    due_within: int = DEFAULT_DUE_WITHIN
    deliver: bool = True


class SchedulerJobs:
    """What the jobs do, as plain methods; a job never raises into APScheduler.

    Before each job the store's calendar years are checked: a year another process loaded
    or corrected since (``calendar import-notice`` in December) is counted with without a
    restart.
    """

    def __init__(
        self, application: Application, config: NotificationConfig, options: SchedulerOptions
    ) -> None:
        self.application = application
        self.config = config
        self.options = options
        self._build()
        self.digest_after_first_sweep = False

    def _build(self) -> None:
        self.cases = self.application.cases
        self.sweeper = Sweeper(self.cases, self.config)
        self.digests = DigestWriter(self.cases, self.config)
        self.deliverer = Deliverer(self.cases.database, self.cases.clock, self.config)

    def _refresh_calendar(self) -> None:
        try:
            if self.application.refresh_calendar():
                self._build()
                log.info("the store's calendar years changed: counting with them now")
        except (WorkflowError, SQLAlchemyError) as exc:  # keep the calendar we have
            log.error("cannot read the store's calendar years: %s", exc)

    def sweep(self) -> None:
        self._refresh_calendar()
        try:
            self.sweeper.sweep()
        except WorkflowError as exc:
            log.error("sweep refused: %s", exc)
        if self.digest_after_first_sweep:
            self.digest_after_first_sweep = False
            self.digest()
        elif self.options.deliver:
            self.deliver()

    def digest(self) -> None:
        self._refresh_calendar()
        today = self.cases.clock.today()
        try:
            report = self.digests.queue(today, self.options.due_within)
        except WorkflowError as exc:
            log.error("digest %s refused: %s", today, exc)
        else:
            log.info("digest %s: %d queued for %d people", today, report.queued, report.people)
        if self.options.deliver:
            self.deliver()

    def deliver(self) -> None:
        try:
            report = self.deliverer.deliver()
        except WorkflowError as exc:
            log.error("delivery stopped: %s", exc)
            return
        if report.sent or report.retrying or report.failed:
            log.info(
                "outbox: %d sent, %d to retry, %d failed",
                report.sent,
                report.retrying,
                report.failed,
            )


def build_scheduler(
    jobs: SchedulerJobs, now: datetime, *, background: bool = False
) -> BaseScheduler:
    """The scheduler with its two jobs; ``now`` (from the application's clock) starts it.

    ``background``: in a thread beside a web server's requests, instead of owning the
    process until interrupted."""
    options = jobs.options
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(timezone=TIMEZONE)
    scheduler.add_job(
        jobs.sweep,
        IntervalTrigger(minutes=options.every_minutes, timezone=TIMEZONE),
        id="sweep",
        name="sweep due timers",
        next_run_time=now,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    scheduler.add_job(
        jobs.digest,
        CronTrigger(
            hour=options.digest_at.hour, minute=options.digest_at.minute, timezone=TIMEZONE
        ),
        id="digest",
        name="daily digest",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    local = now.astimezone(scheduler.timezone)
    jobs.digest_after_first_sweep = local.time() >= options.digest_at
    return scheduler


def run_scheduler(
    application: Application, config: NotificationConfig, options: SchedulerOptions
) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM)."""
    jobs = SchedulerJobs(application, config, options)
    scheduler = build_scheduler(jobs, application.clock.now())
    log.info(
        "scheduler: sweep every %d min, digest at %s (%s)",
        options.every_minutes,
        options.digest_at.strftime("%H:%M"),
        TIMEZONE,
    )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopping: waiting for a running job to finish")
        scheduler.shutdown(wait=True)


def start_background_scheduler(
    application: Application, config: NotificationConfig, options: SchedulerOptions
) -> BaseScheduler:
    """Start the jobs in a thread of this process (``workflow serve``); stop them with
    ``shutdown(wait=True)``. Each worker of a server may run one: the store decides
    who fires a timer."""
    jobs = SchedulerJobs(application, config, options)
    # APScheduler ticks in real time, so its first tick is now on the wall clock; what a
    # sweep counts as today still comes from the application's clock (WORKFLOW_TODAY).
    scheduler = build_scheduler(jobs, SystemClock().now(), background=True)
    scheduler.start()
    log.info("scheduler in process: sweep every %d min", options.every_minutes)
    return scheduler


def _stop(_signal: int, _frame: object) -> None:
    raise SystemExit(0)  # unwinds out of the scheduler's loop, like Ctrl-C
