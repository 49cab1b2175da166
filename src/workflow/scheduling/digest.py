"""The daily digest: for each handler and agency head, the cases due soon and the overdue ones.

"Due soon" is a running clock due within ``due_within`` working days of the day;
"overdue" is one past its due date (both derived from the clocks projection, never
stored). A flagged clock, whose due date waits for next year's calendar, is due soon
when its working days left, which are exact, are within ``due_within``: the digest
gives them and says the date is not known yet. A person is a name within an agency
(``workflow.people``): their digest lists that agency's cases only, never those of a
namesake elsewhere. Each person's digest is queued once per day, key
``digest:<date>:<person>``: a second run the same day (another scheduler process, a
restart) adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from workflow.cases.ledger_store import derive_undated
from workflow.cases.service import CaseService
from workflow.deadlines import ClockStatus
from workflow.errors import CalendarNotPublished
from workflow.people import Person
from workflow.scheduling.notify_config import NotificationConfig
from workflow.scheduling.outbox import (
    check_addressed_agencies,
    enqueue,
    message_key,
    recipients,
)
from workflow.scheduling.reminder_context import standing
from workflow.scheduling.texts import DIGEST_TEMPLATE, MessageTexts
from workflow.store.records import AgencyRecord, ApplicantRecord, CaseRecord, ClockRecord

DEFAULT_DUE_WITHIN = 3


@dataclass(frozen=True)
class DigestReport:
    as_of: date
    due_within: int
    people: int  # people with something to report
    queued: int  # digests written now
    already_queued: int  # digests this day already had

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "due_within": self.due_within,
            "people": self.people,
            "queued": self.queued,
            "already_queued": self.already_queued,
        }


class DigestWriter:
    def __init__(
        self,
        cases: CaseService,
        config: NotificationConfig | None = None,
        texts: MessageTexts | None = None,
    ) -> None:
        self.cases = cases
        self.config = config or NotificationConfig()
        self.texts = texts or MessageTexts(self.config.templates)

    def queue(self, as_of: date, due_within: int = DEFAULT_DUE_WITHIN) -> DigestReport:
        """Queue each person's digest for ``as_of``; people with nothing due get none."""
        with self.cases.database.reading() as session:
            check_addressed_agencies(session, self.config)
        lists = self._lists(as_of, due_within)
        queued = 0
        now = self.cases.clock.now()
        for person, buckets in lists.items():
            context = {
                "recipient": buckets.greeting,
                "as_of": as_of,
                "due_within": due_within,
                "overdue": sorted(buckets.overdue, key=_by_due),
                "due_soon": sorted(buckets.due_soon, key=_by_due),
            }
            message = self.texts.render(DIGEST_TEMPLATE, context)
            with self.cases.database.transaction() as session:
                queued += enqueue(
                    session,
                    key=message_key("digest", as_of.isoformat(), person),
                    kind="digest",
                    case_id=None,
                    person=person,
                    message=message,
                    config=self.config,
                    now=now,
                )
        return DigestReport(as_of, due_within, len(lists), queued, len(lists) - queued)

    def _lists(self, as_of: date, due_within: int) -> dict[Person, _Digest]:
        calendar = self.cases.calendar
        try:
            horizon = calendar.add_working_days(as_of, due_within)
        except CalendarNotPublished:
            # the window runs past the loaded calendar: every known due date is within it
            horizon = calendar.loaded_through(as_of)
        lists: dict[Person, _Digest] = {}
        with self.cases.database.reading() as session:
            rows = session.execute(
                select(ClockRecord, CaseRecord, AgencyRecord, ApplicantRecord.name)
                .join(CaseRecord, CaseRecord.id == ClockRecord.case_id)
                .join(AgencyRecord, AgencyRecord.id == CaseRecord.agency_id)
                .join(ApplicantRecord, ApplicantRecord.id == CaseRecord.applicant_id)
                .where(
                    ClockRecord.status == ClockStatus.RUNNING,
                    or_(ClockRecord.due_on <= horizon, ClockRecord.due_on.is_(None)),
                )
                .order_by(ClockRecord.due_on, CaseRecord.number)
            ).all()
            undated = derive_undated(
                session.connection(),
                calendar,
                [(c.case_id, c.name) for c, _, _, _ in rows if c.due_on is None],
            )
            for clock, case, agency, applicant in rows:
                definition = self.cases.registry.for_case(
                    session, case.definition_id, case.definition_version
                )
                spec = definition.clocks.get(clock.name)
                if spec is None or spec.window:
                    continue  # a window closes; it is never "overdue"
                item: dict[str, Any] = {
                    "number": case.number,
                    "agency": agency.name,
                    "applicant": applicant,
                    "clock_label": spec.label,
                    "due_on": clock.due_on,
                    "awaiting_year": None,
                    "state_label": definition.states[case.state].label,
                }
                due_on = clock.due_on
                if due_on is None:  # flagged; derived now, the year may have been loaded since
                    deadline = undated[(case.id, clock.name)]
                    due_on = deadline.due_on
                    left = deadline.remaining_workdays(calendar, as_of)
                    if due_on is None and left > due_within:
                        continue
                    if due_on is None:  # the count is exact, the date is not known
                        item.update(remaining=left, overdue=0, awaiting_year=deadline.awaiting_year)
                        bucket = "due_soon"
                if due_on is not None:
                    if due_on > horizon:
                        continue
                    now = standing(calendar, as_of, due_on)
                    item.update(due_on=due_on, remaining=now.remaining, overdue=now.overdue)
                    bucket = "overdue" if now.position == "after" else "due_soon"
                for recipient in recipients(("handler", "head"), case, agency):
                    digest = lists.setdefault(recipient.person, _Digest(recipient.greeting))
                    items = digest.overdue if bucket == "overdue" else digest.due_soon
                    items.append({**item, "role": recipient.role_label})
        return dict(lists)


@dataclass
class _Digest:
    """One person's digest: how it greets them, and their agency's cases in two lists."""

    greeting: str
    overdue: list[dict[str, Any]] = field(default_factory=list)
    due_soon: list[dict[str, Any]] = field(default_factory=list)


def _by_due(item: dict[str, Any]) -> tuple[date, str]:
    return item["due_on"] or date.max, item["number"]  # a date not known yet comes last
