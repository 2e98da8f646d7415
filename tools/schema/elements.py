"""The elements of ``CREATE SCHEMA s CREATE TABLE ... CREATE VIEW ...``, as statements of their own.

PostgreSQL lets ``CREATE SCHEMA`` carry *schema elements* (its grammar's ``schemaElts``): ``CREATE
TABLE``, ``CREATE VIEW``, ``CREATE INDEX``, ``CREATE SEQUENCE``, ``CREATE TRIGGER`` and
``GRANT``, each created in the new schema. sqlglot keeps the whole statement as opaque text, so
without this module every table of such a file (AdventureWorks creates its 68 tables this way)
would be missing from the model and from every lint rule.

PostgreSQL's own grammar (pglast) finds the elements, its scanner where each one starts, and
each element's text is parsed by the usual sqlglot path as a statement of its own, located in
the user's file. What PostgreSQL does with them, and this module does too (checked on the
sandbox, see ``tests/model/test_schema_elements.py``):

- an element naming no schema is created in the new schema; one naming another schema is
  refused (SQLSTATE 42P15), so it is left out of the model with a note;
- the elements run in a fixed order, not as written: sequences, tables, views, indexes,
  triggers, grants (:attr:`SchemaElements.in_execution_order`);
- while they run the new schema is first on the ``search_path``: an unqualified name created
  by an element that ran before (or by the element itself) means the new schema's object, any
  other one is looked up along the path as usual. Those references are qualified in the
  elements' trees, so every reader (model, lint rules) resolves them the same way;
- ``AUTHORIZATION CURRENT_USER`` (no schema name) names the schema after a role only the
  server knows: noted, not modelled. (``IF NOT EXISTS`` with elements is a syntax error.)

>>> from dbarch.tools.sql.parse import parse_script
>>> found = schema_elements(parse_script("CREATE SCHEMA s CREATE TABLE t (x int)").statements[0])
>>> found.schema, [e.statement.text for e in found.elements], found.elements[0].statement.expression.this.sql()
('s', ['CREATE TABLE t (x int)'], 's.t (x INT)')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlglot import exp

from dbarch.tools.schema.idents import fold
from dbarch.tools.sql.parse import Note, ParsedScript, ParsedStatement, parse_statement
from dbarch.tools.sql.statements import Statement

__all__ = ["Element", "SchemaElements", "element_notes", "element_statements", "elements_analysed", "schema_elements"]

EXECUTION_ORDER = ("CreateSeqStmt", "CreateStmt", "ViewStmt", "IndexStmt", "CreateTrigStmt", "GrantStmt")
"""The order PostgreSQL runs schema elements in (``transformCreateSchemaStmtElements``)."""

MODELLED = frozenset({"CreateSeqStmt", "CreateStmt", "ViewStmt", "IndexStmt"})
"""Element kinds the schema model reads (sequences are parsed, the model keeps none)."""

_WORDS = {"CreateSeqStmt": "CREATE SEQUENCE", "CreateStmt": "CREATE TABLE", "ViewStmt": "CREATE VIEW",
          "IndexStmt": "CREATE INDEX", "CreateTrigStmt": "CREATE TRIGGER", "GrantStmt": "GRANT"}
_HEAD = re.compile(r"\s*create\s+schema\b", re.I)
_COMMENTS = frozenset({"SQL_COMMENT", "C_COMMENT"})
_SIMPLE = re.compile(r"[a-z_][a-z0-9_$]*")


@dataclass(frozen=True, slots=True)
class Element:
    """One schema element: its own statement (text, place in the file, sqlglot tree) and kind."""

    statement: ParsedStatement
    kind: str
    """PostgreSQL's node name: ``CreateStmt``, ``ViewStmt``, ``IndexStmt``, ``CreateSeqStmt``,
    ``CreateTrigStmt`` or ``GrantStmt``."""
    modelled: bool = True
    """False when the model leaves it out (a trigger, a grant, another schema's name, a tree
    sqlglot could not build)."""


@dataclass(frozen=True, slots=True)
class SchemaElements:
    """What one ``CREATE SCHEMA`` statement creates inside the schema."""

    schema: str | None
    """The new schema's name as PostgreSQL folds it; ``None`` when only the server knows it."""
    elements: tuple[Element, ...]
    """In the order written."""
    notes: tuple[Note, ...] = ()
    """What was left out of the model, and why."""

    @property
    def in_execution_order(self) -> tuple[Element, ...]:
        return tuple(sorted(self.elements, key=lambda e: EXECUTION_ORDER.index(e.kind)))


def schema_elements(stmt: ParsedStatement, dialect: str = "postgres") -> SchemaElements | None:
    """The elements of ``stmt`` when it is a PostgreSQL ``CREATE SCHEMA`` with elements, else
    ``None``. Cheap to call again for the same statement: the answer is cached, and the same
    element objects come back (lint rules memoize facts by statement identity)."""
    if dialect != "postgres" or not stmt.is_sql or stmt.error is not None:
        return None
    if not _HEAD.match(stmt.text):
        return None
    return _read(stmt.statement)


def element_statements(stmt: ParsedStatement, dialect: str = "postgres") -> tuple[ParsedStatement, ...]:
    """The element statements of ``stmt`` that sqlglot analysed, in the order written (``()``
    for any other statement): what statement-level lint rules read in its place."""
    found = schema_elements(stmt, dialect)
    if found is None:
        return ()
    return tuple(e.statement for e in found.elements if e.statement.expression is not None and e.statement.analysed)


@lru_cache(maxsize=256)
def _read(stmt: Statement) -> SchemaElements | None:
    from pglast import parse_sql, parser

    try:
        tree = parse_sql(stmt.text)
        tokens = parser.scan(stmt.text)
    except Exception:  # validated already; anything odd here means "no elements known"
        return None
    node: Any = tree[0].stmt if len(tree) == 1 else None
    if type(node).__name__ != "CreateSchemaStmt" or not node.schemaElts:
        return None
    where = stmt.line, stmt.column
    nodes = list(node.schemaElts)
    spans = _spans(tokens, nodes)
    if spans is None:
        return SchemaElements(None, (), (Note("CREATE SCHEMA: its elements could not be located; not modelled", *where),))
    schema = node.schemaname or _role_name(node.authrole)
    if schema is None:
        return SchemaElements(None, (), (Note(
            "CREATE SCHEMA AUTHORIZATION names the schema after a role only the server knows; its elements are not modelled",
            *where),))
    notes: list[Note] = []
    parsed: list[tuple[int, Element]] = []
    made: set[str] = set()  # names created by the elements that ran so far
    for i in sorted(range(len(nodes)), key=lambda k: EXECUTION_ORDER.index(type(nodes[k]).__name__)):
        start, end = spans[i]
        kind = type(nodes[i]).__name__
        made.update(_created_names(nodes[i]))
        element, note = _element(stmt, schema, kind, start, end, frozenset(made))
        parsed.append((i, element))
        if note is not None:
            notes.append(note)
    parsed.sort(key=lambda p: p[0])
    return SchemaElements(schema, tuple(e for _, e in parsed), tuple(notes))


def _role_name(role: Any) -> str | None:
    """The schema name ``AUTHORIZATION role`` gives: the role's name, unless it is
    ``CURRENT_USER`` or the like (``None``)."""
    return getattr(role, "rolename", None) or None


def _spans(tokens: list[Any], nodes: list[Any]) -> list[tuple[int, int]] | None:
    """``(start, end)`` offsets (end exclusive) of each element's text: each starts at a
    ``CREATE`` or ``GRANT`` outside parentheses (reserved words: nothing else in an element is
    spelled so) and ends at its last token that is not a comment. ``None`` when the scanner and
    PostgreSQL's tree disagree (then nothing is guessed)."""
    starts: list[int] = []
    depth = 0
    for k, tok in enumerate(tokens):
        if tok.name == "ASCII_40":
            depth += 1
        elif tok.name == "ASCII_41":
            depth -= 1
        elif depth == 0 and k > 0 and tok.name in ("CREATE", "GRANT"):
            starts.append(k)
    if len(starts) != len(nodes):
        return None
    spans: list[tuple[int, int]] = []
    for n, k in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        last = next((t for t in reversed(tokens[k:stop]) if t.name not in _COMMENTS), tokens[k])
        start, end = tokens[k].start, last.end + 1
        kind = type(nodes[n]).__name__
        if (tokens[k].name == "GRANT") != (kind == "GrantStmt") or kind not in _WORDS:
            return None
        located = _location(nodes[n])
        if located is not None and not start <= located < end:
            return None
        spans.append((start, end))
    return spans


def _location(node: Any) -> int | None:
    """Where PostgreSQL located the element's object (its name), when it did."""
    for attr in ("relation", "view", "sequence"):
        rel = getattr(node, attr, None)
        location = getattr(rel, "location", None)
        if isinstance(location, int) and location >= 0:
            return location
    return None


def _created_names(node: Any) -> list[str]:
    """Names of the relations an element creates (tables, views, sequences)."""
    kind = type(node).__name__
    rel = {"CreateStmt": "relation", "ViewStmt": "view", "CreateSeqStmt": "sequence"}.get(kind)
    relname = getattr(getattr(node, rel, None), "relname", None) if rel else None
    return [relname] if relname else []


def _element(
    parent: Statement, schema: str, kind: str, start: int, end: int, made: frozenset[str]
) -> tuple[Element, Note | None]:
    line, column = parent.position(start)
    sub = Statement(parent.index, parent.text[start:end], parent.offset + start, line, column)
    parsed = parse_statement(sub, dialect="postgres", source="<sql>", validate=False)  # no errors: validated
    word = _WORDS[kind]
    tree = parsed.expression
    if kind not in MODELLED:
        return Element(parsed, kind, False), Note(
            f"{word} inside CREATE SCHEMA {schema} is not modelled (the server still runs it)", line, column)
    if tree is None or not parsed.analysed:
        return Element(parsed, kind, False), Note(
            f"{word} inside CREATE SCHEMA {schema}: not analysed (sqlglot cannot read it)", line, column)
    target = _target(tree)
    if target is not None and target.args.get("db") is not None and fold(target.args["db"]) != schema:
        return Element(parsed, kind, False), Note(
            f"{word} inside CREATE SCHEMA {schema} names schema {fold(target.args['db'])}: PostgreSQL refuses "
            "it (42P15), left out of the model", line, column)
    _qualify(tree, target, schema, made)
    return Element(parsed, kind), None


def _target(tree: exp.Expression) -> exp.Table | None:
    """The table, view or sequence an element creates, or the table its index is on."""
    if not isinstance(tree, exp.Create):
        return None
    node = tree.this
    if isinstance(node, exp.Index):
        node = node.args.get("table")
    if isinstance(node, exp.Schema):
        node = node.this
    return node if isinstance(node, exp.Table) else None


def _schema_identifier(schema: str) -> exp.Identifier:
    return exp.to_identifier(schema, quoted=not _SIMPLE.fullmatch(schema))


def _qualify(tree: exp.Expression, target: exp.Table | None, schema: str, made: frozenset[str]) -> None:
    """Qualify, in the element's tree, its own object and every unqualified reference to an
    object the statement created before it, as PostgreSQL resolves them (names of common
    table expressions are left alone)."""
    if target is not None and target.args.get("db") is None:
        target.set("db", _schema_identifier(schema))
    ctes = {fold(cte.args.get("alias")) for cte in tree.find_all(exp.CTE) if cte.args.get("alias") is not None}
    for table in tree.find_all(exp.Table):
        if table is target or table.args.get("db") is not None or not isinstance(table.this, exp.Identifier):
            continue
        name = fold(table.this)
        if name in made and name not in ctes:
            table.set("db", _schema_identifier(schema))



def elements_analysed(stmt: ParsedStatement, dialect: str = "postgres") -> bool:
    """``stmt`` is a ``CREATE SCHEMA`` whose every element sqlglot analysed: the statement is
    opaque to sqlglot, but nothing in it went unread."""
    found = schema_elements(stmt, dialect)
    return found is not None and bool(found.elements) and all(
        e.statement.expression is not None and e.statement.analysed for e in found.elements)


def element_notes(script: ParsedScript) -> list[Note]:
    """The notes of every ``CREATE SCHEMA`` with elements in ``script``: what the model left
    out, and why (located in the script's file)."""
    notes: list[Note] = []
    for stmt in script.statements:
        if not stmt.analysed:
            found = schema_elements(stmt, script.dialect)
            if found is not None:
                notes.extend(replace(n, file=script.source) for n in found.notes)
    return notes
