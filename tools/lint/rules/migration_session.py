"""The session a migration runs in: transaction blocks and the timeouts in force.

Read with PostgreSQL's own grammar (pglast) from the few statements that can change them
(``BEGIN``/``START TRANSACTION``, ``COMMIT``/``END``/``ROLLBACK``/``ABORT``, ``SET``, ``SET
LOCAL``, ``SET ... TO DEFAULT``, ``RESET``, ``RESET ALL``), so every spelling counts the same.
PostgreSQL's rules, followed here:

- ``SET LOCAL`` lasts until the end of the transaction block; outside one it does nothing
  (the server only warns).
- ``SET`` lasts for the session, unless the transaction it ran in is rolled back.
- ``RESET``, ``RESET ALL`` and ``SET ... TO DEFAULT`` go back to the server default (taken as
  no timeout: the linter cannot see the server's configuration).
- ``--assume-in-transaction``: the migration runner wraps the whole file in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dbarch.tools.sql.parse import ParsedStatement

TIMEOUTS = ("lock_timeout", "statement_timeout")

_FIRST_WORD = re.compile(r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*([A-Za-z]+)", re.S)
_CONTROL = frozenset({"begin", "start", "commit", "end", "rollback", "abort", "set", "reset"})
_RESET_ALL = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*reset\s+all\b", re.I | re.S)
_ZERO = frozenset({"0", "0s", "0ms", "0min", "0h", "0d", "0us", "default"})


def first_word(text: str) -> str:
    """The first keyword of a statement (after comments), lower-cased; ``""`` if none."""
    m = _FIRST_WORD.match(text)
    return m.group(1).lower() if m else ""


@dataclass(frozen=True, slots=True)
class Action:
    """What one statement does to the session."""

    kind: str
    """``begin``, ``commit``, ``rollback``, ``set``, ``reset`` or ``reset_all``."""
    name: str = ""
    on: bool = False
    """For ``set``: a non-zero timeout."""
    local: bool = False


def session_action(st: ParsedStatement) -> Action | None:
    """The statement's effect on transactions and timeouts, ``None`` when it has none."""
    if not st.is_sql or st.error is not None:
        return None
    word = first_word(st.text)
    if word not in _CONTROL:
        return None
    if word in ("set", "reset") and "timeout" not in st.text.lower() and not _RESET_ALL.match(st.text):
        return None  # another setting: nothing to parse
    return _action(pg_tree(st.text))


@lru_cache(maxsize=1024)
def pg_tree(text: str) -> Any:
    """PostgreSQL's parse tree (a pglast node) of one statement, ``None`` if it does not parse."""
    from pglast import parse_sql, parser as pgparser

    try:
        parsed = parse_sql(text)
    except pgparser.ParseError:
        return None
    return parsed[0].stmt if len(parsed) == 1 else None


def _action(node: Any) -> Action | None:
    kind = type(node).__name__
    if kind == "TransactionStmt":
        name = getattr(node.kind, "name", "")
        if name in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
            return Action("begin")
        if name == "TRANS_STMT_COMMIT":
            return Action("commit")
        if name == "TRANS_STMT_ROLLBACK":
            return Action("rollback")
        return None
    if kind != "VariableSetStmt":
        return None
    how = getattr(node.kind, "name", "")
    if how == "VAR_RESET_ALL":
        return Action("reset_all")
    name = (node.name or "").lower()
    if name not in TIMEOUTS:
        return None
    if how in ("VAR_RESET", "VAR_SET_DEFAULT"):
        return Action("set", name, False, bool(node.is_local)) if how == "VAR_SET_DEFAULT" else Action("reset", name)
    if how != "VAR_SET_VALUE" or not node.args:
        return None
    return Action("set", name, _nonzero(node.args[0]), bool(node.is_local))


def _nonzero(arg: Any) -> bool:
    val = getattr(arg, "val", None)
    if val is None:
        return True
    value = getattr(val, "ival", None)
    if value is None:
        value = getattr(val, "sval", None) or getattr(val, "fval", None)
    return str(value).strip().lower() not in _ZERO


@dataclass(frozen=True, slots=True)
class Session:
    """The session just before one statement."""

    in_transaction: bool
    lock_timeout: bool
    statement_timeout: bool


@dataclass(slots=True)
class SessionTrace:
    """The session before every statement, and the transaction mistakes met on the way."""

    before: dict[int, Session] = field(default_factory=dict)
    nesting: list[tuple[int, str]] = field(default_factory=list)
    """(statement index, what is wrong) for BEGIN inside a block, COMMIT outside one..."""
    unclosed_begin: int | None = None
    """The ``BEGIN`` left open at the end of the file (explicit blocks only)."""
    local_outside: dict[str, int] = field(default_factory=dict)
    """Timeout name -> first ``SET LOCAL`` of it outside any transaction block (a no-op)."""


def trace_session(statements: Iterable[ParsedStatement], assume_in_transaction: bool = False) -> SessionTrace:
    trace = SessionTrace()
    in_tx, explicit, begin_at = assume_in_transaction, False, None
    session = dict.fromkeys(TIMEOUTS, False)
    saved = dict(session)  # the session settings when the current block began
    local: dict[str, bool] = {}
    for st in statements:
        index = st.statement.index
        eff = {n: local.get(n, session[n]) for n in TIMEOUTS}
        trace.before[index] = Session(in_tx, eff["lock_timeout"], eff["statement_timeout"])
        act = session_action(st)
        if act is None:
            continue
        if act.kind == "begin":
            if assume_in_transaction and not explicit:
                trace.nesting.append((index, "the migration runner already wraps this file in a transaction: this BEGIN is ignored with a warning, and its COMMIT ends the runner's transaction early"))
            elif in_tx:
                trace.nesting.append((index, "a transaction block is already open here: this BEGIN is ignored with a warning, and the first COMMIT ends the outer block"))
            in_tx, explicit, begin_at, saved = True, True, index, dict(session)
        elif act.kind in ("commit", "rollback"):
            word = "COMMIT" if act.kind == "commit" else "ROLLBACK"
            if not in_tx:
                trace.nesting.append((index, f"no transaction block is open here: this {word} does nothing (PostgreSQL only warns), so the statements before it were not one unit"))
            elif assume_in_transaction and not explicit:
                trace.nesting.append((index, f"this {word} ends the transaction the migration runner opened: the statements after it run outside any transaction"))
            if act.kind == "rollback" and in_tx:
                session = saved
            in_tx, explicit, begin_at, local = False, False, None, {}
        elif act.kind == "set":
            if act.local:
                if in_tx:
                    local[act.name] = act.on
                else:
                    trace.local_outside.setdefault(act.name, index)
            else:
                session[act.name] = act.on
                local.pop(act.name, None)
        elif act.kind == "reset":
            session[act.name] = False
            local.pop(act.name, None)
        elif act.kind == "reset_all":
            session, local = dict.fromkeys(TIMEOUTS, False), {}
    trace.unclosed_begin = begin_at if explicit else None
    return trace


def pg_statements(
    statements: Iterable[ParsedStatement], words: frozenset[str], pattern: re.Pattern[str] | None = None
) -> Iterable[tuple[ParsedStatement, Any]]:
    """``(statement, PostgreSQL's tree)`` of every SQL statement (whether sqlglot analysed it
    or not) whose first keyword is one of ``words`` (and that ``pattern`` matches from its
    start, when given); the others are never parsed again."""
    for st in statements:
        if not st.is_sql or st.error is not None or first_word(st.text) not in words:
            continue
        if pattern is None or pattern.match(st.text):
            node = pg_tree(st.text)
            if node is not None:
                yield st, node


def leading(words: str) -> re.Pattern[str]:
    """A pattern matching a statement that starts with ``words`` (after comments)."""
    body = r"\s+".join(words.split())
    return re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*" + body + r"\b", re.I | re.S)


def pg_created_keys(node: Any, path: Sequence[str] = ("public",)) -> list[str]:
    """Keys of the tables, views and types a statement creates (PostgreSQL's tree), so a
    statement sqlglot cannot read never makes a new object look old; ``CREATE SCHEMA s CREATE
    TABLE t ...`` creates ``s.t``."""
    if type(node).__name__ == "CreateSchemaStmt":
        keys: list[str] = []
        for element in node.schemaElts or ():
            for sub in pg_created_keys(element, (node.schemaname,) if node.schemaname else path):
                keys.append(sub)
        return keys
    one = _created_key(node, path)
    return [one] if one is not None else []


def _created_key(node: Any, path: Sequence[str]) -> str | None:
    from dbarch.tools.schema.idents import create_key

    kind = type(node).__name__
    rel = None
    if kind == "CreateStmt":
        rel = node.relation
    elif kind == "CreateTableAsStmt" and node.into is not None:
        rel = node.into.rel
    elif kind == "ViewStmt":
        rel = node.view
    elif kind == "CompositeTypeStmt":
        rel = node.typevar
    elif kind in ("CreateEnumStmt", "CreateRangeStmt") and node.typeName:
        names = [n.sval for n in node.typeName]
        return create_key(names[-2] if len(names) > 1 else None, names[-1], path)
    if rel is None or not getattr(rel, "relname", None):
        return None
    return create_key(rel.schemaname or None, rel.relname, path)
