"""What the case, bulk and letter routes answer, declared for the OpenAPI document.

The routes send the views' JSON as it is (``CaseView.to_json()``: one shape for the API and
``case show --json``), not through these models, which would cost each answer a
validation; a test reads real answers back through them and requires the same JSON, so the
document cannot drift from what is sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel
from workflow.deadlines import ClockStatus
from workflow.web.errors import ErrorBody


class Applicant(BaseModel):
    name: str
    type: ApplicantType
    contact: str | None = Field(description="Masked for a caller without personal data")


class DefinitionVersion(BaseModel):
    id: str
    version: int


class Deadline(BaseModel):
    """One clock as of the view's date, counted in official working days."""

    clock: str
    label: str | None = Field(description="The definition's name of the clock (答复期限)")
    basis: str | None = Field(description="The article it is counted under")
    due_on: date | None = Field(description="None while paused or awaiting a calendar year")
    status: ClockStatus
    running: bool
    window: bool = Field(description="A period for an optional step: it closes, never overdue")
    remaining_workdays: int
    overdue_workdays: int
    extended_by: int = Field(description="Working days added by an approved extension")
    version: int
    explanation: list[str] = Field(description="How the date was counted, step by step")
    awaiting_calendar_year: int | None = Field(
        description="The year whose calendar is not loaded yet, when the count needs it"
    )


class Event(BaseModel):
    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    occurred_on: date
    recorded_at: datetime = Field(description="In China time, with its offset")
    actor: str
    payload: dict[str, Any] = Field(description="The step's inputs; masked as the applicant is")
    imported: bool


class Appeal(BaseModel):
    kind: AppealKind
    filed_on: date
    result: AppealResult | None
    decided_on: date | None


class Case(BaseModel):
    """A case as of a date: state, deadlines with explanations, history, allowed triggers."""

    number: str
    agency: str
    agency_name: str
    applicant: Applicant
    channel: Channel
    received_on: date
    arrived_on: date | None = Field(description="Ordinary post, fax, internet (Art. 31)")
    warnings: list[str]
    request: str
    handler: str | None
    state: str
    state_label: str
    open: bool
    outcome: str | None
    closed_on: date | None
    definition: DefinitionVersion
    version: int = Field(description="What `expect_version` of a step compares with")
    as_of: date
    deadlines: dict[str, Deadline] = Field(description="By clock")
    allowed_triggers: list[str]
    events: list[Event]
    appeals: list[Appeal]


class CaseRow(BaseModel):
    number: str
    agency: str
    applicant: str
    handler: str | None
    received_on: date
    state: str
    state_label: str
    open: bool
    outcome: str | None
    next_due: Deadline | None = Field(description="The most urgent running deadline")


class CaseList(BaseModel):
    as_of: date
    cases: list[CaseRow]


class Fired(BaseModel):
    """A step taken: the event it appended and the case's new version."""

    number: str
    trigger: str
    from_state: str
    to_state: str
    outcome: str | None
    event: int = Field(description="The event's number in the case's history")
    version: int
    warnings: list[str]


class Refused(BaseModel):
    """A case of a bulk step that the step refuses, with the error firing raises."""

    case: str
    accepted: Literal[False]
    error: ErrorBody


class WouldFire(BaseModel):
    """A case of a bulk preview that the step would move (nothing was changed)."""

    case: str
    accepted: Literal[True]
    version: int = Field(description="The version the preview saw")
    from_state: str
    to_state: str
    outcome: str | None
    warnings: list[str]


class BulkPreview(BaseModel):
    trigger: str
    results: list[WouldFire | Refused] = Field(description="Each case once, in the order given")


class FiredInBulk(Fired):
    case: str
    accepted: Literal[True]


class BulkFired(BaseModel):
    batch: str = Field(description="On every audit entry of this bulk step")
    trigger: str
    results: list[FiredInBulk | Refused] = Field(description="Each case once, in the order given")


class StoredDocument(BaseModel):
    sha256: str
    bytes: int


class Letter(BaseModel):
    """A letter as issued and archived: the same bytes on every download."""

    number: str = Field(description="Its number (文号)")
    kind: str = Field(description="The definition's name of the letter")
    event: int = Field(description="The step that issued it, by its number in the history")
    trigger: str
    issued_on: date
    template: str
    template_version: str
    reissue_of: str | None = Field(description="The number of the letter this one re-issues")
    documents: dict[str, StoredDocument] = Field(description="By format, as stored")
    formats: list[str] = Field(description="The formats stored")


class LetterList(BaseModel):
    case: str
    letters: list[Letter]
