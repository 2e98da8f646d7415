"""What an answer contains: its fenced code blocks, the SQL among them, split into the schema
script (DDL, applied) and the queries (EXPLAINed, never applied)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_SQL_LANGS = frozenset({"sql", "postgres", "postgresql", "pgsql", "plpgsql", "psql", "mysql", "sqlite"})
_SQL_START = re.compile(
    r"^\s*(?:--[^\n]*\n\s*)*(CREATE|ALTER|DROP|SELECT|WITH|INSERT|UPDATE|DELETE|BEGIN|COMMIT|SET|COMMENT|"
    r"GRANT|REVOKE|EXPLAIN|VACUUM|ANALYZE|REINDEX|TRUNCATE|DO|CALL)\b",
    re.I,
)
_DDL_START = re.compile(
    r"^\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|DO|SET|RESET|BEGIN|COMMIT|START|TRUNCATE|VACUUM|ANALYZE|UPDATE|INSERT|DELETE)\b",
    re.I,
)
_DML = re.compile(r"^\s*(UPDATE|INSERT|DELETE)\b", re.I)
_PLACEHOLDER = re.compile(r"\?|\$\d+|(?<!:):[a-z_]\w*", re.I)
_QUERY_START = re.compile(r"^\s*(SELECT|WITH|EXPLAIN|VALUES|TABLE)\b", re.I)


@dataclass(frozen=True, slots=True)
class Block:
    lang: str
    """The fence's language tag, lower-cased ('' when untagged)."""
    text: str

    @property
    def is_sql(self) -> bool:
        return self.lang in _SQL_LANGS or (not self.lang and bool(_SQL_START.match(self.text)))


@dataclass(frozen=True, slots=True)
class Extracted:
    blocks: tuple[Block, ...]
    ddl: str
    """The statements that change the database, in order, as one script."""
    queries: tuple[str, ...]
    """Read queries (EXPLAIN prefix removed)."""

    @property
    def sql_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.is_sql)

    @property
    def has_sql(self) -> bool:
        return bool(self.ddl.strip() or self.queries)


def code_blocks(text: str) -> list[Block]:
    return [Block(m.group(2).lower(), m.group(3)) for m in _FENCE.finditer(text)]


@lru_cache(maxsize=256)
def extract(text: str) -> Extracted:
    """Split an answer's SQL. A text with no fences that starts like SQL is SQL as a whole."""
    from dbarch.tools.sql.statements import StatementKind, split_statements

    blocks = code_blocks(text)
    if not blocks and _SQL_START.match(text):
        blocks = [Block("sql", text)]
    ddl: list[str] = []
    queries: list[str] = []
    for block in blocks:
        if not block.is_sql:
            continue
        for st in split_statements(block.text):
            if st.kind != StatementKind.SQL or not _strip_comments(st.text):
                continue
            body = st.text.strip()
            lead = _strip_comments(body)
            if _QUERY_START.match(lead):
                q = re.sub(r"^\s*EXPLAIN\s*(\([^)]*\)|ANALYZE(\s+VERBOSE)?|VERBOSE)?\s*", "", lead, flags=re.I)
                queries.append(q)
            elif _DDL_START.match(lead):
                if _DML.match(lead) and _PLACEHOLDER.search(lead):
                    queries.append(lead)  # a template (`?`, `$1`, `:name`): shown, not runnable
                else:
                    ddl.append(body + ";")
    return Extracted(tuple(blocks), "\n".join(ddl) + ("\n" if ddl else ""), tuple(queries))


def _strip_comments(text: str) -> str:
    out = text.lstrip()
    while out.startswith("--") or out.startswith("/*"):
        if out.startswith("--"):
            nl = out.find("\n")
            out = "" if nl < 0 else out[nl + 1 :].lstrip()
        else:
            end = out.find("*/")
            out = "" if end < 0 else out[end + 2 :].lstrip()
    return out


def prose(text: str) -> str:
    """The answer without its code blocks (what refusal and justification scorers read)."""
    return _FENCE.sub(" ", text)
