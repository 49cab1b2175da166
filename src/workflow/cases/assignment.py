"""Who handles a case: "next case" (领取下一件) hands a handler the oldest unassigned open
case of their agency by due date, the pull the best queues use instead of a push.

The claim is one conditional UPDATE (``handler IS NULL``): two handlers pressing the
button at once get two different cases, never the same one; the loser of a race takes the
next. Assigning is no legal step of the case (no event, no new version); the caller puts
it in the audit log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from workflow.cases.case_list import URGENCY, CaseFilter, list_cases
from workflow.cases.registry import DefinitionRegistry
from workflow.deadlines import WorkingCalendar
from workflow.store.records import CaseRecord

CANDIDATES = 20  # the most urgent unassigned cases tried in turn


def take_next(
    session: Session,
    registry: DefinitionRegistry,
    calendar: WorkingCalendar,
    agency_id: int,
    handler: str,
    as_of: date,
) -> str | None:
    """Assign ``handler`` the most urgent unassigned open case of the agency; its number,
    or None when there is none."""
    criteria = CaseFilter(
        agency_ids=frozenset({agency_id}),
        open_only=True,
        unassigned=True,
        order=URGENCY,
        limit=CANDIDATES,
    )
    for row in list_cases(session, registry, calendar, criteria, as_of).rows:
        claimed = session.execute(
            update(CaseRecord)
            .where(CaseRecord.number == row.number, CaseRecord.handler.is_(None))
            .values(handler=handler)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return row.number
    return None
