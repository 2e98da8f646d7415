"""A client-side backstop for the server's statement timeout.

The server's ``statement_timeout`` ends a hung step. A step can turn that timeout off
(``SET statement_timeout = 0``), so one thread per run watches the step in flight and cancels
it (``cancel_safe``) when it outlives the timeout plus a grace period.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import psycopg


class Watchdog:
    def __init__(self, *, grace_s: float) -> None:
        self.grace_s = grace_s
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._conn: psycopg.Connection[Any] | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    def arm(self, conn: psycopg.Connection[Any]) -> None:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="dbarch-reqtest-watchdog", daemon=True)
                self._thread.start()
            self._conn = conn
            self._deadline = time.monotonic() + self.grace_s
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:  # waits for a cancel in progress: it never reaches the next statement
            self._deadline = None
            self._conn = None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                conn, self._deadline, self._conn = self._conn, None, None
                if conn is not None:
                    with contextlib.suppress(psycopg.Error):
                        conn.cancel_safe(timeout=5)
