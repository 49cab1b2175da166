"""``Idempotency-Key`` on unsafe calls: a retry gets the first answer, not a second case.

The key is claimed (one row per caller and key) before the work starts, so two
concurrent retries cannot both run it; the answer is stored with it. The same key with
a different body is refused (422); a key whose first call is still running is a 409.
When the work fails with an error nothing was changed, so the claim is dropped and a
retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, select, update

from workflow.application import Application
from workflow.errors import ConstraintViolation, InvalidInput, RequestInProgress
from workflow.store.access_records import IDEMPOTENCY_KEY, IdempotencyRecord
from workflow.web.auth import Caller

HEADER = "Idempotency-Key"


def idempotent(
    request: Request,
    application: Application,
    caller: Caller,
    body: BaseModel,
    work: Callable[[], tuple[int, Any]],
    *,
    also: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Run ``work`` (status, JSON body) once per key; without a key, simply run it. The
    request a key stands for is its method, path, ``body`` and the values of ``also``."""
    key = request.headers.get(HEADER)
    if key is None:
        status, answer = work()
        return JSONResponse(answer, status_code=status)
    if not 1 <= len(key) <= 200:
        raise InvalidInput(f"an {HEADER} is 1 to 200 characters")
    given = {**(also or {}), **body.model_dump(mode="json")}
    canonical = json.dumps(
        [request.method, request.url.path, given], sort_keys=True, ensure_ascii=False, default=str
    )
    request_hash = hashlib.sha256(canonical.encode()).hexdigest()
    owner = caller.actor
    try:
        with application.database.transaction() as session:
            session.add(
                IdempotencyRecord(
                    owner=owner,
                    key=key,
                    request_hash=request_hash,
                    created_at=application.clock.now(),
                )
            )
    except ConstraintViolation as error:
        if error.constraint != IDEMPOTENCY_KEY:
            raise
        with application.database.reading() as session:
            first = session.scalars(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
                )
            ).one()
        if first.request_hash != request_hash:
            raise InvalidInput(
                f"this {HEADER} was used with a different request; use a new key"
            ) from None
        if first.status_code is None or first.response is None:
            raise RequestInProgress() from None
        answer = JSONResponse(json.loads(first.response), status_code=first.status_code)
        answer.headers["Idempotent-Replayed"] = "true"
        return answer
    where = (IdempotencyRecord.owner == owner, IdempotencyRecord.key == key)
    try:
        status, answer_body = work()
    except Exception:
        with application.database.transaction() as session:
            session.execute(delete(IdempotencyRecord).where(*where))
        raise
    with application.database.transaction() as session:
        session.execute(
            update(IdempotencyRecord)
            .where(*where)
            .values(status_code=status, response=json.dumps(answer_body, ensure_ascii=False))
        )
    return JSONResponse(answer_body, status_code=status)
