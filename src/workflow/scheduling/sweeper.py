"""One sweep: every timer due by a date fired once, in one transaction per case.

``Sweeper.sweep(as_of)`` is the one idempotent function the scheduler ticks; the
command line runs it with ``workflow sweep``. Any number of sweepers, threads or
processes, may run at once: the database decides who fires what (``claims.py``).

A case that fails (a bug, a database error, a calendar year not loaded) is rolled
back, recorded in the run's ``failures`` and left pending for the next sweep; the
other cases go on. A killed sweep loses nothing: what it committed is done, the
rest is still pending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.cases.service import CaseService
from workflow.errors import InvalidInput
from workflow.scheduling.claims import due_case_ids
from workflow.scheduling.firing import CaseTally, TimerFiring
from workflow.scheduling.notify_config import NotificationConfig
from workflow.scheduling.outbox import check_addressed_agencies
from workflow.scheduling.run_log import SweepCounts, finish_run, get_run, start_run
from workflow.scheduling.texts import MessageTexts
from workflow.store.records import CaseRecord

log = logging.getLogger("workflow.scheduling")

PASSES = 2  # the second pass takes cases that were busy or fell due during the first


@dataclass(frozen=True)
class SweepReport:
    run_id: int
    counts: SweepCounts
    view: dict[str, Any]  # the documented JSON form, as `scheduler runs` shows it


class Sweeper:
    def __init__(
        self,
        cases: CaseService,
        config: NotificationConfig | None = None,
        texts: MessageTexts | None = None,
    ) -> None:
        self.cases = cases
        self.config = config or NotificationConfig()
        self.firing = TimerFiring(cases, texts or MessageTexts(self.config.templates), self.config)

    def sweep(self, as_of: date | None = None) -> SweepReport:
        today = self.cases.clock.today()
        as_of = as_of or today
        if as_of > today:
            raise InvalidInput(f"a sweep cannot run ahead of today ({today}); got --as-of {as_of}")
        self.cases.calendar.is_working_day(as_of)  # refuses a year with no published calendar
        database = self.cases.database
        with database.reading() as session:
            check_addressed_agencies(session, self.config)
        run_id = start_run(database, as_of, self.cases.clock.now())
        counts = SweepCounts()
        handled: set[int] = set()
        busy: set[int] = set()
        for _pass in range(PASSES):
            with database.reading() as session:
                candidates = [c for c in due_case_ids(session, as_of) if c not in handled]
            if not candidates:
                break
            for case_id in candidates:
                tally = self._sweep_case(case_id, as_of, counts)
                if tally is None:
                    busy.add(case_id)
                    continue
                handled.add(case_id)
                busy.discard(case_id)
                if not tally.failed:
                    _add(counts, tally)
        counts.busy = len(busy)
        finish_run(database, run_id, counts, self.cases.clock.now())
        with database.reading() as session:
            view = get_run(session, run_id)
        log.info(
            "sweep %s (run %d): %d timers fired (%d lapses), %d reminders queued, "
            "%d dropped, %d refused, %d errors",
            as_of,
            run_id,
            counts.timers_fired,
            counts.lapses_fired,
            counts.reminders_queued,
            counts.dropped,
            counts.refused,
            counts.errors,
        )
        return SweepReport(run_id, counts, view)

    def _sweep_case(self, case_id: int, as_of: date, counts: SweepCounts) -> CaseTally | None:
        """The case's tally (``failed`` if it was rolled back); None when it is busy."""
        try:
            with self.cases.database.transaction() as session:
                return self.firing.fire_case(session, case_id, as_of)
        except Exception as exc:  # one failing case is recorded and does not stop the others
            number = self._number(case_id)
            error = f"{type(exc).__name__}: {exc}"
            log.warning("sweep %s: case %s failed, left pending: %s", as_of, number, error)
            log.debug("sweep %s: case %s", as_of, number, exc_info=True)
            counts.errors += 1
            counts.failures.append({"case": number, "error": error})
            return CaseTally(number, failed=True)

    def _number(self, case_id: int) -> str:
        try:
            with self.cases.database.reading() as session:
                case = session.get(CaseRecord, case_id)
                return case.number if case is not None else f"#{case_id}"
        except Exception:  # the store itself is failing: the id still identifies the case
            return f"#{case_id}"


def _add(counts: SweepCounts, tally: CaseTally) -> None:
    counts.cases += 1
    counts.timers_fired += tally.fired
    counts.lapses_fired += tally.lapses
    counts.reminders_queued += tally.reminders
    counts.dropped += tally.dropped
    counts.refused += tally.refused
    counts.rearmed += tally.rearmed
    counts.collapsed += tally.collapsed
    counts.refusals.extend(tally.refusals)
