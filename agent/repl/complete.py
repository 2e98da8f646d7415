"""Tab completion: slash commands, then what each command's argument is (files, folders, thread
ids), and table names of the workspace schema anywhere in a message or query."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from dbarch.agent.repl import registry, threads

if TYPE_CHECKING:
    from dbarch.agent.repl.state import ReplState

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")


class ReplCompleter(Completer):
    def __init__(self, state: ReplState) -> None:
        self.state = state
        self._files = PathCompleter(expanduser=True)
        self._dirs = PathCompleter(expanduser=True, only_directories=True)
        self._tables_key: tuple[Path, float] | None = None
        self._tables: list[str] = []

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor
        if text.startswith("/") and " " not in text:
            typed = text[1:]
            for name in registry.names():
                if name.startswith(typed.lower()):
                    cmd = registry.lookup(name)
                    yield Completion("/" + name, start_position=-len(text),
                                     display_meta=cmd.help if cmd else None)
            return
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            cmd = registry.lookup(name)
            kind = cmd.complete if cmd else None
            word = arg.rsplit(" ", 1)[-1] if arg else ""
            if kind in ("file", "dir"):
                completer = self._files if kind == "file" else self._dirs
                yield from completer.get_completions(Document(word, len(word)), complete_event)
                return
            if kind == "command":
                yield from _words(word, registry.names())
                return
            if kind == "thread":
                yield from _words(word, [t.id for t in threads.list_threads(self.state.home)])
                return
            if kind == "onoff":
                yield from _words(word, ["on", "off"])
                return
        match = _WORD.search(text)
        if match:
            yield from _words(match.group(0), self.tables(), case=False)

    def tables(self) -> list[str]:
        """Table names of the workspace schema, re-read when 00_soul.md changes."""
        path = self.state.workspace / "00_soul.md"
        try:
            key = (path, path.stat().st_mtime)
        except OSError:
            return []
        if key != self._tables_key:
            self._tables_key, self._tables = key, _table_names(self.state)
        return self._tables


def _words(typed: str, choices: Iterable[str], *, case: bool = True) -> Iterator[Completion]:
    probe = typed if case else typed.lower()
    for choice in choices:
        if (choice if case else choice.lower()).startswith(probe) and choice != typed:
            yield Completion(choice, start_position=-len(typed))


def _table_names(state: ReplState) -> list[str]:
    try:
        from dbarch.memory import read_schema_sql
        from dbarch.tools.schema.from_sql import schema_from_sql

        schema = schema_from_sql(read_schema_sql(state.ws()), "postgres")
        names: set[str] = set()
        for table in schema:
            names.add(table.display_name)
            names.add(table.display_name.rsplit(".", 1)[-1])
        return sorted(names)
    except Exception:  # completion never breaks typing; a broken schema shows up in /check
        return []
