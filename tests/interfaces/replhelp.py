"""Drive the real REPL through prompt_toolkit's pipe input; collect what rich printed."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

ENTER = "\r"
ALT_ENTER = "\x1b\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


@dataclass
class Run:
    out: str
    code: int
    home: Path

    def history(self) -> list[str]:
        """Entries of the history file, oldest first (prompt_toolkit's FileHistory format)."""
        path = self.home / "history"
        entries: list[list[str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                entries.append([])
            elif line.startswith("+") and entries:
                entries[-1].append(line[1:])
        return ["\n".join(e) for e in entries]


def drive(keys: str, *, home: Path, workspace: Path, environ: Mapping[str, str] | None = None,
          **kwargs: Any) -> Run:
    """Type ``keys`` into ``dbarch chat`` and return its output.

    Ctrl-C then Ctrl-D end the input, so a message left incomplete cannot hang the test.
    """
    from dbarch.agent.repl.loop import run_repl

    buf = io.StringIO()
    console = Console(file=buf, width=120, force_terminal=False, color_system=None, highlight=False)
    with create_pipe_input() as pipe:
        pipe.send_text(keys + CTRL_C + CTRL_D)
        code = run_repl(workspace=str(workspace), home=home, console=console,
                        environ=dict(environ or {}), warm=False, input=pipe, output=DummyOutput(),
                        **kwargs)
    return Run(buf.getvalue(), code, home)
