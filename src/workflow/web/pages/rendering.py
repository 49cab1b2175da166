"""Pages from the service's own templates: autoescaped, strict about undefined names,
with the headers every page carries (no framing, nothing from another site, no caching
of pages that may show personal data)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from workflow.web.auth import Caller

PAGE_PREFIXES = ("/console", "/portal")
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"  # served at /static
# Everything a page loads comes from this server; forms post only to it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class PageRedirect(Exception):
    """Send the browser elsewhere (a login, a password still to change) from inside a
    dependency; answered with a 303."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("workflow.web.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def is_page(request: Request) -> bool:
    """A request for a page (answered in HTML), not for the API."""
    path = request.url.path
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PAGE_PREFIXES)


def page(
    request: Request,
    template: str,
    *,
    caller: Caller | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A template rendered for ``caller`` (None on public pages)."""
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            path=request.url.path,
            caller=caller,
            csrf_token=caller.csrf_token if caller is not None else None,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def redirect(location: str) -> RedirectResponse:
    """After a POST, a 303 to the page that shows its result (POST, then redirect)."""
    return RedirectResponse(location, status_code=303, headers=PAGE_HEADERS)


def login_location(request: Request) -> str:
    """The login page, coming back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/console/login?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a page of the console (no open redirect)."""
    if target and target.startswith("/console") and "//" not in target and "\\" not in target:
        return target
    return "/console/"
