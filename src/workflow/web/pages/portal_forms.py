"""What the portal's pages share: the portal's configuration, the form fields of a POST
(with its files), the address limits, the origin check of a page without a session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from workflow.application import Application
from workflow.portal.config import PortalConfig
from workflow.portal.submissions import Upload
from workflow.portal.throttle import wait_needed
from workflow.web.auth import address_of, check_origin


async def posted_form(request: Request) -> AsyncIterator[FormData]:
    """The fields of a posted form, after the origin check: a public page has no session
    whose CSRF token could be checked, so a form from another site is refused by its
    Origin (or Sec-Fetch-Site), and submissions carry their own one-time token. Its
    uploads' temporary files are closed after the response."""
    check_origin(request)
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


PostedForm = Annotated[FormData, Depends(posted_form)]


def portal_config(request: Request) -> PortalConfig:
    config: PortalConfig = request.app.state.portal
    return config


def text_fields(form: FormData) -> dict[str, str]:
    return {name: value for name, value in form.items() if isinstance(value, str)}


def upload(form: FormData, name: str, cap: int) -> Upload | None:
    """The file posted as ``name`` (at most ``cap`` + 1 bytes read), or None."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return Upload(value.filename, value.file.read(cap + 1))


def throttle_message(
    request: Request, application: Application, session: Session, action: str
) -> str | None:
    """What to tell an address that has done ``action`` too often, or None."""
    wait = wait_needed(
        session,
        portal_config(request).limits,
        action,
        address_of(request),
        application.clock.now(),
    )
    return None if wait is None else wait_text(wait)


def wait_text(seconds: int) -> str:
    return f"操作过于频繁，请在{max(1, (seconds + 59) // 60)}分钟后再试"
