"""The FastAPI application: routers, error handlers, the in-process scheduler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workflow.application import Application
from workflow.portal.config import PortalConfig
from workflow.scheduling.scheduler import SchedulerOptions
from workflow.web import (
    admin_routes,
    audit_routes,
    auth_routes,
    bulk_routes,
    cases_routes,
    docs,
    health,
    letters_routes,
    reports_routes,
    service_routes,
)
from workflow.web.errors import install_error_handlers
from workflow.web.pages import (
    admin_pages,
    agency_pages,
    audit_pages,
    bulk_pages,
    calendar_pages,
    case_files_pages,
    case_page,
    deadline_pages,
    intake_page,
    portal_follow,
    portal_pages,
    queue_page,
    report_pages,
    sign_in_pages,
    staff_home,
    submissions_pages,
)
from workflow.web.pages.rendering import STATIC_DIR
from workflow.web.worker_loop import OnTheLoop

API_PREFIX = "/api/v1"
access_log = logging.getLogger("workflow.web.access")


def create_app(
    application: Application,
    scheduler: SchedulerOptions | None = None,
    portal: PortalConfig | None = None,
) -> FastAPI:
    """The service on ``application``; with ``scheduler`` its jobs run in this process
    while the app is up (``workflow serve``), as ``workflow scheduler run`` would; the
    portal's limits and file key come from the environment unless ``portal`` is given."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        running = None
        if scheduler is not None:
            from workflow.scheduling import load_notification_config
            from workflow.scheduling.scheduler import start_background_scheduler

            config = load_notification_config()
            running = start_background_scheduler(application, config, scheduler)
        try:
            yield
        finally:
            if running is not None:
                running.shutdown(wait=True)
            application.close()

    app = FastAPI(
        title="workflow",
        summary="Disclosure-on-request applications (政府信息公开条例, 2019)",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # FastAPI's page loads its assets from a CDN: ours is served below
        redoc_url=None,
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry: off, whatever the environment says (its
        # FASTAPI_OTEL_AUTO_CONFIGURE would send each request's path and query, an
        # applicant's name in a search, to an exporter), and no provider looked up a request.
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.application = application
    app.state.portal = portal if portal is not None else PortalConfig.from_environment()
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(auth_routes.router)
    app.include_router(bulk_routes.router)  # before /cases/{number}: its paths are literal
    app.include_router(cases_routes.router)
    app.include_router(letters_routes.router)
    app.include_router(reports_routes.router)
    app.include_router(service_routes.router)
    app.include_router(audit_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(sign_in_pages.router)
    app.include_router(staff_home.router)
    app.include_router(submissions_pages.router)
    app.include_router(case_files_pages.router)
    app.include_router(portal_pages.root)
    app.include_router(portal_pages.router)
    app.include_router(portal_follow.router)
    app.include_router(queue_page.router)
    app.include_router(case_page.router)
    app.include_router(intake_page.router)
    app.include_router(deadline_pages.router)
    app.include_router(report_pages.router)
    app.include_router(calendar_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(agency_pages.router)
    app.include_router(audit_pages.router)
    app.include_router(bulk_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_middleware(OnTheLoop, application=application)
    app.add_middleware(AccessLog)
    return app


class AccessLog:
    """One line per HTTP request: method, path and status. The path only: query strings
    carry search terms (applicants' names). Plain ASGI: Starlette's ``BaseHTTPMiddleware``
    runs each request in a task of its own with streams between, a cost every call paid."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets when the app fails before it answers

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            access_log.info("%s %s %d", scope["method"], scope["path"], status)
