"""A workload: the queries to EXPLAIN or advise on, each parsed and located in its file.

Parameters written ``$1``, ``?`` or ``:name`` are all turned into PostgreSQL's ``$n`` (the
same ``:name`` gets the same number) on the sqlglot tree. A query that does not parse, or that
is not a query (DDL, SET, ...), carries its error and never stops the others.

Example: ``read_queries("SELECT * FROM t WHERE a = :a AND b = ?")[0].sql`` is
``SELECT * FROM t WHERE a = $1 AND b = $2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError, TokenError

from dbarch.tools.errors import DbarchError, ParseError
from dbarch.tools.sql.parse import pg_syntax_error
from dbarch.tools.sql.statements import Statement, StatementKind, split_statements

_QUERY_TYPES = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Insert, exp.Update, exp.Delete,
                exp.Merge, exp.Values)
_MODIFYING = (exp.Insert, exp.Update, exp.Delete, exp.Merge)


@dataclass(frozen=True, slots=True)
class Query:
    index: int
    """1-based position in the workload."""
    source: str
    statement: Statement
    sql: str
    """The text sent to the server (``$n`` parameters)."""
    tree: exp.Expression | None
    params: int = 0
    modifies: bool = False
    error: DbarchError | None = None
    rewritten: bool = False
    """True when ``sql`` differs from the user's text (parameters renumbered)."""

    @property
    def line(self) -> int:
        return self.statement.line

    @property
    def label(self) -> str:
        return f"{self.source}:{self.statement.line}"


def read_queries(text: str, source: str = "<query>") -> list[Query]:
    """Split ``text`` into queries; never raises for bad SQL."""
    queries: list[Query] = []
    for stmt in split_statements(text, "postgres"):
        if stmt.kind != StatementKind.SQL or not stmt.text.strip():
            continue
        queries.append(_read_one(len(queries) + 1, stmt, source))
    return queries


def _read_one(index: int, stmt: Statement, source: str) -> Query:
    tree: exp.Expression | None
    try:
        tree = sqlglot.parse_one(stmt.text, read="postgres")  # type: ignore[assignment]
    except (SqlglotParseError, TokenError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else "syntax error"
        line, column = stmt.line, stmt.column
        if isinstance(exc, SqlglotParseError) and exc.errors:
            first = exc.errors[0]
            message = first.get("description") or message
            line, column = stmt.position(_offset(stmt.text, first.get("line") or 1, first.get("col") or 1))
        bad: DbarchError = ParseError(message, file=source, line=line, column=column, sqlstate="42601")
        bad = pg_syntax_error(stmt, source) or bad  # PostgreSQL's own words and place, when it agrees
        return Query(index, source, stmt, stmt.text, None, error=bad)
    except Exception as exc:  # sqlglot internals on exotic input
        err: DbarchError = ParseError(f"cannot analyse this query: {exc}", file=source, line=stmt.line, column=stmt.column)
        return Query(index, source, stmt, stmt.text, None, error=err)
    if tree is None or not isinstance(tree, _QUERY_TYPES):
        kind = type(tree).__name__.upper() if tree is not None else "EMPTY"
        err = DbarchError(
            f"not a query ({kind}): only SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES are explained",
            file=source, line=stmt.line, column=stmt.column,
            hint="put the schema in --schema and the workload's queries in --queries",
        )
        return Query(index, source, stmt, stmt.text, tree, error=err)
    tree, count, rewritten = _number_parameters(tree)
    modifies = any(True for _ in tree.find_all(*_MODIFYING))
    sql = tree.sql(dialect="postgres") if rewritten else stmt.text
    return Query(index, source, stmt, sql, tree, count, modifies, rewritten=rewritten)


def _offset(text: str, line: int, col: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + max(0, col - 1)


def _number_parameters(tree: exp.Expression) -> tuple[exp.Expression, int, bool]:
    """``?`` and ``:name`` become ``$n``; returns (tree, number of parameters, rewritten)."""
    numbers: set[int] = set()
    for node in tree.find_all(exp.Parameter):
        value = node.this
        if isinstance(value, exp.Literal) and str(value.this).isdigit():
            numbers.add(int(value.this))
    placeholders = list(tree.find_all(exp.Placeholder))
    if not placeholders:
        return tree, max(numbers, default=0), False
    tree = tree.copy()
    named: dict[str, int] = {}
    nxt = max(numbers, default=0)
    for ph in list(tree.find_all(exp.Placeholder)):
        name = ph.this if isinstance(ph.this, str) and not ph.args.get("jdbc") else None
        if name and name in named:
            n = named[name]
        else:
            nxt += 1
            n = nxt
            if name:
                named[name] = n
        ph.replace(exp.Parameter(this=exp.Literal.number(n)))
    return tree, nxt, True


def tables_of(tree: exp.Expression) -> list[str]:
    """Names of the tables a query reads or writes (CTE names excluded)."""
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    return sorted({t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes})
