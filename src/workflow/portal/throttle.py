"""The portal's rate limits per address, counted in the store (every worker counts the
same), as the staff login's are (``access/throttle.py``).

An address may submit ``submissions`` applications an hour and look cases up
``lookups`` times in 15 minutes, of which ``failures`` with a wrong number or code. The
defaults suit a public office; ``WORKFLOW_PORTAL_SUBMISSIONS_PER_HOUR``,
``WORKFLOW_PORTAL_LOOKUPS_PER_15_MINUTES`` and ``WORKFLOW_PORTAL_FAILURES_PER_15_MINUTES``
change them (a benchmark from one address, a deployment behind one proxy address).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from workflow.errors import ConfigError
from workflow.store.database import connection_of
from workflow.store.portal_records import PortalHitRecord
from workflow.store.prepared import Prepared
from workflow.store.tables import table_of

SUBMIT, LOOKUP, FAILED = "submit", "lookup", "failed"
WINDOWS = {SUBMIT: timedelta(hours=1), LOOKUP: timedelta(minutes=15), FAILED: timedelta(minutes=15)}
ENVIRONMENT = {
    SUBMIT: "WORKFLOW_PORTAL_SUBMISSIONS_PER_HOUR",
    LOOKUP: "WORKFLOW_PORTAL_LOOKUPS_PER_15_MINUTES",
    FAILED: "WORKFLOW_PORTAL_FAILURES_PER_15_MINUTES",
}

# Every submission and lookup runs these: compiled once (``store.prepared``).
_HITS = table_of(PortalHitRecord)
_OF = (_HITS.c.action == bindparam("b_action"), _HITS.c.address == bindparam("b_address"))
_COUNTED = Prepared(
    select(func.count(), func.min(_HITS.c.at)).where(*_OF, _HITS.c.at > bindparam("b_since"))
)
_PRUNE = Prepared(delete(_HITS).where(*_OF, _HITS.c.at <= bindparam("b_before")))
_INSERT_HIT = Prepared(_HITS.insert(), ("action", "address", "at"))


@dataclass(frozen=True)
class PortalLimits:
    submissions: int = 10
    lookups: int = 60
    failures: int = 10

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> PortalLimits:
        values = {}
        for field, action in (("submissions", SUBMIT), ("lookups", LOOKUP), ("failures", FAILED)):
            text = environ.get(ENVIRONMENT[action])
            if text:
                if not text.isdigit() or not 1 <= int(text) <= 10_000_000:
                    raise ConfigError(
                        f"{text!r} is not a whole number from 1", key=ENVIRONMENT[action]
                    )
                values[field] = int(text)
        return cls(**values)

    def limit(self, action: str) -> int:
        return {SUBMIT: self.submissions, LOOKUP: self.lookups, FAILED: self.failures}[action]


def wait_needed(
    session: Session, limits: PortalLimits, action: str, address: str, now: datetime
) -> int | None:
    """Seconds until ``address`` may do ``action`` again, or None when it may now."""
    params = {"b_action": action, "b_address": address, "b_since": now - WINDOWS[action]}
    ((count, first),) = _COUNTED.rows(connection_of(session), params)
    if count < limits.limit(action):
        return None
    return max(1, int((first + WINDOWS[action] - now).total_seconds()))


def count_hit(session: Session, action: str, address: str, now: datetime) -> None:
    """Count one; the address's hits older than the window go (they count no more)."""
    connection = connection_of(session)
    params = {"b_action": action, "b_address": address, "b_before": now - WINDOWS[action]}
    _PRUNE.run(connection, params)
    _INSERT_HIT.run(connection, {"action": action, "address": address[:64], "at": now})
