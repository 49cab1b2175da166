"""The API's request bodies. Responses are the views the command line prints as JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workflow.letters.render import Format
from workflow.lifecycle import StepInput

Text = Field(default=None, max_length=2000)
LETTER_FORMAT = "^(" + "|".join(fmt.value for fmt in Format) + ")$"
Name = Field(default=None, max_length=200)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not ignored


class NewCaseBody(Body):
    agency: str = Field(max_length=64)
    applicant: str = Field(min_length=1, max_length=200)
    applicant_type: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    received_on: date
    request: str = Field(min_length=1, max_length=10_000)
    contact: str | None = Field(default=None, max_length=300)
    handler: str | None = Field(default=None, max_length=100)
    arrived_on: date | None = Field(
        default=None, description="Ordinary post, fax, internet: the day it arrived (Art. 31)"
    )
    unassigned: bool = Field(default=False, description="No handler until one takes it")
    identity_kind: str | None = Field(
        default=None, max_length=32, description="resident_id (居民身份证号) or credit_code"
    )
    identity_number: str | None = Field(
        default=None, max_length=32, description="Checked by its checksum (GB 11643, GB 32100)"
    )
    provision_form: str | None = Field(default=None, max_length=32, description="paper, electronic")
    provision_way: str | None = Field(
        default=None, max_length=32, description="post, email, collect, inspect, online"
    )


class StepFields(Body):
    """A step's inputs, as ``case fire`` takes them; ``on`` defaults to today."""

    on: date | None = None
    outcome: str | None = Field(default=None, max_length=64)
    reason: str | None = Text
    days: int | None = Field(default=None, ge=1, le=366)
    until: date | None = None
    amount: Decimal | None = Field(default=None, ge=0, le=1_000_000, decimal_places=2)
    party: str | None = Name
    contact: str | None = Field(default=None, max_length=300)
    approver: str | None = Field(default=None, max_length=100)
    access: str | None = Text
    note: str | None = Text
    kind: str | None = Field(default=None, max_length=64)
    result: str | None = Field(default=None, max_length=32)
    objection: str | None = Text
    ground: str | None = Field(default=None, max_length=64)
    responsible_unknown: bool | None = None

    def step(self, today: date, by: str) -> StepInput:
        values: dict[str, Any] = self.model_dump(include=_STEP_NAMES)
        return StepInput(on=self.on or today, by=by, **values)


_STEP_NAMES = set(StepFields.model_fields) - {"on"}  # StepFields' own, not a subclass's


class FireBody(StepFields):
    trigger: str = Field(max_length=64)
    expect_version: int | None = Field(
        default=None, ge=1, description="Refused with 409 when the case has another version"
    )


class BulkFireBody(StepFields):
    trigger: str = Field(max_length=64)
    cases: list[str] = Field(min_length=1, max_length=500)


class PreviewLetterBody(StepFields):
    trigger: str = Field(max_length=64)
    format: str = Field(default="pdf", pattern=LETTER_FORMAT)
    letter: str | None = Field(default=None, max_length=64, description="Which letter kind")


class NewAgencyBody(Body):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    parent: str | None = Field(default=None, max_length=64)
    short_name: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=16)
    phone: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=200)
    seal_text: str | None = Field(default=None, max_length=200)
    reconsideration_body: str | None = Field(default=None, max_length=200)
    court: str | None = Field(default=None, max_length=200)
    head: str | None = Field(default=None, max_length=100)
