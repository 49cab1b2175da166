"""What the agency, user, token, calendar, outbox and scheduler routes answer, declared for
the OpenAPI document (as ``answers`` does for the case routes, and checked the same way)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

Roles = Field(description="Grants as `ROLE@AGENCY`, `@*` everywhere, `/*` with the subtree")


class Agency(BaseModel):
    """An agency and its letterhead data (used by its letters)."""

    code: str
    parent: str | None
    name: str
    short_name: str | None
    address: str | None
    postcode: str | None
    phone: str | None
    email: str | None
    seal_text: str | None
    reconsideration_body: str | None = Field(description="Where to apply for 行政复议")
    court: str | None = Field(description="Where to bring 行政诉讼")
    head: str | None
    case_number_pattern: str | None
    letter_number_pattern: str | None


class AgencyList(BaseModel):
    agencies: list[Agency]


class AgencyAdded(BaseModel):
    code: str
    name: str
    parent: str | None


class User(BaseModel):
    name: str
    display_name: str
    agency: str | None
    roles: list[str] = Roles
    disabled: bool
    must_change_password: bool
    second_factor: bool


class UserList(BaseModel):
    users: list[User]


class OneTimePassword(BaseModel):
    name: str
    one_time_password: str = Field(description="Shown once; changed at the first login")


class UserDisabled(BaseModel):
    name: str
    disabled: bool


class TokenGrant(BaseModel):
    role: str
    agency_id: int | None = Field(description="None: every agency")
    subtree: bool


class Token(BaseModel):
    name: str
    grants: list[TokenGrant]
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked: bool
    last_used_at: datetime | None
    roles: list[str] = Roles


class TokenList(BaseModel):
    tokens: list[Token]


class TokenCreated(BaseModel):
    name: str
    token: str = Field(description="The secret, shown once: send it as `Bearer`")
    days: int


class TokenRevoked(BaseModel):
    name: str
    revoked: bool


class Notice(BaseModel):
    title: str | None
    number: str | None = Field(description="Its document number (国办发明电〔…〕…号)")
    date: date | None
    source: str | None


class CalendarYear(BaseModel):
    year: int
    working_days: int
    off_days: int
    makeup_days: int = Field(description="Weekend days made working days (调休上班)")
    origin: str = Field(description="shipped | notice | file")
    source: str
    content_hash: str
    loaded_by: str
    loaded_at: datetime | None
    notices: list[Notice]


class CalendarYears(BaseModel):
    years: list[CalendarYear]


class ClockBefore(BaseModel):
    status: str
    due_on: date | None


class ClockAfter(ClockBefore):
    awaiting_calendar_year: int | None


class ClockMoved(BaseModel):
    case: str
    clock: str
    open: bool
    before: ClockBefore
    after: ClockAfter


class TimerPlanned(BaseModel):
    case: str
    clock: str
    name: str
    due_on: date
    key: str


class CaseFailure(BaseModel):
    case: str
    error: str


class Recomputed(BaseModel):
    """Every case's deadlines counted again with the store's years."""

    as_of: date
    cases_checked: int
    cases_changed: int
    clocks_changed: int
    timers_planned: int
    timers_already_due: int
    timers_redated: int
    timers_restored: int
    timers_superseded: int
    changes: list[ClockMoved]
    timers: list[TimerPlanned]
    failures: list[CaseFailure]


class YearLoaded(BaseModel):
    year: int
    action: str = Field(description="loaded | replaced | corrected | kept")
    note: str | None


class NoticeImported(BaseModel):
    years: list[YearLoaded]
    recompute: Recomputed | None


class DueDateMoved(BaseModel):
    case: str
    clock: str
    before: date | None
    after: date | None
    awaiting_calendar_year: int | None


class CalendarChange(BaseModel):
    year: int
    action: str = Field(description="loaded | replaced | corrected | kept")
    origin: str
    source: str
    previous_hash: str | None
    content_hash: str
    by: str
    at: datetime
    note: str | None
    deadlines: list[DueDateMoved] = Field(
        description="The due dates of the caller's cases it moved"
    )
    hidden: int = Field(description="Due dates moved of cases outside the caller's scope")


class CalendarHistory(BaseModel):
    changes: list[CalendarChange]


class OutboxMessage(BaseModel):
    id: int
    key: str
    kind: str
    case: str | None
    channel: str
    recipient: str
    subject: str
    body: str = Field(description="Identity numbers and phone numbers masked")
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


class Outbox(BaseModel):
    messages: list[OutboxMessage]


class TimerRefused(BaseModel):
    case: str
    timer: str
    reason: str = Field(description="Why the step the timer fires was refused")


class SchedulerRun(BaseModel):
    run: int
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    worker: str | None
    cases: int
    timers_fired: int
    lapses_fired: int
    reminders_queued: int
    dropped: int
    refused: int
    rearmed: int
    collapsed: int
    busy: int
    errors: int
    failures: list[CaseFailure]
    refusals: list[TimerRefused]


class SchedulerRuns(BaseModel):
    runs: list[SchedulerRun]
