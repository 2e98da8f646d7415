"""What the migration rules need to know about the script around one statement.

One ordered pass over the script (``script_state``) records, for every statement, whether it
runs inside ``BEGIN ... COMMIT``, whether a non-zero ``lock_timeout`` is in effect, and which
tables and enum types the script created before it. Rules then ask
:func:`is_existing_at`: a table changed by a statement is *existing* when it was there before
the script (in ``ctx.existing``; with no current schema given, any table the script changes but
never creates must already exist) and the script has not created it earlier. Tables created in
the same migration are new and empty: locking rules never fire on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from sqlglot import exp

from dbarch.tools.lint.base import LintContext, memoized
from dbarch.tools.lint.rules._util import table_key
from dbarch.tools.lint.rules.migration_session import (
    SessionTrace,
    first_word,
    pg_created_keys,
    pg_tree as _pg_tree,
    trace_session,
)
from dbarch.tools.schema.idents import DEFAULT_PATH, display_key, search_path_setting
from dbarch.tools.schema.model import Index, qualify
from dbarch.tools.sql.parse import ParsedScript, ParsedStatement


@dataclass(frozen=True, slots=True)
class StatementState:
    """The script's state just before one statement runs."""

    in_transaction: bool
    lock_timeout: bool
    """A non-zero ``lock_timeout`` set earlier in the script is still in effect."""
    statement_timeout: bool = False


@dataclass(frozen=True, slots=True)
class ScriptState:
    by_index: dict[int, StatementState]
    created_at: dict[str, int]
    """Statement index of the first ``CREATE TABLE`` / ``CREATE TYPE`` of each key."""
    changes_unknown_table: bool
    """The script alters, drops or indexes a table it does not create (so it is a migration)."""
    dropped_if_exists_at: dict[tuple[str, str], int]
    """``(table key, constraint)`` -> first ``DROP CONSTRAINT IF EXISTS`` of it."""
    not_null_proven_at: dict[tuple[str, str], int]
    """``(table key, column)`` -> first statement after which a valid ``CHECK (col IS NOT
    NULL)`` exists (added without NOT VALID, or validated by ``VALIDATE CONSTRAINT``)."""
    session: SessionTrace = field(default_factory=SessionTrace)
    """Transaction blocks and timeouts before each statement (and the mistakes met)."""
    paths: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Statement index -> the ``search_path`` it runs under, when not the default."""
    constraint_drops: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """``(table key, constraint)`` -> every ``DROP CONSTRAINT IF EXISTS`` of it, in order."""
    constraint_adds: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """``(table key, constraint)`` -> every ``ADD CONSTRAINT`` of it, in order."""

    def path_at(self, stmt: ParsedStatement) -> tuple[str, ...]:
        return self.paths.get(stmt.statement.index, DEFAULT_PATH)

    def at(self, stmt: ParsedStatement) -> StatementState:
        return self.by_index.get(stmt.statement.index, _EMPTY)

    @property
    def created(self) -> frozenset[str]:
        return frozenset(self.created_at)

    def created_before(self, stmt: ParsedStatement, key: str) -> bool:
        return self.created_at.get(key, stmt.statement.index) < stmt.statement.index

    def dropped_before(self, stmt: ParsedStatement, key: str, constraint: str) -> bool:
        """A ``DROP CONSTRAINT IF EXISTS`` of it runs before ``stmt`` and after any earlier
        ``ADD CONSTRAINT`` of the same name (which that second ADD would collide with)."""
        index = stmt.statement.index
        drops = [i for i in self.constraint_drops.get((key, constraint), ()) if i < index]
        adds = [i for i in self.constraint_adds.get((key, constraint), ()) if i < index]
        return bool(drops) and (not adds or max(drops) > max(adds))

    def not_null_proven_before(self, stmt: ParsedStatement, key: str, column: str) -> bool:
        at = self.not_null_proven_at.get((key, column))
        return at is not None and at < stmt.statement.index


_EMPTY = StatementState(False, False)
_CACHE: dict[tuple[int, bool], tuple[ParsedScript, ScriptState]] = {}


def script_state(ctx: LintContext) -> ScriptState:
    """The state before each statement of ``ctx.script`` (computed once per script)."""
    return _state(ctx.script, ctx.assume_in_transaction)


def _state(script: ParsedScript, assume_in_transaction: bool) -> ScriptState:
    key = (id(script), assume_in_transaction)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is script:
        return hit[1]
    state = _compute(script, assume_in_transaction)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = (script, state)
    return state


def _compute(script: ParsedScript, assume_in_transaction: bool = False) -> ScriptState:
    session = trace_session(script.statements, assume_in_transaction) if script.dialect == "postgres" else SessionTrace()
    state = ScriptState({}, {}, False, {}, {}, session)
    touched = False
    pending: dict[tuple[str, str], str] = {}  # NOT VALID not-null checks: constraint -> column
    path: tuple[str, ...] = DEFAULT_PATH
    for st in script.statements:
        index, tree = st.statement.index, st.expression
        if path != DEFAULT_PATH:
            state.paths[index] = path
        if tree is not None and "search_path" in st.text.lower():
            setting = search_path_setting(tree)
            if setting is not None:
                path = tuple(setting) or DEFAULT_PATH
        now = session.before.get(index)
        if now is not None:
            state.by_index[index] = StatementState(now.in_transaction, now.lock_timeout, now.statement_timeout)
        if tree is None or not st.analysed:
            if st.is_sql and st.error is None and script.dialect == "postgres":
                word = first_word(st.text)
                if word == "create":
                    for made in pg_created_keys(_pg_tree(st.text), path):
                        state.created_at.setdefault(made, index)
                # a NOT VALID check waiting for its VALIDATE
                elif pending and word == "alter":
                    _read_validate(state, pending, index, _pg_tree(st.text))
            continue
        if isinstance(tree, exp.Create) and (key := created_key(tree)) is not None:
            state.created_at.setdefault(key, index)
        elif (alter := alter_table(tree)) is not None:
            _read_constraints(state, pending, index, alter, bool(tree.args.get("not_valid")))
            if any(isinstance(a, exp.AlterRename) for a in alter[1]) and _renames_table(st.text):
                _read_rename(state, index, alter)
        target = changed_table(tree)
        touched = touched or (target is not None and target not in state.created_at) or _drops_old_object(tree, state)
    return ScriptState(
        state.by_index, state.created_at, touched, state.dropped_if_exists_at, state.not_null_proven_at, session,
        state.paths, state.constraint_drops, state.constraint_adds,
    )


_OBJECT_DROPS = frozenset({"TYPE", "VIEW", "MATERIALIZED VIEW"})
"""Kinds whose creation :func:`_compute` records (functions and sequences it does not: a
script dropping the function it created must not read as a migration)."""


def _drops_old_object(tree: exp.Expression, state: ScriptState) -> bool:
    """A ``DROP INDEX``, or a ``DROP`` (without IF EXISTS) of a type or view the script did not
    create: the object was there before, so this is a migration."""
    if not isinstance(tree, exp.Drop):
        return False
    kind = str(tree.args.get("kind") or "").upper()
    if kind == "INDEX":
        return True
    if kind not in _OBJECT_DROPS or tree.args.get("exists"):
        return False
    tables = [t for t in tree.args.get("tables") or () if isinstance(t, exp.Table)]
    return any(table_key(t) not in state.created_at for t in tables) or not tables


def _renames_table(text: str) -> bool:
    node = _pg_tree(text)  # sqlglot reads ALTER TABLE t RENAME c TO d as a table rename
    return type(node).__name__ == "RenameStmt" and getattr(node.renameType, "name", "") == "OBJECT_TABLE"


def _read_rename(state: ScriptState, index: int, alter: tuple[str, list[exp.Expression]]) -> None:
    """A table the script created keeps being new under its new name (``RENAME TO``)."""
    key, actions = alter
    if key not in state.created_at:
        return
    for action in actions:
        target = action.this if isinstance(action, exp.AlterRename) else None
        if isinstance(target, exp.Table) and not target.db:
            state.created_at.setdefault(qualify(identifier_name(target.this), key.split(".", 1)[0]), index)


def _read_constraints(
    state: ScriptState,
    pending: dict[tuple[str, str], str],
    index: int,
    alter: tuple[str, list[exp.Expression]],
    not_valid: bool,
) -> None:
    key, actions = alter
    for action in actions:
        if isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() == "CONSTRAINT":
            for name in action.args.get("tables") or () if action.args.get("exists") else ():
                state.dropped_if_exists_at.setdefault((key, identifier_name(name.this)), index)
                state.constraint_drops.setdefault((key, identifier_name(name.this)), []).append(index)
        if isinstance(action, exp.AddConstraint):
            for named in action.expressions:
                if isinstance(named, exp.Constraint):
                    state.constraint_adds.setdefault((key, identifier_name(named.this)), []).append(index)
        for constraint in action.find_all(exp.Constraint):
            body = constraint.find(exp.CheckColumnConstraint)
            column = not_null_check_column(body.this) if body is not None else None
            if column is None:
                continue
            if not_valid:
                pending[(key, identifier_name(constraint.this))] = column
            else:
                state.not_null_proven_at.setdefault((key, column), index)


def _read_validate(
    state: ScriptState, pending: dict[tuple[str, str], str], index: int, node: Any
) -> None:
    """``ALTER TABLE t VALIDATE CONSTRAINT c`` (opaque to sqlglot; read from pglast's tree)."""
    if type(node).__name__ != "AlterTableStmt":
        return
    key = qualify(node.relation.relname, node.relation.schemaname or None)
    for cmd in node.cmds or ():
        if getattr(cmd.subtype, "name", "") == "AT_ValidateConstraint" and cmd.name:
            column = pending.get((key, cmd.name))
            if column is not None:
                state.not_null_proven_at.setdefault((key, column), index)


def not_null_check_column(expr: exp.Expr | None) -> str | None:
    """The column of ``CHECK (column IS NOT NULL)`` (sqlglot writes ``Is(negate=True)`` or
    ``Not(Is(...))``), else ``None``."""
    if isinstance(expr, exp.Paren):
        expr = expr.this
    if isinstance(expr, exp.Not) and isinstance(expr.this, exp.Is):
        expr, negated = expr.this, True
    else:
        negated = isinstance(expr, exp.Is) and bool(expr.args.get("negate"))
    if negated and isinstance(expr, exp.Is) and isinstance(expr.expression, exp.Null):
        return identifier_name(expr.this) if isinstance(expr.this, exp.Column) else None
    return None


def created_key(tree: exp.Create) -> str | None:
    """Key of the table, view or type a ``CREATE TABLE`` / ``VIEW`` / ``TYPE`` makes."""
    kind = str(tree.args.get("kind") or "").upper()
    if kind not in {"TABLE", "TYPE", "VIEW", "MATERIALIZED VIEW"}:
        return None
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    return table_key(target) if isinstance(target, exp.Table) else None


def changed_table(tree: exp.Expression) -> str | None:
    """Key of the table an ``ALTER TABLE``, ``CREATE INDEX`` or ``DROP TABLE`` changes."""
    if isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
        return table_key(tree.this)
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Index):
        table = tree.this.args.get("table")
        return table_key(table) if isinstance(table, exp.Table) else None
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind") or "").upper() == "TABLE":
        if tree.args.get("exists"):
            return None  # IF EXISTS: a script that resets its tables, not a change to live ones
        tables = [t for t in tree.args.get("tables") or () if isinstance(t, exp.Table)]
        return table_key(tables[0]) if tables else None
    if isinstance(tree, exp.TruncateTable):
        tables = [t for t in tree.expressions if isinstance(t, exp.Table)]
        return table_key(tables[0]) if tables else None
    return None


def created_tables(script: ParsedScript) -> frozenset[str]:
    """Keys of the tables, views and types ``script`` creates (read by sqlglot or, where it
    cannot, by PostgreSQL's grammar)."""
    return frozenset(_state(script, False).created_at)


def existed_before_script(ctx: LintContext, key: str) -> bool:
    """The table (or type) was there before the script ran.

    With a current schema (``ctx.existing``) that decides; without one, a table the script
    changes but never creates must already exist, or the statement itself would fail.
    """
    if key in ctx.created_here and key not in ctx.existing.tables:
        return False
    if ctx.existing.tables or ctx.existing.enums:
        return key in ctx.existing.tables or key in ctx.existing.enums
    return key not in script_state(ctx).created


def is_existing_at(ctx: LintContext, stmt: ParsedStatement, key: str) -> bool:
    """``key`` existed before the script and the script has not (re)created it before ``stmt``."""
    return existed_before_script(ctx, key) and not script_state(ctx).created_before(stmt, key)


def is_migration(ctx: LintContext) -> bool:
    """The script changes a schema that already exists (not a fresh schema file)."""
    return bool(ctx.existing.tables) or script_state(ctx).changes_unknown_table


def existing_index(ctx: LintContext, name: exp.Table) -> Index | None:
    """The index ``name`` names in the schema before the script, if it is known."""
    schema = name.db or None
    wanted = name.name if _quoted(name) else name.name.lower()
    for index in ctx.existing.indexes:
        if index.name == wanted and (schema is None or index.table.startswith(f"{schema}.")):
            return index
    return None


def existing_index_named(ctx: LintContext, name: str, schema: str | None = None) -> Index | None:
    """The index called ``name`` (as PostgreSQL folded it) in the schema before the script."""
    for index in ctx.existing.indexes:
        if index.name == name and (schema is None or index.table.startswith(f"{schema}.")):
            return index
    return None


def _quoted(table: exp.Table) -> bool:
    return isinstance(table.this, exp.Identifier) and bool(table.this.args.get("quoted"))


def alter_table(tree: exp.Expression | None) -> tuple[str, list[exp.Expression]] | None:
    """``(table key, actions)`` of an ``ALTER TABLE`` statement (read once per lint run: a
    dozen migration rules ask about every ALTER)."""
    if not isinstance(tree, exp.Alter):
        return None
    key, actions = memoized(("alter_table", id(tree)), lambda: _alter_table(tree))
    return None if key is None else (key, list(actions))


def _alter_table(tree: exp.Alter) -> tuple[str | None, tuple[exp.Expression, ...]]:
    if str(tree.args.get("kind") or "").upper() != "TABLE" or not isinstance(tree.this, exp.Table):
        return None, ()
    return table_key(tree.this), tuple(tree.args.get("actions") or ())


def identifier_name(node: exp.Expression | None) -> str:
    """An identifier as PostgreSQL folds it (unquoted names lower-cased)."""
    if isinstance(node, exp.Column):
        node = node.this
    if isinstance(node, exp.Identifier):
        return node.name if node.args.get("quoted") else node.name.lower()
    return node.name.lower() if node is not None else ""


def opaque_statements(
    ctx: LintContext, kinds: frozenset[str] | None = None
) -> Iterator[tuple[ParsedStatement, Any]]:
    """Statements sqlglot keeps opaque (``ALTER TYPE ... ADD VALUE``, ``VALIDATE CONSTRAINT``),
    each with PostgreSQL's own parse tree (a pglast node) so rules can still read them.

    ``kinds`` (pglast node names, ``{"AlterEnumStmt"}``) keeps only those statements, and spares
    building a tree for the others (a long ``CREATE FUNCTION`` body, a ``DO`` block): a
    statement whose leading keywords cannot start one of ``kinds`` is never parsed."""
    if kinds is None:
        yield from _opaque(ctx.script)
        return
    prefixes = {_LEADING.get(kind) for kind in kinds}
    known = frozenset(p for p in prefixes if p is not None)
    for st, node in _opaque(ctx.script, None if None in prefixes else known):
        if type(node).__name__ in kinds:
            yield st, node


_LEADING: dict[str, tuple[str, str] | None] = {
    "AlterEnumStmt": ("ALTER", "TYPE_P"),
    "AlterDomainStmt": ("ALTER", "DOMAIN_P"),
    "CreateDomainStmt": ("CREATE", "DOMAIN_P"),
    "AlterTableStmt": ("ALTER", "TABLE"),
}
"""The first two keywords (pglast scanner token names) of each statement kind rules ask for;
kinds not listed are always parsed."""

_OPAQUE: dict[int, tuple[ParsedScript, dict[int, Any], dict[int, tuple[str, str] | None]]] = {}


def _opaque(
    script: ParsedScript, prefixes: frozenset[tuple[str, str]] | None = None
) -> list[tuple[ParsedStatement, Any]]:
    """:func:`opaque_statements` of ``script`` whose leading keywords are in ``prefixes`` (all
    when ``None``); each tree is built once per script for every rule asking."""
    if script.dialect != "postgres":
        return []
    hit = _OPAQUE.get(id(script))
    if hit is None or hit[0] is not script:
        if len(_OPAQUE) > 16:
            _OPAQUE.clear()
        hit = _OPAQUE[id(script)] = (script, {}, {})
    _, trees, leads = hit
    found: list[tuple[ParsedStatement, Any]] = []
    for st in script.statements:
        if not st.is_sql or st.analysed or st.error is not None:
            continue
        key = st.statement.index
        if key not in trees:
            if prefixes is not None:
                if key not in leads:
                    leads[key] = _leading_keywords(st.text)
                if leads[key] is not None and leads[key] not in prefixes:
                    continue
            trees[key] = _pg_tree(st.text)
        if trees[key] is not None:
            found.append((st, trees[key]))
    return found


def _leading_keywords(text: str) -> tuple[str, str] | None:
    """The first two tokens of ``text`` as pglast's scanner names them (``("ALTER", "TYPE_P")``)."""
    from pglast import parser as pgparser

    try:
        tokens = [t.name for t in pgparser.scan(text) if t.name not in ("C_COMMENT", "SQL_COMMENT")]
    except Exception:  # the scanner rejects it: let the parser decide
        return None
    return (tokens[0], tokens[1]) if len(tokens) >= 2 else None


def located(node: exp.Expr | None) -> exp.Expression | None:
    """``node`` typed for :meth:`Rule.at` (sqlglot 30 types some nodes as bare ``Expr``)."""
    return cast("exp.Expression", node) if node is not None else None


display = display_key
"""A table key as people read it (:func:`~dbarch.tools.schema.idents.display_key`)."""


__all__ = [
    "ScriptState",
    "StatementState",
    "alter_table",
    "changed_table",
    "display",
    "existed_before_script",
    "existing_index",
    "identifier_name",
    "is_existing_at",
    "is_migration",
    "located",
    "not_null_check_column",
    "opaque_statements",
    "qualify",
    "script_state",
]
