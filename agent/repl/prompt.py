"""The prompt_toolkit session: keys, SQL highlighting, completion and the history file.

Enter sends a complete message. A message is incomplete (Enter adds a line) while a Markdown
code fence is open, when it ends with a backslash, or when it starts like SQL (``CREATE``,
``SELECT``...) and does not end with ``;`` yet, as in psql. Alt-Enter (or Esc then Enter) always
adds a line. Pasted text (bracketed paste) is inserted as it is, newlines included.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.lexers import PygmentsLexer
from pygments.lexers.sql import PostgresLexer

from dbarch.agent.repl.complete import ReplCompleter

if TYPE_CHECKING:
    from dbarch.agent.repl.state import ReplState

HISTORY = "history"
_SQL_START = re.compile(
    r"^\s*(create|alter|drop|select|insert|update|delete|with|explain|grant|revoke|comment|begin)\b",
    re.IGNORECASE,
)


def is_complete(text: str) -> bool:
    """Whether Enter should send ``text`` (see the module docstring)."""
    stripped = text.strip()
    if not stripped or (stripped.startswith("/") and "\n" not in stripped):
        return True
    if sum(1 for line in text.splitlines() if line.lstrip().startswith("```")) % 2:
        return False
    if stripped.endswith("\\"):
        return False
    return not (_SQL_START.match(stripped) and not stripped.endswith(";"))


def key_bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        if buf.complete_state is not None and buf.complete_state.current_completion is not None:
            buf.apply_completion(buf.complete_state.current_completion)
            return
        if is_complete(buf.text):
            buf.validate_and_handle()
        else:
            buf.insert_text("\n")

    @kb.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return kb


def make_session(state: ReplState, **io: Any) -> PromptSession[str]:
    """The session; ``io`` passes ``input``/``output`` (tests use a pipe and DummyOutput)."""
    state.home.mkdir(parents=True, exist_ok=True)
    return PromptSession(
        history=FileHistory(str(Path(state.home) / HISTORY)),
        lexer=PygmentsLexer(PostgresLexer),
        completer=ReplCompleter(state),
        complete_while_typing=False,
        key_bindings=key_bindings(),
        multiline=True,
        prompt_continuation=lambda width, line, wrap: "." * (width - 1) + " ",
        enable_history_search=False,
        **io,
    )
