"""Pages in a real browser: the service on a real store, served by uvicorn on a free
loopback port in a thread of the test process (so the test moves its fixed clock), and
Debian's headless Chromium driven by Playwright (its own browser download cannot run
here). Every page a test opens may request nothing but this server: a request anywhere
else is refused and fails the test. Screenshots go to ``WORKFLOW_SCREENSHOTS`` (default
``out/screenshots``)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from playwright.sync_api import Request as BrowserRequest

from tests.letters.conftest import program
from tests.stores import STORES, TEST_PASSWORD, TestApplication, add_staff, make_app, store_url
from workflow.clock import FixedClock
from workflow.web import create_app

PASSWORD = TEST_PASSWORD
SCREENSHOTS = Path(os.environ.get("WORKFLOW_SCREENSHOTS", "out/screenshots"))


@dataclass
class LiveService:
    """The service at ``base_url``, and the application behind it for arranging data."""

    application: TestApplication
    base_url: str

    @property
    def clock(self) -> FixedClock:
        assert isinstance(self.application.clock, FixedClock)
        return self.application.clock

    def user(self, name: str, *roles: str, agency: str | None = "zbgd") -> str:
        """A user with a chosen password (no one-time password to change)."""
        return add_staff(self.application, name, *roles, agency=agency)

    def advance(self, days: int) -> None:
        self.clock.set(self.clock.today() + timedelta(days=days))


@contextmanager
def _serve(application: TestApplication) -> Iterator[str]:
    config = uvicorn.Config(
        create_app(application), host="127.0.0.1", port=0, log_level="warning",
        access_log=False, lifespan="on",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(params=STORES)
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveService]:
    """The service on SQLite and on PostgreSQL, clock fixed at 2026-11-26."""
    with store_url(str(request.param), tmp_path) as url:
        application = make_app(url)
        with _serve(application) as base_url:
            yield LiveService(application, base_url)


@pytest.fixture
def live_sqlite(tmp_path: Path) -> Iterator[LiveService]:
    application = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    with _serve(application) as base_url:
        yield LiveService(application, base_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = program("chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        print(f"\nbrowser: Chromium {launched.version} via Playwright")
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Browsing:
    """Browser contexts (each its own cookies: one per person) on one live service,
    every request outside the service refused and remembered."""

    browser: Browser
    live: LiveService
    outside: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def new_page(self) -> Page:
        context = self.browser.new_context(
            base_url=self.live.base_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.route("**/*", self._only_the_service)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        return context.new_page()

    def _only_the_service(self, route: Route, request: BrowserRequest) -> None:
        if request.url.startswith(self.live.base_url + "/") or request.url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(request.url)
            route.abort()

    def log_in(self, name: str, password: str = PASSWORD) -> Page:
        """A new browser (its own cookies) logged in to the console as ``name``."""
        page = self.new_page()
        page.goto("/console/login")
        page.get_by_label("用户名").fill(name)
        page.get_by_label("密码", exact=True).fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@contextmanager
def _browsing(browser: Browser, live: LiveService) -> Iterator[Browsing]:
    session = Browsing(browser, live)
    try:
        yield session
    finally:
        session.close()
    assert not session.outside, f"pages requested addresses outside the service: {session.outside}"


@pytest.fixture
def browsing(browser: Browser, live: LiveService) -> Iterator[Browsing]:
    """Browsers on the service, on both stores."""
    with _browsing(browser, live) as session:
        yield session


@pytest.fixture
def browsing_sqlite(browser: Browser, live_sqlite: LiveService) -> Iterator[Browsing]:
    with _browsing(browser, live_sqlite) as session:
        yield session


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot kept as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(params=STORES)
def browsing_letters(
    request: pytest.FixtureRequest, tmp_path: Path, browser: Browser
) -> Iterator[Browsing]:
    """Browsers on a service that issues and archives letters (the portal hands them
    out), on both stores; ``indirect`` parametrisation picks one."""
    with store_url(str(request.param), tmp_path) as url:
        application = make_app(url, letters=True)
        with (
            _serve(application) as base_url,
            _browsing(browser, LiveService(application, base_url)) as session,
        ):
            yield session
