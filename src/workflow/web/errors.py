"""Errors as HTTP answers, in one place: ``{"error": {"code", "message", "details"}}``.

The project's error classes map to statuses here and nowhere else, so a change to the
error tree is one edit. Nothing a request does shows a traceback: an unexpected failure
is logged on the server and answered with a bare 500.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from workflow.errors import (
    CalendarNotPublished,
    CaseNotFound,
    ConfigError,
    ConstraintViolation,
    CorruptData,
    Forbidden,
    ImportRejected,
    InvalidInput,
    LetterError,
    MissingInputs,
    NotAuthenticated,
    NoticeParseError,
    RequestInProgress,
    StaleCase,
    StoreBusy,
    StoreUnavailable,
    Throttled,
    TransitionRejected,
    WorkflowError,
)
from workflow.store.database import store_error
from workflow.web.pages.error_pages import error_page
from workflow.web.pages.rendering import PageRedirect, is_page, redirect

log = logging.getLogger("workflow.web")

# Most specific first: the first class an error is an instance of decides.
STATUSES: tuple[tuple[type[WorkflowError], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (Throttled, 429),
    (CaseNotFound, 404),
    (StaleCase, 409),
    (RequestInProgress, 409),
    (TransitionRejected, 409),
    (ConstraintViolation, 409),
    (ImportRejected, 422),
    (LetterError, 422),
    (InvalidInput, 422),
    (CalendarNotPublished, 422),  # a date the caller gave, in a year not loaded yet
    (StoreBusy, 503),
    (StoreUnavailable, 503),
    (ConfigError, 500),  # the deployment's definitions and settings, not the caller's input
    (CorruptData, 500),
)


class ApiError(Exception):
    """An answer a route decides itself (not found in scope, forbidden, throttled)."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class ErrorResponse(BaseModel):
    """Every error the API returns has this shape."""

    error: ErrorBody


DESCRIPTIONS = {
    401: "Not logged in, or the API token is unknown, expired or revoked",
    403: "The caller's roles do not allow this here, or the CSRF token or Origin is wrong",
    404: "No such case, letter or record in the caller's agencies",
    409: "The trigger is not allowed in the case's state (the allowed ones are named), "
    "or the case changed since the version given (the current one is given)",
    422: "Bad or missing input, or a condition of the step refused it: every problem is listed",
    429: "Too many failed logins; retry after the seconds given",
    503: "The store cannot be used right now",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error statuses a route can answer, for its OpenAPI entry. Every route here
    needs a caller (401; 403 while a one-time password or a second factor is owed, or a
    CSRF token is missing) and the store (503)."""
    return {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
        for status in sorted({401, 403, 503, *statuses})
    }


def status_of(error: WorkflowError) -> int:
    if isinstance(error, TransitionRejected) and error.reasons:
        return 422  # allowed here, but its inputs or the law's conditions refuse it
    for kind, status in STATUSES:
        if isinstance(error, kind):
            return status
    return 422


def code_of(error: Exception) -> str:
    """``StaleCase`` -> ``stale_case``: stable, from the class name."""
    if isinstance(error, TransitionRejected):
        return "step_refused" if error.reasons else "trigger_not_allowed"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def details_of(error: WorkflowError) -> dict[str, Any]:
    if isinstance(error, TransitionRejected):
        details: dict[str, Any] = {
            "case": error.case,
            "trigger": error.trigger,
            "state": error.state,
            "allowed_triggers": list(error.allowed),
            "reasons": list(error.reasons),
        }
        if isinstance(error, MissingInputs):  # every input the step and its letters lack
            details["missing"] = [
                {"fields": list(needed.options), "what": needed.what, "why": needed.why}
                for needed in error.missing
            ]
        return details
    if isinstance(error, StaleCase):
        return {"case": error.case, "current_version": error.current_version}
    if isinstance(error, Throttled):
        return {"retry_after": error.retry_after}
    if isinstance(error, CaseNotFound):
        return {"case": error.number}
    if isinstance(error, NoticeParseError):
        return {"sentence": error.sentence, "problem": error.problem}
    if isinstance(error, ImportRejected):
        return {
            "problems": [
                {"row": row, "field": field, "problem": problem}
                for row, field, problem in error.problems
            ]
        }
    return {}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status)


def answer(
    request: Request, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    """The API's JSON error, or on a page the same error as a page."""
    if is_page(request):
        return error_page(request, status, message)
    return error_response(status, code, message, details)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PageRedirect)
    def _redirect(_request: Request, error: PageRedirect) -> Response:
        return redirect(error.location)

    @app.exception_handler(ApiError)
    def _api_error(request: Request, error: ApiError) -> Response:
        return answer(request, error.status, error.code, error.message, error.details)

    @app.exception_handler(WorkflowError)
    def _workflow_error(request: Request, error: WorkflowError) -> Response:
        status = status_of(error)
        if status >= 500:
            log.error("deployment error: %s", error)
        response = answer(request, status, code_of(error), str(error), details_of(error))
        if isinstance(error, Throttled):
            response.headers["Retry-After"] = str(error.retry_after)
        if isinstance(error, NotAuthenticated):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, error: RequestValidationError) -> Response:
        # Every bad or missing field at once, each with where it is and why.
        problems = [
            {
                "field": ".".join(str(part) for part in problem["loc"]),
                "problem": problem["msg"],
            }
            for problem in error.errors()
        ]
        fields = ", ".join(problem["field"] for problem in problems)
        return answer(
            request, 422, "invalid_input", f"invalid request: {fields}", {"problems": problems}
        )

    @app.exception_handler(HTTPException)
    def _http(request: Request, error: HTTPException) -> Response:
        if error.status_code == 400:  # a body that is not JSON: bad input, as every other
            message = f"invalid request body: {error.detail}"
            return answer(request, 422, "invalid_input", message)
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        response = answer(request, error.status_code, code, str(error.detail))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(DBAPIError)
    def _store(request: Request, error: DBAPIError) -> Response:
        log.error("store error: %s", store_error(error))
        return answer(request, 503, "store_unavailable", "the store cannot be used right now")

    @app.exception_handler(Exception)
    def _unexpected(request: Request, error: Exception) -> Response:
        log.error("unexpected error", exc_info=error)
        return answer(request, 500, "internal_error", "internal error; it has been logged")
