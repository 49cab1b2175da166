"""On SQLite a worker runs its requests' work on its event loop, one request at a time.

FastAPI hands a plain route (and Starlette a file's ``stat``, a plain iterator's next
chunk) to anyio's thread pool, so that the loop goes on serving while the work waits. The
work of a worker on SQLite waits for nothing but its core: the store is a file on the same
machine, written by one writer at a time. The pool's threads then only contend for the
interpreter lock: the driver releases it around each of a request's twenty-odd statements,
the loop thread takes it to read the next requests, and the request's thread waits to
have it back. Served on the loop, in turns with the pool on one store of 100,000 cases
(``bench api_cost``, 8 clients, 2026-12-03): openings 189 → 233/s and 3.40 → 2.40 ms of the
server's CPU a request, steps 179 → 223/s and 3.75 → 2.70 ms; a server alone then took
307 openings a second.

So the service on SQLite runs that work inline, as a synchronous worker does: a
request holds its worker until it ends (a PDF's first rendering, some 130 ms; a wait for
another process's write lock, up to the store's lock wait), and ``--workers N`` serves N
at once. What is long and not the store's asks for a thread (``in_a_thread``): a login's
or a password change's argon2, 100-200 ms here. A worker on PostgreSQL keeps the
pool: its requests wait on the network, and inline they were no faster (turns on 10,000
cases: openings 37 → 39/s, steps 42 → 39/s).

anyio has no setting for this, and FastAPI and Starlette call ``anyio.to_thread.run_sync``
themselves: the function is replaced, once, by one that runs the work inline for a request
of an app on SQLite (``OnTheLoop`` marks them) and hands any other call to the pool as
before, so apps on either store, and the scheduler's threads, can share a process.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar, TypeVarTuple, Unpack

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from workflow.application import Application

Result = TypeVar("Result")
Arguments = TypeVarTuple("Arguments")

_on_the_loop: ContextVar[bool] = ContextVar("work_on_the_loop", default=False)
_in_the_pool = anyio.to_thread.run_sync


async def _run_sync(
    function: Callable[[Unpack[Arguments]], Result],
    *args: *Arguments,
    abandon_on_cancel: bool = False,
    cancellable: bool | None = None,
    limiter: CapacityLimiter | None = None,
) -> Result:
    """``anyio.to_thread.run_sync``, inline within a request ``OnTheLoop`` marks."""
    if _on_the_loop.get():
        return function(*args)
    return await _in_the_pool(
        function,
        *args,
        abandon_on_cancel=abandon_on_cancel,
        cancellable=cancellable,
        limiter=limiter,
    )


async def in_a_thread(function: Callable[[Unpack[Arguments]], Result], *args: *Arguments) -> Result:
    """``function`` in anyio's thread pool, within a request on the loop too: for work
    that is long and mostly not the store's (a login's argon2 check, which releases the
    interpreter lock), so that the worker's other requests go on meanwhile."""
    return await _in_the_pool(function, *args)


def runs_on_the_loop(application: Application) -> bool:
    """Whether an app on ``application`` runs its requests' work on the event loop."""
    return application.database.is_sqlite


class OnTheLoop:
    """ASGI middleware: an app on SQLite runs its requests' work on the event loop.
    Starlette builds it at the first request, so the store is opened then, not sooner."""

    def __init__(self, app: ASGIApp, application: Application) -> None:
        self.app = app
        self.here = runs_on_the_loop(application)
        if self.here:
            # The two signatures are the same; mypy does not unify two TypeVarTuple generics.
            anyio.to_thread.run_sync = _run_sync  # type: ignore[assignment]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        marked = _on_the_loop.set(self.here and scope["type"] == "http")
        try:
            await self.app(scope, receive, send)
        finally:
            _on_the_loop.reset(marked)
