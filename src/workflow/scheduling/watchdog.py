"""A bound on the whole of one delivery, not on each read.

A socket timeout bounds each operation: a receiver that trickles a byte every
second never trips it and holds the delivery for as long as it likes. The
watchdog is started before connecting; when the delivery's time is up it shuts
the connection's socket down, which ends any read or write blocked on it, and
the channel reports the delivery as timed out.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType


class Watchdog:
    """``with Watchdog(seconds, lambda: connection.sock) as dog: ...``; then ``dog.expired``."""

    def __init__(self, seconds: float, current_socket: Callable[[], socket.socket | None]) -> None:
        self.seconds = seconds
        self._current_socket = current_socket
        self._fired = threading.Event()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        return self._fired.is_set()

    def _expire(self) -> None:
        self._fired.set()
        sock = self._current_socket()
        if sock is not None:
            with suppress(OSError):  # already closed: nothing left to end
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()
