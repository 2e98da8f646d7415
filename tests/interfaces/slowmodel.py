"""A fake OpenAI-compatible endpoint that answers slowly: one chunk, then a long pause.

It lets a test press Ctrl-C while a turn is really waiting on the model. The replies are
hand-written (like the cassettes), never model output.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST_WORDS = "Invoices need a header table and a lines table"


def _chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
    body = {"id": "s1", "object": "chat.completion.chunk", "created": 1, "model": "slow-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


class _Slow(BaseHTTPRequestHandler):
    pause = 45.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            self.wfile.write(_chunk({"role": "assistant", "content": FIRST_WORDS}))
            self.wfile.flush()
            deadline = time.monotonic() + self.pause
            while time.monotonic() < deadline:  # the user presses Ctrl-C meanwhile
                time.sleep(0.1)
            self.wfile.write(_chunk({"content": "."}, "stop") + b"data: [DONE]\n\n")
        except OSError:
            pass  # the client went away: what cancelling looks like from here

    def log_message(self, *args: object) -> None:
        return


@contextmanager
def slow_model() -> Iterator[str]:
    """Serve on a free local port; yield the base URL (``http://127.0.0.1:PORT/v1``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
