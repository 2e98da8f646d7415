"""Run a turn's event stream in a worker thread so that Ctrl-C always reaches the REPL.

LangGraph runs a node (the model call) in its own worker thread and the caller waits on a
lock; a SIGINT delivered while the process sits in such waits is handled only when the wait
ends, i.e. when the model answers. Here the main thread only polls a queue, so Ctrl-C cancels
within a tenth of a second. A cancelled stream is closed at its next event; its daemon thread
never keeps the process alive, and the next turn waits for it (interruptibly) so that two runs
never share a conversation thread.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

POLL_SECONDS = 0.1


class Pump:
    def __init__(self, start: Callable[[], Iterable[Any]]) -> None:
        self._start = start
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.cancelled = threading.Event()
        self.thread = threading.Thread(target=self._run, name="dbarch-turn", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        stream: Any = None
        try:
            stream = self._start()
            for event in stream:
                if self.cancelled.is_set():
                    break
                self._queue.put(("event", event))
            self._queue.put(("done", None))
        except BaseException as exc:  # handed to the main thread, which decides
            self._queue.put(("error", exc))
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                # closing a cancelled graph run: whatever it raises, nobody waits for it
                with contextlib.suppress(Exception):
                    close()

    def events(self) -> Iterator[Any]:
        """The stream's events in the calling thread; re-raises the stream's exception."""
        while True:
            try:
                kind, item = self._queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if kind == "event":
                yield item
            elif kind == "error":
                raise item
            else:
                return

    def cancel(self) -> None:
        self.cancelled.set()

    def wait(self) -> None:
        """Wait for the worker to finish (Ctrl-C interrupts the wait, not the worker)."""
        while self.thread.is_alive():
            self.thread.join(POLL_SECONDS)
