"""What a route needs from the application, as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from workflow.application import Application


async def application_of(request: Request) -> Application:
    # A coroutine, as every dependency that does no I/O: FastAPI runs a plain function in
    # its thread pool, a hand-over to a worker thread and back for each one.
    application: Application = request.app.state.application
    return application


AppDep = Annotated[Application, Depends(application_of)]
