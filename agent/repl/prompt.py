"""The prompt_toolkit session: keys, SQL highlighting, completion and the history file.

Enter sends a complete message. A message is incomplete (Enter adds a line) while a Markdown
code fence is open, when it ends with a backslash, or when it starts like SQL (``CREATE``,
``SELECT``...) and a parenthesis is still open or the last line ends with a comma. Sentences
that merely start with such a word ("Create a schema for...") send as usual. Alt-Enter (or Esc
then Enter) always adds a line. Pasted text (bracketed paste) is inserted as it is.
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
_OBJECT = (r"(table|index|view|type|function|procedure|trigger|schema|sequence|domain|extension"
           r"|policy|role|database|materialized\s+view)")
_SQL_START = re.compile(
    r"^\s*("
    rf"(create|drop|alter)\s+((or\s+replace|unique|temp|temporary|unlogged)\s+)*{_OBJECT}\b"
    r"|insert\s+into\b|delete\s+from\b|update\s+[\w.\"]+\s+set\b|with\s+(recursive\s+)?[\w\"]+\s+as\b"
    r"|select\s+(\*|distinct\b|[\w.\"]+\s*(,|\(|\bfrom\b|\bas\b|$))|explain\b\s*(\(|analyze\b|select\b)"
    r"|comment\s+on\b|begin\s*;)",
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
    if _SQL_START.match(stripped):
        return _open_parens(stripped) <= 0 and not stripped.endswith(",")
    return True


def _open_parens(sql: str) -> int:
    """Parentheses opened and not closed, outside quotes and ``--`` comments."""
    depth, quote, i = 0, "", 0
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return depth


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


class ScrubbedHistory(FileHistory):
    """The history file, with the password of a ``/database DSN`` line replaced by ``***``."""

    def store_string(self, string: str) -> None:
        super().store_string(scrub_database_line(string))


def scrub_database_line(line: str) -> str:
    from dbarch.tools.sandbox.readonly import scrub

    head, _, dsn = line.strip().partition(" ")
    if head.lower() not in ("/database", "/db") or not dsn.strip():
        return line
    return scrub(line, dsn.strip())


def make_session(state: ReplState, **io: Any) -> PromptSession[str]:
    """The session; ``io`` passes ``input``/``output`` (tests use a pipe and DummyOutput)."""
    state.home.mkdir(parents=True, exist_ok=True)
    return PromptSession(
        history=ScrubbedHistory(str(Path(state.home) / HISTORY)),
        lexer=PygmentsLexer(PostgresLexer),
        completer=ReplCompleter(state),
        complete_while_typing=False,
        key_bindings=key_bindings(),
        multiline=True,
        prompt_continuation=lambda width, line, wrap: "." * (width - 1) + " ",
        enable_history_search=False,
        **io,
    )
