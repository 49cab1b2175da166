"""What a route needs from the application, as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from workflow.application import Application


def application_of(request: Request) -> Application:
    application: Application = request.app.state.application
    return application


AppDep = Annotated[Application, Depends(application_of)]
