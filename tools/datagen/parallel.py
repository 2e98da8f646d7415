"""Extra connections for the load: the server does the work, so two sessions use two cores.

:class:`Workers` holds a few autocommit connections to the same database, each used by one
thread at a time (psycopg releases the GIL while the server works). The load uses them for
chunks of a large table's INSERT and for rebuilding indexes and validating foreign keys while
the next table loads. When no extra connection can be opened (a DSN whose password psycopg
does not echo back, a server at its connection limit), every task runs inline on the main
connection, so the result is the same, only slower.
"""

from __future__ import annotations

import contextlib
import os
import queue
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import psycopg

T = TypeVar("T")
Task = Callable[[psycopg.Connection[Any]], T]


def default_workers() -> int:
    """Two sessions per core is wasteful on a small machine; one per core, 2 to 4."""
    return max(2, min(4, os.cpu_count() or 2))


class Workers:
    """A pool of ``size`` connections opened from ``dsn`` (inline on ``main`` when size is 0)."""

    def __init__(self, main: psycopg.Connection[Any], dsn: str | None, size: int, *,
                 setup: tuple[str, ...] = ()) -> None:
        self.main = main
        self._conns: list[psycopg.Connection[Any]] = []
        self._free: queue.SimpleQueue[psycopg.Connection[Any]] = queue.SimpleQueue()
        if size > 0:
            target = dsn or main.info.dsn
            try:
                for _ in range(size):
                    conn = psycopg.connect(target, autocommit=True, connect_timeout=10)
                    self._conns.append(conn)
                    for statement in setup:
                        conn.execute(statement)
            except psycopg.Error:
                pass  # fewer (or no) workers: tasks run with what opened
        for conn in self._conns:
            self._free.put(conn)
        self._pool = ThreadPoolExecutor(max_workers=len(self._conns)) if self._conns else None

    @property
    def size(self) -> int:
        return len(self._conns)

    def submit(self, task: Task[T]) -> Future[T]:
        """Run ``task(conn)`` on a free connection (inline on the main one without workers)."""
        if self._pool is None:
            done: Future[T] = Future()
            try:
                done.set_result(task(self.main))
            except BaseException as exc:  # handed to the caller through the future
                done.set_exception(exc)
            return done
        return self._pool.submit(self._run, task)

    def _run(self, task: Task[T]) -> T:
        conn = self._free.get()
        try:
            return task(conn)
        finally:
            self._free.put(conn)

    def cancel(self) -> None:
        """Cancel what every worker connection is running on the server (Ctrl-C)."""
        for conn in self._conns:
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=2.0)

    def close(self, *, cancel: bool = False) -> None:
        if cancel:
            self.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
        for conn in self._conns:
            conn.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # on an exception (Ctrl-C above all) the server statements are cancelled, not awaited
        self.close(cancel=kind is not None)
