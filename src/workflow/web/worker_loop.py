"""On SQLite a worker runs its requests' work on its event loop, one request at a time.

FastAPI hands a plain route (and Starlette a file's ``stat``, a plain iterator's next
chunk) to anyio's thread pool, so that the loop goes on serving while the work waits. The
work of a worker on SQLite waits for nothing but its core: the store is a file on the same
machine, written by one writer at a time. The pool's threads then only contend for the
interpreter lock: the driver releases it around each of a request's twenty-odd statements,
the loop thread takes it to read the next requests, and the request's thread waits to
have it back. Served on the loop, in turns with the pool on one store of 20,000 cases
(8 clients, 2026-12-03, the machine in its slow phase): openings 86 → 118/s and 9.7 → 6.3
ms of the server's CPU a request, steps 80 → 106/s and 10.3 → 7.2 ms.

So ``workflow serve`` on SQLite runs that work inline, as a synchronous worker does: a
request holds its worker until it ends (a login's password check, 100-200 ms of argon2; a
PDF's first rendering, some 130 ms; a wait for another process's write lock, up to the
store's lock wait), and ``--workers N`` serves N at once. A worker on PostgreSQL keeps the
pool: its requests wait on the network, and inline they were no faster (turns on 10,000
cases: openings 37 → 39/s, steps 42 → 39/s).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, TypeVarTuple, Unpack

import anyio.to_thread
from anyio import CapacityLimiter

Result = TypeVar("Result")
Arguments = TypeVarTuple("Arguments")


async def _inline(
    function: Callable[[Unpack[Arguments]], Result],
    *args: *Arguments,
    abandon_on_cancel: bool = False,
    cancellable: bool | None = None,
    limiter: CapacityLimiter | None = None,
) -> Result:
    """``anyio.to_thread.run_sync`` without the thread: its options are about the thread
    (when to give up waiting for it, how many may run) and mean nothing here."""
    return function(*args)


def run_work_on_the_loop() -> None:
    """From now on this process runs what it would hand to anyio's thread pool inline.
    For the worker process of ``workflow serve`` on SQLite only: it changes anyio's
    function for the whole process."""
    # The two signatures are the same; mypy does not unify two TypeVarTuple generics.
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
