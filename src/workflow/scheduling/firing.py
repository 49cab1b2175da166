"""Firing one case's due timers, inside that case's transaction.

Each round reads the case's due timers, earliest first:

* **stale** (its clock's version has moved on, the clock no longer runs, or its due
  date waits for a calendar year): marked ``dropped``, never sent. The case service
  already supersedes old timers when a clock changes; this check is the second line,
  for rows written by anything else.
* **lapses** first: fired through ``CaseService.fire_in``, the path a handler's step
  takes, dated on the timer's due date (the first working day after the period). A
  lapse that changes the case ends the round: its timers are read again, so no
  reminder goes out for a clock the lapse stopped or a case it closed. A lapse the
  lifecycle refuses is marked ``failed`` with the reason and not retried.
* **reminders** once no lapse is left: one message per clock and recipient, the most
  urgent of the clock's due reminders naming those it replaces (``collapsing.py``);
  all of them are marked ``done``. A daily overdue reminder re-arms itself for the
  next working day (key ``...:overdue:<date>``); when that day is in a year not loaded
  yet, ``calendar recompute`` re-arms it.

Catch-up after downtime: the reminders still valid say how things stand on the sweep
day and that they are late; only one daily overdue reminder is pending per clock
version, and it re-arms from the sweep day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.cases.ledger_store import timer_row
from workflow.cases.service import CaseService
from workflow.codes import TimerStatus
from workflow.deadlines import ClockStatus
from workflow.errors import CalendarNotPublished, CorruptCase, InvalidInput, case_context
from workflow.lifecycle import StepInput
from workflow.lifecycle.timers import DAILY_OVERDUE, LAPSE, REARM_WAITS_FOR, rearm
from workflow.scheduling.claims import claim_case, claim_due_timers
from workflow.scheduling.collapsing import ReminderGroup, one_per_clock
from workflow.scheduling.notify_config import NotificationConfig
from workflow.scheduling.outbox import enqueue, message_key, recipients
from workflow.scheduling.reminder_context import reminder_context
from workflow.scheduling.texts import REMINDER_TEMPLATE, MessageTexts
from workflow.store.records import (
    AgencyRecord,
    ApplicantRecord,
    CaseRecord,
    ClockRecord,
    TimerRecord,
)

SCHEDULER = "scheduler"  # the actor of automatic steps
MAX_ROUNDS = 10  # after each lapse the case's timers are read again; left-overs: next sweep


@dataclass
class CaseTally:
    """What one case's sweep did."""

    number: str
    fired: int = 0  # timers done: reminders sent and lapses fired
    lapses: int = 0
    reminders: int = 0  # outbox messages queued
    dropped: int = 0
    refused: int = 0
    rearmed: int = 0
    collapsed: int = 0
    refusals: list[dict[str, str]] = field(default_factory=list)
    failed: bool = False  # rolled back: nothing above happened


class TimerFiring:
    def __init__(self, cases: CaseService, texts: MessageTexts, config: NotificationConfig) -> None:
        self.cases = cases
        self.texts = texts
        self.config = config

    def fire_case(self, session: Session, case_id: int, as_of: date) -> CaseTally | None:
        """Fire the case's due timers; None when another transaction holds the case."""
        case = claim_case(session, case_id)
        if case is None:
            return None
        tally = CaseTally(case.number)
        now = self.cases.clock.now()
        with case_context(case.number):
            for _round in range(MAX_ROUNDS):
                timers = claim_due_timers(session, case.id, as_of)
                if not timers:
                    break
                if self._fire_lapses(session, case, timers, as_of, now, tally):
                    continue  # the case changed: read its timers again (some superseded, some new)
                self._send_reminders(session, case, timers, as_of, now, tally)
        return tally

    def _fire_lapses(
        self,
        session: Session,
        case: CaseRecord,
        timers: list[TimerRecord],
        as_of: date,
        now: datetime,
        tally: CaseTally,
    ) -> bool:
        """Fire the due lapses in due order; True when one changed the case."""
        for timer in timers:
            if timer.kind != LAPSE:
                continue
            if self._live_clock(session, case, timer, as_of, now, tally) is None:
                continue
            if self._lapse(session, case, timer, as_of, now, tally):
                return True
        return False

    def _send_reminders(
        self,
        session: Session,
        case: CaseRecord,
        timers: list[TimerRecord],
        as_of: date,
        now: datetime,
        tally: CaseTally,
    ) -> None:
        clocks: dict[str, ClockRecord] = {}
        live: list[TimerRecord] = []
        for timer in timers:
            if timer.kind == LAPSE:
                continue  # fired (or refused) by _fire_lapses in this round
            clock = self._live_clock(session, case, timer, as_of, now, tally)
            if clock is not None:
                clocks[timer.clock] = clock
                live.append(timer)
        for group in one_per_clock(live):
            for replaced in group.replaced:
                _close(replaced, TimerStatus.DONE, now, as_of, replaced_by=group.sent.key)
                tally.collapsed += 1
            self._remind(session, case, clocks[group.sent.clock], group, as_of, now, tally)

    def _live_clock(
        self,
        session: Session,
        case: CaseRecord,
        timer: TimerRecord,
        as_of: date,
        now: datetime,
        tally: CaseTally,
    ) -> ClockRecord | None:
        """The running clock the timer was planned for; None (timer dropped) when it is stale."""
        # the clocks projection may have been rewritten by a lapse in this transaction
        clock = session.get(ClockRecord, (case.id, timer.clock), populate_existing=True)
        if (
            clock is not None
            and clock.version == timer.clock_version
            and clock.status == ClockStatus.RUNNING
            and clock.due_on is not None  # else flagged: its due date waits for a calendar year
        ):
            return clock
        state = "gone" if clock is None else f"{clock.status}, version {clock.version}"
        if clock is not None and clock.due_on is None:
            state += ", its due date awaiting a calendar year"
        _close(timer, TimerStatus.DROPPED, now, as_of, reason=f"stale: the clock is {state}")
        tally.dropped += 1
        return None

    def _lapse(
        self,
        session: Session,
        case: CaseRecord,
        timer: TimerRecord,
        as_of: date,
        now: datetime,
        tally: CaseTally,
    ) -> bool:
        step = StepInput(on=timer.due_on, by=SCHEDULER, note=f"{timer.clock} period lapsed")
        try:
            if timer.trigger is None:
                raise CorruptCase(case.number, f"lapse timer {timer.key} names no trigger")
            with session.begin_nested():  # a refusal leaves nothing half-written
                fired = self.cases.fire_in(session, case, timer.trigger, step)
        except (InvalidInput, CorruptCase) as exc:  # TransitionRejected is an InvalidInput
            _close(timer, TimerStatus.FAILED, now, as_of, refused=str(exc))
            tally.refused += 1
            tally.refusals.append({"case": case.number, "timer": timer.key, "reason": str(exc)})
            return False
        _close(
            timer,
            TimerStatus.DONE,
            now,
            as_of,
            event=fired.event_seq,
            transition=f"{fired.source} -> {fired.dest}",
            outcome=fired.outcome,
        )
        tally.fired += 1
        tally.lapses += 1
        return True

    def _remind(
        self,
        session: Session,
        case: CaseRecord,
        clock: ClockRecord,
        group: ReminderGroup,
        as_of: date,
        now: datetime,
        tally: CaseTally,
    ) -> None:
        timer = group.sent
        definition = self.cases.registry.for_case(
            session, case.definition_id, case.definition_version
        )
        spec = definition.reminders.get(timer.clock)
        agency = session.get(AgencyRecord, case.agency_id)
        applicant = session.get(ApplicantRecord, case.applicant_id)
        assert agency is not None  # foreign keys
        assert applicant is not None
        context = reminder_context(
            self.cases.calendar,
            definition,
            case,
            agency,
            applicant,
            clock,
            timer,
            as_of,
            replaces=group.replaced,
        )
        keys: list[str] = []
        for recipient in recipients(spec.to if spec else ("handler",), case, agency):
            message = self.texts.render(
                REMINDER_TEMPLATE,
                {**context, "recipient": recipient.greeting, "role": recipient.role_label},
            )
            key = message_key("reminder", timer.key, recipient.person)
            if enqueue(
                session,
                key=key,
                kind="reminder",
                case_id=case.id,
                person=recipient.person,
                message=message,
                config=self.config,
                now=now,
            ):
                tally.reminders += 1
                keys.append(key)
        _close(
            timer,
            TimerStatus.DONE,
            now,
            as_of,
            messages=keys,
            late=as_of > timer.due_on,
            replaces=[replaced.key for replaced in group.replaced],
        )
        tally.fired += 1
        if timer.name == DAILY_OVERDUE:
            tally.rearmed += self._rearm(session, timer, clock, as_of, now)

    def _rearm(
        self, session: Session, timer: TimerRecord, clock: ClockRecord, as_of: date, now: datetime
    ) -> int:
        deadline_due_on = timer.deadline_due_on or clock.due_on
        assert deadline_due_on is not None  # checked before firing
        try:
            plan = rearm(
                timer.case_id,
                timer.clock,
                timer.clock_version,
                deadline_due_on,
                as_of,
                self.cases.calendar,
            )
        except CalendarNotPublished as missing:
            # The next working day is in a year not loaded yet (sent on 31 December):
            # `workflow calendar recompute` re-arms it once that year's calendar is loaded.
            timer.detail = {**(timer.detail or {}), REARM_WAITS_FOR: missing.year}
            return 0
        if session.scalar(select(TimerRecord.id).where(TimerRecord.key == plan.key)) is not None:
            return 0
        session.add(TimerRecord(**timer_row(timer.case_id, plan, now, {"rearmed_from": timer.key})))
        return 1


def _close(
    timer: TimerRecord, status: TimerStatus, now: datetime, as_of: date, **detail: Any
) -> None:
    timer.status = status
    timer.fired_at = now
    timer.fired_on = as_of
    timer.detail = {**(timer.detail or {}), **detail}
