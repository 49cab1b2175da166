"""``GET /health`` for load balancers: 200 when the service can do its work, else 503."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select, text

from workflow.errors import StoreBusy, StoreUnavailable, WorkflowError
from workflow.store import schema
from workflow.store.records import SweepRunRecord
from workflow.web.dependencies import AppDep

router = APIRouter()


class Health(BaseModel):
    status: str  # ok | unavailable
    store: bool
    migrations_current: bool
    revision: str | None
    calendar_years: list[int]
    calendar_covers_today: bool
    last_sweep_at: datetime | None  # in China time, with its offset
    problems: list[str]


@router.get(
    "/health",
    operation_id="health",
    tags=["service"],
    response_model=Health,
    responses={503: {"model": Health, "description": "The service cannot do its work"}},
)
def health(application: AppDep) -> JSONResponse:
    """Store reachable, migrations current, calendar years loaded, last sweep time."""
    problems: list[str] = []
    store, revision, last_sweep = False, None, None
    try:
        with application.database.reading() as session:
            session.execute(text("SELECT 1"))
            store = True
            revision = schema.current_revision(application.database)
            last = session.scalars(
                select(SweepRunRecord.finished_at)
                .where(SweepRunRecord.finished_at.is_not(None))
                .order_by(SweepRunRecord.id.desc())
                .limit(1)
            ).first()
            last_sweep = last
    except (StoreUnavailable, StoreBusy) as error:
        problems.append(f"store: {error}")
    current = store and revision == schema.head_revision()
    if store and not current:
        problems.append(f"store at revision {revision}, code at {schema.head_revision()}")
    years: list[int] = []
    covers = False
    try:
        calendar = application.calendar
        years = sorted(calendar.years)
        covers = calendar.covers(application.clock.today())
    except WorkflowError as error:
        problems.append(f"calendar: {error}")
    if not covers:
        problems.append(f"no calendar loaded for {application.clock.today().year}")
    body: dict[str, Any] = Health(
        status="ok" if not problems else "unavailable",
        store=store,
        migrations_current=current,
        revision=revision,
        calendar_years=years,
        calendar_covers_today=covers,
        last_sweep_at=last_sweep,
        problems=problems,
    ).model_dump(mode="json")
    return JSONResponse(body, status_code=200 if not problems else 503)
