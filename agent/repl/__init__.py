"""``dbarch chat``: the terminal REPL (prompt_toolkit for input, rich for output).

Modules: :mod:`.registry` (the slash-command table: help, completion and ``docs/repl.md`` come
from it), :mod:`.state` (one session's state), :mod:`.prompt` (keys, completion, history),
:mod:`.turn` (one agent turn, streamed), :mod:`.loop` (read, dispatch, never die).
Importing this package is cheap; :func:`run_repl` imports the rest.
"""

from __future__ import annotations

from typing import Any


def run_repl(**kwargs: Any) -> int:
    """Start the REPL (see :func:`dbarch.agent.repl.loop.run_repl`)."""
    from dbarch.agent.repl.loop import run_repl as run

    return run(**kwargs)


__all__ = ["run_repl"]
