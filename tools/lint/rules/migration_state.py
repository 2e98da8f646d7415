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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlglot import exp

from tools.lint.base import LintContext
from tools.lint.rules._util import table_key
from tools.parse import ParsedScript, ParsedStatement
from tools.schema import DEFAULT_SCHEMA, Index, qualify


@dataclass(frozen=True, slots=True)
class StatementState:
    """The script's state just before one statement runs."""

    in_transaction: bool
    lock_timeout: bool
    """A non-zero ``lock_timeout`` set earlier in the script is still in effect."""
    created_before: frozenset[str]
    """Qualified keys of tables (and enum types) the script created before this statement."""


@dataclass(frozen=True, slots=True)
class ScriptState:
    by_index: dict[int, StatementState]
    created: frozenset[str]
    """Every table and enum type the script creates."""
    changes_unknown_table: bool
    """The script alters, drops or indexes a table it does not create (so it is a migration)."""

    def at(self, stmt: ParsedStatement) -> StatementState:
        return self.by_index.get(stmt.statement.index, _EMPTY)


_EMPTY = StatementState(False, False, frozenset())
_CACHE: dict[int, tuple[ParsedScript, ScriptState]] = {}


def script_state(ctx: LintContext) -> ScriptState:
    """The state before each statement of ``ctx.script`` (computed once per script)."""
    hit = _CACHE.get(id(ctx.script))
    if hit is not None and hit[0] is ctx.script:
        return hit[1]
    state = _compute(ctx.script)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[id(ctx.script)] = (ctx.script, state)
    return state


def _compute(script: ParsedScript) -> ScriptState:
    by_index: dict[int, StatementState] = {}
    in_tx = session_timeout = local_timeout = False
    created: set[str] = set()
    touched: set[str] = set()
    for st in script.statements:
        tree = st.expression
        by_index[st.statement.index] = StatementState(
            in_tx, session_timeout or local_timeout, frozenset(created)
        )
        if tree is None:
            continue
        if is_begin(tree):
            in_tx = True
        elif isinstance(tree, exp.Commit | exp.Rollback) and not tree.args.get("savepoint"):
            in_tx = local_timeout = False
        elif isinstance(tree, exp.Set):
            for value, local in lock_timeout_settings(tree):
                if local and in_tx:
                    local_timeout = value
                elif not local:
                    session_timeout = value
        elif isinstance(tree, exp.Create) and (key := created_key(tree)) is not None:
            created.add(key)
        target = changed_table(tree)
        if target is not None and target not in created:
            touched.add(target)
    return ScriptState(by_index, frozenset(created), bool(touched))


def is_begin(tree: exp.Expression) -> bool:
    """``BEGIN`` / ``START TRANSACTION`` (sqlglot reads the latter as a column alias)."""
    if isinstance(tree, exp.Transaction):
        return True
    return (
        isinstance(tree, exp.Alias)
        and isinstance(tree.this, exp.Column)
        and tree.this.name.upper() == "START"
        and tree.alias.upper() == "TRANSACTION"
    )


def lock_timeout_settings(tree: exp.Set) -> Iterator[tuple[bool, bool]]:
    """``(non-zero, is SET LOCAL)`` for each ``lock_timeout`` the statement sets."""
    for item in tree.expressions:
        if not isinstance(item, exp.SetItem) or not isinstance(item.this, exp.EQ):
            continue
        target, value = item.this.this, item.this.expression
        if isinstance(target, exp.Column | exp.Identifier) and target.name.lower() == "lock_timeout":
            text = value.name if isinstance(value, exp.Literal) else value.sql()
            nonzero = text.strip().lower() not in {"0", "0s", "0ms", "default"}
            yield nonzero, str(item.args.get("kind") or "").upper() == "LOCAL"


def created_key(tree: exp.Create) -> str | None:
    """Key of the table or type a ``CREATE TABLE`` / ``CREATE TYPE`` makes."""
    kind = str(tree.args.get("kind") or "").upper()
    if kind not in {"TABLE", "TYPE"}:
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
        tables = [t for t in tree.args.get("tables") or () if isinstance(t, exp.Table)]
        return table_key(tables[0]) if tables else None
    if isinstance(tree, exp.TruncateTable):
        tables = [t for t in tree.expressions if isinstance(t, exp.Table)]
        return table_key(tables[0]) if tables else None
    return None


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
    return existed_before_script(ctx, key) and key not in script_state(ctx).at(stmt).created_before


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


def _quoted(table: exp.Table) -> bool:
    return isinstance(table.this, exp.Identifier) and bool(table.this.args.get("quoted"))


def alter_table(tree: exp.Expression | None) -> tuple[str, list[exp.Expression]] | None:
    """``(table key, actions)`` of an ``ALTER TABLE`` statement."""
    if not isinstance(tree, exp.Alter) or str(tree.args.get("kind") or "").upper() != "TABLE":
        return None
    if not isinstance(tree.this, exp.Table):
        return None
    return table_key(tree.this), list(tree.args.get("actions") or ())


def identifier_name(node: exp.Expression | None) -> str:
    """An identifier as PostgreSQL folds it (unquoted names lower-cased)."""
    if isinstance(node, exp.Column):
        node = node.this
    if isinstance(node, exp.Identifier):
        return node.name if node.args.get("quoted") else node.name.lower()
    return node.name.lower() if node is not None else ""


def opaque_statements(ctx: LintContext) -> Iterator[tuple[ParsedStatement, Any]]:
    """Statements sqlglot keeps opaque (``ALTER TYPE ... ADD VALUE``, ``VALIDATE CONSTRAINT``),
    each with PostgreSQL's own parse tree (a pglast node) so rules can still read them."""
    if ctx.script.dialect != "postgres":
        return
    for st in ctx.script.statements:
        if st.is_sql and not st.analysed and st.error is None:
            node = _pg_tree(st.text)
            if node is not None:
                yield st, node


@lru_cache(maxsize=512)
def _pg_tree(text: str) -> Any:
    from pglast import parse_sql
    from pglast import parser as pgparser

    try:
        parsed = parse_sql(text)
    except pgparser.ParseError:
        return None
    return parsed[0].stmt if len(parsed) == 1 else None


def validated_constraints(ctx: LintContext, before: ParsedStatement) -> frozenset[tuple[str, str]]:
    """``(table key, constraint name)`` of every ``VALIDATE CONSTRAINT`` before ``before``."""
    found: set[tuple[str, str]] = set()
    for st, node in opaque_statements(ctx):
        if st.statement.index >= before.statement.index:
            break
        if type(node).__name__ != "AlterTableStmt":
            continue
        rel = node.relation
        key = qualify(rel.relname, rel.schemaname or None)
        for cmd in node.cmds or ():
            if getattr(cmd.subtype, "name", "") == "AT_ValidateConstraint" and cmd.name:
                found.add((key, cmd.name))
    return frozenset(found)


def located(node: exp.Expr | None) -> exp.Expression | None:
    """``node`` typed for :meth:`Rule.at` (sqlglot 30 types some nodes as bare ``Expr``)."""
    return cast("exp.Expression", node) if node is not None else None


def display(key: str) -> str:
    schema, _, name = key.partition(".")
    return name if schema == DEFAULT_SCHEMA else key


__all__ = [
    "ScriptState",
    "StatementState",
    "alter_table",
    "changed_table",
    "display",
    "existed_before_script",
    "existing_index",
    "identifier_name",
    "is_begin",
    "is_existing_at",
    "is_migration",
    "located",
    "opaque_statements",
    "qualify",
    "script_state",
    "validated_constraints",
]
