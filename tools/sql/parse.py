"""Parsing a SQL script statement by statement, with errors located in the user's file.

For PostgreSQL the exact grammar (libpg_query, through pglast) decides whether a statement is
valid, and sqlglot builds the tree the rest of dbarch analyses. A statement sqlglot cannot
analyse (it falls back to an opaque ``exp.Command``, or fails where PostgreSQL does not) is
*not analysed*, never an error: the server is the final judge. For other dialects sqlglot's
verdict is the only one.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError as SqlglotParseError, TokenError

from dbarch.tools.errors import ParseError
from dbarch.tools.sql.dialects import (
    DIALECTS as DIALECTS,
    known_dialects as known_dialects,
    normalize_dialect as normalize_dialect,
)
from dbarch.tools.sql.statements import Statement, StatementKind, split_statements


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    statement: Statement
    expression: exp.Expression | None
    """sqlglot's tree, ``None`` for skipped statements and those that do not parse."""
    error: ParseError | None = None
    analysed: bool = True
    """False when sqlglot could only keep the statement as opaque text."""

    @property
    def text(self) -> str:
        return self.statement.text

    @property
    def line(self) -> int:
        return self.statement.line

    @property
    def column(self) -> int:
        return self.statement.column

    @property
    def is_sql(self) -> bool:
        return self.statement.kind == StatementKind.SQL

    def locate(self, node: exp.Expression | None) -> tuple[int, int]:
        """Line and column in the source of ``node`` (its first located token), else of the
        statement. Type nodes carry no position, so their column definition is used."""
        if node is None:
            return self.line, self.column
        anchor = node.find_ancestor(exp.ColumnDef) if isinstance(node, exp.DataType) else None
        start = start_offset(anchor or node)
        return self.statement.position(start) if start is not None else (self.line, self.column)


def start_offset(node: exp.Expression) -> int | None:
    """Offset, inside its statement, of the first token of ``node`` that sqlglot located."""
    best: int | None = None
    for sub in node.walk():
        meta = sub._meta  # read without creating an empty dict on every node
        if meta and isinstance(meta.get("start"), int):
            best = meta["start"] if best is None else min(best, meta["start"])
    return best


@dataclass(frozen=True, slots=True)
class Note:
    """Something dbarch skipped or could not analyse, said plainly (not an error)."""

    message: str
    line: int
    column: int = 1
    file: str | None = None
    count: int = 1
    """How many times the same note was made (this one locates the first)."""

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        times = f" ({self.count} times, first here)" if self.count > 1 else ""
        return f"{where}: {self.message}{times}"


def group_notes(notes: Sequence[Note]) -> tuple[Note, ...]:
    """One note per distinct message, with a count and the first location (pagila's 106
    "ownership change skipped" become one line)."""
    first: dict[str, Note] = {}
    counts: dict[str, int] = {}
    for note in notes:
        first.setdefault(note.message, note)
        counts[note.message] = counts.get(note.message, 0) + note.count
    return tuple(replace(n, count=counts[n.message]) for n in first.values())


@dataclass(frozen=True, slots=True)
class ParsedScript:
    source: str
    text: str
    dialect: str
    statements: tuple[ParsedStatement, ...]
    notes: tuple[Note, ...] = field(default=())

    @property
    def errors(self) -> tuple[ParseError, ...]:
        return tuple(s.error for s in self.statements if s.error is not None)

    @property
    def sql_statements(self) -> tuple[ParsedStatement, ...]:
        return tuple(s for s in self.statements if s.is_sql)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        """No JSON form (sqlglot trees): a result keeps parsed scripts in excluded fields only."""
        from dbarch.tools.jsonform import opaque_schema

        return opaque_schema(cls)


class _Reader:
    """One sqlglot tokenizer and parser for a dialect, reused statement after statement (what
    ``sqlglot.parse_one`` does, without looking the dialect up three times and building a
    tokenizer and a parser for every statement)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = Dialect.get_or_raise(dialect)
        self.tokenizer = self.dialect.tokenizer()
        self.parser = self.dialect.parser()

    def parse_one(self, sql: str) -> exp.Expr:
        result = self.parser.parse(self.tokenizer.tokenize(sql), sql)
        if not result or result[0] is None:
            raise SqlglotParseError(f"No expression was parsed from '{sql}'")
        return exp.Block(expressions=result) if len(result) > 1 else result[0]


_READERS = threading.local()


def parse_one(sql: str, dialect: str) -> exp.Expr:
    """``sqlglot.parse_one(sql, read=dialect)``, with this thread's reused tokenizer and parser."""
    readers: dict[str, _Reader] | None = getattr(_READERS, "by_dialect", None)
    if readers is None:
        readers = _READERS.by_dialect = {}
    reader = readers.get(dialect)
    if reader is None:
        reader = readers[dialect] = _Reader(dialect)
    try:
        return reader.parse_one(sql)
    except BaseException:
        del readers[dialect]  # never reuse one left mid-statement
        raise


def validate_postgres(statements: list[Statement], source: str) -> dict[int, ParseError]:
    """PostgreSQL's grammar on every SQL statement: the syntax errors by statement index.

    One libpg_query call checks the whole run of statements (10x cheaper than one call each);
    only when it fails is the failing statement located, and the rest checked after it."""
    from pglast import parser as pgparser

    sql = [st for st in statements if st.kind == StatementKind.SQL]
    errors: dict[int, ParseError] = {}
    start = 0
    while start < len(sql):
        chunk, offsets, at = [], [], 0
        for st in sql[start:]:
            offsets.append(at)
            chunk.append(st.text)
            at += len(st.text) + 3  # "\n;\n" after each: a trailing -- comment cannot eat the ;
        try:
            pgparser.parse_sql_json("\n;\n".join(chunk))
            break
        except pgparser.ParseError as exc:
            location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else at
            k = max(0, bisect.bisect_right(offsets, max(0, location)) - 1)
            failing = sql[start + k]
            error = pg_syntax_error(failing, source)  # its own message and place
            if error is None:  # fails only next to its neighbours (should not happen): say so
                line, column = failing.position(max(0, location - offsets[k]))
                error = ParseError(str(exc.args[0]), file=source, line=line, column=column, sqlstate="42601")
            errors[failing.index] = error
            start += k + 1
    return errors


def pg_syntax_error(stmt: Statement, source: str) -> ParseError | None:
    """PostgreSQL's own verdict on one statement's syntax: the located error, or ``None``."""
    from pglast import parser as pgparser

    try:
        pgparser.parse_sql_json(stmt.text)  # validation only: no Python objects built
    except pgparser.ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        if location is None:  # "at end of input": point just past the statement's last character
            location = len(stmt.text)
        line, column = stmt.position(max(0, location))
        return ParseError(message, file=source, line=line, column=column, sqlstate="42601")
    return None


def _sqlglot_error(exc: SqlglotParseError | TokenError, stmt: Statement, source: str) -> ParseError:
    line, column = stmt.line, stmt.column
    message = str(exc).splitlines()[0] if str(exc) else "syntax error"
    if isinstance(exc, SqlglotParseError) and exc.errors:
        first = exc.errors[0]
        message = first.get("description") or message
        rel_line, rel_col = first.get("line") or 1, first.get("col") or 1
        if rel_line == 1:
            line, column = stmt.line, stmt.column + rel_col - 1
        else:
            line, column = stmt.line + rel_line - 1, rel_col
    return ParseError(message, file=source, line=line, column=column, sqlstate="42601")


def parse_statement(
    stmt: Statement, *, dialect: str, source: str, analyse: bool = True, validate: bool = True
) -> ParsedStatement:
    """Parse one statement; never raises for bad SQL (the error is in the result).

    ``validate`` runs PostgreSQL's own grammar (postgres only); ``analyse`` builds sqlglot's
    tree. Applying needs only the first, so ``check`` starts the server on a validated script
    while the trees are still being built."""
    if stmt.kind != StatementKind.SQL:
        return ParsedStatement(stmt, None, analysed=False)
    if dialect == "postgres" and validate:
        error = pg_syntax_error(stmt, source)
        if error is not None:
            return ParsedStatement(stmt, None, error=error, analysed=False)
    if not analyse:
        return ParsedStatement(stmt, None, analysed=False)
    try:
        expression = cast(exp.Expression, parse_one(stmt.text, dialect))
    except (SqlglotParseError, TokenError) as exc:
        if dialect == "postgres":  # valid PostgreSQL that sqlglot cannot analyse (unless made readable)
            return _readable_postgres(stmt)
        return ParsedStatement(stmt, None, error=_sqlglot_error(exc, stmt, source), analysed=False)
    except Exception:  # sqlglot internals on exotic input: not analysed, never a crash
        return ParsedStatement(stmt, None, analysed=False)
    analysed = not isinstance(expression, exp.Command)
    if dialect == "postgres" and not analysed and "virtual" in stmt.text.lower():
        return _readable_postgres(stmt)
    if dialect == "postgres" and analysed:
        from dbarch.tools.sql.compat import mark_virtual

        mark_virtual(expression, stmt.text)
    return ParsedStatement(stmt, expression, analysed=analysed)


def _readable_postgres(stmt: Statement) -> ParsedStatement:
    """A statement PostgreSQL accepts and sqlglot does not: analysed after the same-length
    rewrites of :mod:`dbarch.tools.sql.compat` when they make it readable, else not analysed."""
    from dbarch.tools.sql.compat import mark_virtual, readable

    text = readable(stmt.text)
    if text is None:
        return ParsedStatement(stmt, None, analysed=False)
    try:
        expression = cast(exp.Expression, parse_one(text, "postgres"))
    except Exception:
        return ParsedStatement(stmt, None, analysed=False)
    if isinstance(expression, exp.Command):
        return ParsedStatement(stmt, None, analysed=False)
    mark_virtual(expression, stmt.text)
    return ParsedStatement(stmt, expression, analysed=True)


def _with_variables(
    statements: list[Statement], variables: Mapping[str, str]
) -> tuple[list[Statement], dict[int, list[str]]]:
    """Statements with psql variables substituted (``\\set`` in the script counts from where it
    is); and by statement index, the variables referenced but not set."""
    from dbarch.tools.sql.variables import set_command, substitute

    known = dict(variables)
    out: list[Statement] = []
    missing: dict[int, list[str]] = {}
    for stmt in statements:
        if stmt.kind == StatementKind.META:
            assignment = set_command(stmt.text)
            if assignment is not None:
                known[assignment[0]] = assignment[1]
        elif stmt.kind == StatementKind.SQL and ":" in stmt.text:
            text, unset = substitute(stmt.text, known)
            if unset:
                missing[stmt.index] = unset
            if text != stmt.text:
                stmt = replace(stmt, text=text)
        out.append(stmt)
    return out, missing


def parse_script(
    text: str, *, dialect: str = "postgres", source: str = "<sql>", analyse: bool = True,
    variables: Mapping[str, str] | None = None,
) -> ParsedScript:
    """Split and parse a whole script; parse errors are collected, not raised.

    With ``analyse=False`` statements are split and (for PostgreSQL) validated only.
    PostgreSQL scripts get psql's variable substitution (``:name``, ``:'name'``, ``:"name"``)
    from ``variables`` and the script's own ``\\set`` (see :mod:`tools.sql.variables`)."""
    dialect = normalize_dialect(dialect)
    parsed: list[ParsedStatement] = []
    notes: list[Note] = []
    statements = split_statements(text, dialect)
    unset: dict[int, list[str]] = {}
    if dialect == "postgres":
        statements, unset = _with_variables(statements, variables or {})
    invalid = validate_postgres(statements, source) if dialect == "postgres" else {}
    for stmt in statements:
        error = invalid.get(stmt.index)
        if error is not None:
            if stmt.index in unset:
                names = ", ".join(unset[stmt.index])
                plain = sorted({n.strip(":'\"") for n in unset[stmt.index]})
                error.hint = (f"psql variable {names} is not set: pass "
                              + " ".join(f"--set {n}=VALUE" for n in plain) + " (psql -v), or set it in the environment")
            parsed.append(ParsedStatement(stmt, None, error=error, analysed=False))
            continue
        ps = parse_statement(stmt, dialect=dialect, source=source, analyse=analyse, validate=False)
        parsed.append(ps)
        if stmt.kind == StatementKind.META and not stmt.text.startswith("\\set"):
            notes.append(Note(f"psql meta-command skipped: {stmt.text.split()[0]}", stmt.line, stmt.column, source))
    return ParsedScript(source, text, dialect, tuple(parsed), tuple(notes))


def analyse_script(script: ParsedScript) -> ParsedScript:
    """The same script with sqlglot's trees built (statements already validated are not
    validated again)."""
    statements = tuple(
        parse_statement(ps.statement, dialect=script.dialect, source=script.source, validate=False)
        if ps.is_sql and ps.error is None and ps.expression is None
        else ps
        for ps in script.statements
    )
    return ParsedScript(script.source, script.text, script.dialect, statements, script.notes)
