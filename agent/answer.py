"""Reading a Markdown answer: its fenced blocks, and which of them hold DDL or migration SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(
    r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`]*)[^\n]*\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)(?P=fence)[ \t]*$\n?",
    re.S | re.M,
)
SQL_LANGS = frozenset({"sql", "postgresql", "postgres", "pgsql", "plpgsql", "psql", "plsql", "mysql", "sqlite"})
_DDL_START = re.compile(
    r"^\s*(?:create|alter|drop|comment\s+on|grant|revoke|truncate|reindex|cluster|"
    r"do\s|do\$|refresh\s+materialized)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Block:
    lang: str
    body: str
    start: int
    end: int
    """Offsets of the whole fenced block (fences included) in the answer."""


def blocks(text: str) -> list[Block]:
    """Every fenced code block of ``text``, in order."""
    return [
        Block(m.group("lang").lower(), m.group("body"), m.start(), m.end())
        for m in _FENCE.finditer(text)
    ]


def is_sql_block(block: Block) -> bool:
    if block.lang in SQL_LANGS:
        return True
    if block.lang:
        return False
    return bool(re.search(r"^\s*(create|alter|select|insert|update|delete)\b", block.body, re.I | re.M))


def ddl_blocks(text: str) -> list[Block]:
    """The SQL blocks holding at least one DDL statement (CREATE, ALTER, DROP, GRANT...)."""
    from dbarch.tools.sql.statements import StatementKind, split_statements

    out = []
    for block in blocks(text):
        if not is_sql_block(block):
            continue
        stmts = [s for s in split_statements(block.body, "postgres") if s.kind == StatementKind.SQL]
        if any(_DDL_START.match(_strip_comments(s.text)) for s in stmts):
            out.append(block)
    return out


def ddl_text(text: str) -> str:
    """The DDL blocks' SQL joined in order (what the graph verifies)."""
    return "\n\n".join(b.body.strip("\n") for b in ddl_blocks(text))


def created_tables(sql: str) -> set[str]:
    """Lower-cased names of tables ``sql`` creates (``CREATE TABLE [IF NOT EXISTS] name``)."""
    found = re.findall(
        r"create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", sql, re.I
    )
    return {name.replace('"', "").lower().removeprefix("public.") for name in found}


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    return re.sub(r"--[^\n]*", " ", sql)
