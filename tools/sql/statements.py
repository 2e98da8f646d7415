"""Splitting a SQL script into statements, each with its place in the source.

A small lexer, not a parser: it knows quotes ('...', E'...', "...", `...`), dollar quotes
($tag$...$tag$), comments (-- and nested /* */), the semicolons that end statements, the
``BEGIN ATOMIC ... END`` bodies of SQL-standard functions, psql meta-commands (``\\connect``,
``\\i``...) and the data blocks of ``COPY ... FROM stdin`` that end with ``\\.``. Each
statement keeps its character offset so that errors (sqlglot's or the server's) map back to
the line and column of the user's file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class StatementKind(StrEnum):
    SQL = "sql"
    META = "meta"
    """A psql meta-command such as ``\\connect`` (skipped with a note)."""
    COPY_DATA = "copy_data"
    """The rows of a ``COPY ... FROM stdin`` block (skipped with a note)."""


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    text: str
    """The statement without its terminating semicolon."""
    offset: int
    """Character offset of the statement's first character in the source."""
    line: int
    column: int
    kind: StatementKind = StatementKind.SQL

    def position(self, offset_in_statement: int) -> tuple[int, int]:
        """Line and column in the source of a 0-based offset inside this statement
        (as :func:`tools.errors.position_at` counts them, by bisection over the newlines)."""
        text = self.text
        offset = max(0, min(offset_in_statement, len(text)))
        newlines = _newlines(text)
        before = bisect_left(newlines, offset)  # newlines before the offset
        if before == 0:
            return self.line, self.column + offset
        return self.line + before, offset - newlines[before - 1]


@lru_cache(maxsize=64)
def _newlines(text: str) -> tuple[int, ...]:
    """Offsets of the newlines in ``text`` (cached: a statement is located many times in a row)."""
    out: list[int] = []
    i = text.find("\n")
    while i >= 0:
        out.append(i)
        i = text.find("\n", i + 1)
    return tuple(out)


_HEAD_FIVE = re.compile(r"(?:[^A-Za-z_]*([A-Za-z_]+))?" * 5)
"""The first five words of a statement, in one match."""
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _is_copy_from_stdin(text: str) -> bool:
    words = [w.upper() for w in text.replace("(", " ( ").replace(")", " ) ").split()]
    if not words or words[0] != "COPY":
        return False
    return any(words[i] == "FROM" and words[i + 1].rstrip(";") == "STDIN" for i in range(len(words) - 1))


class _Splitter:
    def __init__(self, text: str, dialect: str) -> None:
        self.text = text
        self.n = len(text)
        self.mysql = dialect in ("mysql", "mariadb")
        self.postgres = dialect in ("postgres", "postgresql")
        self.out: list[Statement] = []
        self._line, self._line_offset = 1, 0
        chars = ";'\"$/\\-" + ("`#" if self.mysql else "")
        self.special = re.compile("[" + re.escape(chars) + "]")
        self.routine_special = re.compile("[" + re.escape(chars) + "]|[A-Za-z_][A-Za-z0-9_$]*")

    def emit(self, start: int, end: int, kind: StatementKind) -> None:
        body = self.text[start:end]
        stripped = body.rstrip()
        if not stripped.strip():
            return
        # offsets only grow: count newlines since the previous statement, not from the top
        self._line += self.text.count("\n", self._line_offset, start)
        self._line_offset = start
        column = start - (self.text.rfind("\n", 0, start) + 1) + 1
        self.out.append(Statement(len(self.out), stripped, start, self._line, column, kind))

    def skip_space_and_comments(self, i: int) -> int:
        text, n = self.text, self.n
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif text.startswith("--", i) or (self.mysql and c == "#"):
                j = text.find("\n", i)
                i = n if j < 0 else j + 1
            elif text.startswith("/*", i):
                i = self.skip_block_comment(i)
            else:
                break
        return i

    def skip_block_comment(self, i: int) -> int:
        depth, i = 0, i
        text, n = self.text, self.n
        while i < n:
            if text.startswith("/*", i):
                depth += 1
                i += 2
            elif text.startswith("*/", i):
                depth -= 1
                i += 2
                if depth == 0 or self.mysql:
                    return i
            else:
                i += 1
        return n

    def skip_quoted(self, i: int, quote: str, backslash: bool) -> int:
        text, n = self.text, self.n
        i += 1
        while i < n:  # jump from quote to quote (and backslash) with str.find, not char by char
            j = text.find(quote, i)
            if backslash:
                k = text.find("\\", i, n if j < 0 else j)
                if k >= 0:
                    i = k + 2
                    continue
            if j < 0:
                return n
            if j + 1 < n and text[j + 1] == quote:
                i = j + 2
                continue
            return j + 1
        return n

    def dollar_tag(self, i: int) -> str | None:
        text, n = self.text, self.n
        j = i + 1
        if j < n and text[j] == "$":
            return "$$"
        if j < n and (text[j].isalpha() or text[j] == "_"):
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if j < n and text[j] == "$":
                return text[i : j + 1]
        return None

    def split(self) -> list[Statement]:
        text, n = self.text, self.n
        i = 0
        while i < n:
            i = self.skip_space_and_comments(i)
            if i >= n:
                break
            line_start = i == 0 or text[i - 1] == "\n" or text[text.rfind("\n", 0, i) + 1 : i].strip() == ""
            if text[i] == "\\" and line_start:
                j = text.find("\n", i)
                j = n if j < 0 else j
                self.emit(i, j, StatementKind.META)
                i = j
                continue
            i = self.statement(i)
        return self.out

    def statement(self, start: int) -> int:
        text, n = self.text, self.n
        found = _HEAD_FIVE.match(text, start, min(n, start + 200))
        head = [w.upper() for w in found.groups() if w is not None] if found is not None else []
        in_routine = "FUNCTION" in head or "PROCEDURE" in head
        special = self.routine_special if in_routine else self.special
        i = start
        atomic_depth = 0
        prev_word = ""
        while True:
            m = special.search(text, i)
            if m is None:
                break
            i = m.start()
            c = text[i]
            if c == ";":
                if atomic_depth:
                    i += 1
                    continue
                self.emit(start, i, StatementKind.SQL)
                i += 1
                if head[:1] == ["COPY"] and _is_copy_from_stdin(text[start:i]):
                    i = self.copy_data(i)
                return i
            if c == "'":
                prefixed = i > 0 and text[i - 1] in "eE" and (i < 2 or text[i - 2] not in _WORD_CHARS)
                i = self.skip_quoted(i, "'", backslash=self.mysql or prefixed)
            elif c == '"':
                i = self.skip_quoted(i, '"', backslash=False)
            elif c == "`":
                i = self.skip_quoted(i, "`", backslash=False)
            elif c == "$":
                tag = self.dollar_tag(i) if i == 0 or text[i - 1] not in _WORD_CHARS else None
                if tag is None:
                    i += 1
                else:
                    end = text.find(tag, i + len(tag))
                    i = n if end < 0 else end + len(tag)
            elif c == "-" or c == "#":
                if c == "#" or text.startswith("--", i):
                    j = text.find("\n", i)
                    i = n if j < 0 else j + 1
                else:
                    i += 1
            elif c == "/":
                i = self.skip_block_comment(i) if text.startswith("/*", i) else i + 1
            else:  # a word, only scanned inside routines (BEGIN ATOMIC ... END bodies)
                j = m.end()
                word = text[i:j].upper()
                if (word == "ATOMIC" and prev_word == "BEGIN") or (atomic_depth and word in ("CASE", "BEGIN")):
                    atomic_depth += 1
                elif atomic_depth and word == "END":
                    atomic_depth -= 1
                prev_word = word
                i = j
        self.emit(start, n, StatementKind.SQL)
        return n

    def copy_data(self, i: int) -> int:
        text, n = self.text, self.n
        # data starts on the line after the COPY statement
        nl = text.find("\n", i)
        if nl < 0:
            return n
        start = nl + 1
        j = start
        while j < n:
            k = text.find("\n", j)
            line = text[j : (n if k < 0 else k)]
            if line.rstrip("\r") == "\\.":
                self.emit(start, j, StatementKind.COPY_DATA)
                return n if k < 0 else k + 1
            if k < 0:
                break
            j = k + 1
        self.emit(start, n, StatementKind.COPY_DATA)
        return n


def split_statements(text: str, dialect: str = "postgres") -> list[Statement]:
    """Split ``text`` into statements with their offsets, lines and columns.

    >>> [s.text for s in split_statements("CREATE TABLE a (x int); -- c\\nSELECT ';';")]
    ['CREATE TABLE a (x int)', "SELECT ';'"]
    """
    return _Splitter(text, dialect).split()
