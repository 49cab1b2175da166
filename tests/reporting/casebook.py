"""Case sets written straight into the store's tables, for tests of the aggregation.

The service path is tested in test_reference and test_import; here a test states exactly
what the store holds (including recorded dates) and checks the report against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select

from workflow.definition import load_definition
from workflow.lifecycle import vocabulary
from workflow.resources import definitions_dir
from workflow.store.database import Database
from workflow.store.records import AgencyRecord, AppealRecord, ApplicantRecord, CaseRecord

# The shipped definition's version: the registry knows it without a stored source.
SHIPPED_VERSION = load_definition(definitions_dir() / "disclosure.yaml", vocabulary()).version


@dataclass(frozen=True)
class Entry:
    """One case as the store knows it; recorded dates default to the legal dates."""

    number: str
    received_on: date
    applicant_type: str = "natural_person"
    agency: str = "zbgd"
    closed_on: date | None = None
    outcome: str | None = None
    recorded_on: date | None = None
    closed_recorded_on: date | None = None


@dataclass(frozen=True)
class AppealEntry:
    number: str
    kind: str
    filed_on: date
    result: str | None = None
    decided_on: date | None = None
    filed_recorded_on: date | None = None
    decided_recorded_on: date | None = None


def write(
    database: Database, entries: Sequence[Entry], appeals: Sequence[AppealEntry] = ()
) -> None:
    with database.transaction() as session:
        agencies = {a.code: a.id for a in session.scalars(select(AgencyRecord))}
        applicant = session.scalar(
            insert(ApplicantRecord)
            .values(name="申请人", type="natural_person")
            .returning(ApplicantRecord.id)
        )
        if entries:
            session.execute(
                insert(CaseRecord),
                [
                    {
                        "number": e.number,
                        "agency_id": agencies[e.agency],
                        "applicant_id": applicant,
                        "applicant_type": e.applicant_type,
                        "channel": "online",
                        "received_on": e.received_on,
                        "request": "某信息",
                        "definition_id": "disclosure",
                        "definition_version": SHIPPED_VERSION,
                        "state": "decided" if e.closed_on else "received",
                        "outcome": e.outcome,
                        "closed_on": e.closed_on,
                        "first_closed_on": e.closed_on,
                        "first_outcome": e.outcome,
                        "last_event_on": e.closed_on or e.received_on,
                        "event_count": 2 if e.closed_on else 1,
                        "imported": False,
                        "version": 1,
                        "recorded_on": e.recorded_on or e.received_on,
                        "first_closed_recorded_on": (
                            (e.closed_recorded_on or e.closed_on) if e.closed_on else None
                        ),
                    }
                    for e in entries
                ],
            )
        numbers = session.execute(select(CaseRecord.number, CaseRecord.id))
        ids = {number: case_id for number, case_id in numbers}
        for a in appeals:
            session.add(
                AppealRecord(
                    case_id=ids[a.number],
                    kind=a.kind,
                    filed_on=a.filed_on,
                    result=a.result,
                    decided_on=a.decided_on,
                    imported=False,
                    filed_recorded_on=a.filed_recorded_on or a.filed_on,
                    decided_recorded_on=(a.decided_recorded_on or a.decided_on)
                    if a.result
                    else None,
                )
            )


def clear(database: Database) -> None:
    """Empty the case tables (between Hypothesis examples); agencies stay."""
    with database.transaction() as session:
        for record in (AppealRecord, CaseRecord, ApplicantRecord):
            session.execute(record.__table__.delete())
