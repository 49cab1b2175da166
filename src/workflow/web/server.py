"""Running the service: the store made ready once, then uvicorn with N workers.

Each worker builds its application from the environment (``app_from_environ``), so
``--workers`` needs no shared state in memory: the store is the only one.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass

from fastapi import FastAPI

from workflow.access import audit
from workflow.access.accounts import FIRST_ADMIN, ensure_first_admin
from workflow.application import Application
from workflow.errors import ConfigError
from workflow.scheduling.scheduler import SchedulerOptions
from workflow.settings import Settings
from workflow.web.app import create_app
from workflow.web.worker_loop import runs_on_the_loop

SCHEDULER_ENV = "WORKFLOW_SERVE_SCHEDULER"  # "0": a separate scheduler process runs


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    scheduler: bool = True


def prepare_store(application: Application, *, demo: bool = False) -> list[str]:
    """First start on an empty store: the schema and, while there is no user, an
    administrator of every agency with a one-time password; on any start, the newest
    schema and the release's calendar years in the store (as ``workflow init``). With
    ``demo``, the demo agency, cases and logins instead of that administrator. Returns what
    was done, for the operator."""
    before, after, loaded = application.initialise("serve")  # the release's calendar years too
    done = [] if before == after else [f"schema {before or 'empty'} -> {after}"]
    done += [
        f"calendar {outcome.version.year}: {outcome.note or outcome.action}"
        for outcome in loaded.outcomes
        if outcome.written or outcome.note
    ]
    years = sorted(application.calendar.years)
    done.append(f"calendar years {years[0]}-{years[-1]}" if years else "no calendar years")
    if demo:
        from workflow.web.demo import load_demo

        done += load_demo(application)
    now = application.clock.now()
    with application.database.transaction() as session:
        password = ensure_first_admin(session, now)
        if password is not None:
            audit.record(session, now, "serve", "user_added", user=FIRST_ADMIN, roles=["admin@*"])
    if password is not None:
        done.append(
            f"created the administrator {FIRST_ADMIN!r}; one-time password (shown once, "
            f"change it at the first login): {password}"
        )
    return done


def app_from_environ() -> FastAPI:
    """The application of one worker (uvicorn's factory)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # The state machine library says at INFO that it ran each state's callbacks: four
    # lines a step, no use to an operator, and a step paid for them.
    logging.getLogger("transitions").setLevel(logging.WARNING)
    application = Application(Settings.resolve())
    if runs_on_the_loop(application):
        logging.getLogger(__name__).info("requests run on the worker's event loop (SQLite)")
    scheduler = SchedulerOptions() if os.environ.get(SCHEDULER_ENV, "1") != "0" else None
    return create_app(application, scheduler)


def listener(host: str, port: int) -> socket.socket:
    """The listening socket, made as asyncio makes its own: with ``IPPROTO_TCP``.

    uvicorn binds the socket its workers share with the protocol left at 0; connections
    accepted on it inherit that, asyncio then leaves Nagle's algorithm on, and on Linux every
    keep-alive response after the first waits about 40 ms for the client's delayed ACK
    (uvicorn issue #3149). With the protocol set, each accepted connection gets
    ``TCP_NODELAY``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.set_inheritable(True)
    return sock


def serve(settings: Settings, options: ServeOptions) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    # The workers start from the environment: hand them this process's settings.
    os.environ["WORKFLOW_DB"] = settings.db_url
    if settings.definitions_dir is not None:
        os.environ["WORKFLOW_DEFINITIONS"] = str(settings.definitions_dir)
    if settings.calendars_dir is not None:
        os.environ["WORKFLOW_CALENDARS"] = str(settings.calendars_dir)
    os.environ[SCHEDULER_ENV] = "1" if options.scheduler else "0"
    config = uvicorn.Config(
        "workflow.web.server:app_from_environ",
        factory=True,
        workers=options.workers,
        access_log=False,  # ours logs paths without query strings (personal data)
        # In C, both dependencies: h11 and asyncio's loop cost a call more of the CPU.
        http="httptools",
        loop="uvloop",
        log_level="info",
    )
    sock = listener(options.host, options.port)
    if options.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
