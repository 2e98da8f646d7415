"""A column named twice where PostgreSQL allows it once: the statement fails at run time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, find_all
from dbarch.tools.lint.rules.migration_session import leading, pg_statements
from dbarch.tools.lint.rules.migration_state import identifier_name, located
from dbarch.tools.sql.parse import ParsedStatement

NAMEDATALEN = 63
"""PostgreSQL keeps the first 63 bytes of an identifier: longer names that share them are one."""


def _key(name: str) -> str:
    raw = name.encode()
    return raw[:NAMEDATALEN].decode(errors="ignore") if len(raw) > NAMEDATALEN else name


def _assigned(eq: exp.Expression) -> Iterator[tuple[str, str, exp.Expression]]:
    """``(column, field, node)`` of each target an ``a = ...`` or ``(a, b) = ...`` assignment
    sets: ``field`` is ``""`` for the whole column, the field's name for a composite field
    ``a.x`` (a SET target is never qualified by its table, so ``a.x`` is column ``a``). An array
    element ``a[1]`` is left alone."""
    target = eq.this if isinstance(eq, exp.EQ) else None
    items = target.expressions if isinstance(target, exp.Tuple) else [target]
    for item in items:
        if isinstance(item, exp.Column) and not item.args.get("db"):
            if item.table:
                yield identifier_name(item.args.get("table")), identifier_name(item.this), item
            else:
                yield identifier_name(item), "", item


def _clashes(targets: Iterable[tuple[str, str, exp.Expression]]) -> Iterator[tuple[str, exp.Expression]]:
    """Targets that set a column already set: the same column or field twice, or a whole
    column next to one of its fields (``multiple assignments to same column``)."""
    whole: set[str] = set()
    fields: dict[str, set[str]] = {}
    for column, field, node in targets:
        column = _key(column)
        if column in whole or (not field and column in fields) or field in fields.get(column, ()):
            yield column, node
        if field:
            fields.setdefault(column, set()).add(field)
        else:
            whole.add(column)


def _twice(named: Iterable[tuple[str, exp.Expression]]) -> Iterator[tuple[str, exp.Expression]]:
    return _clashes((name, "", node) for name, node in named)


def output_name(item: exp.Expression) -> str | None:
    """The name PostgreSQL gives a select-list item (``None`` when this linter cannot tell):
    its alias, a column's name, ``?column?`` for a constant or an operator expression, a
    function call's name."""
    if isinstance(item, exp.Alias):
        return identifier_name(item.args.get("alias"))
    if isinstance(item, exp.Column):
        return None if isinstance(item.this, exp.Star) else identifier_name(item.this)
    if isinstance(item, exp.Literal | exp.Neg | exp.Not | exp.Paren) or (
        isinstance(item, exp.Binary) and not isinstance(item, exp.Dot)
    ):
        return "?column?"
    if isinstance(item, exp.Anonymous):
        return item.name.lower()
    return None


def _outputs(query: exp.Expression | None) -> list[tuple[str, exp.Expression]]:
    if not isinstance(query, exp.Query):
        return []
    return [(name, item) for item in query.selects if (name := output_name(item)) is not None]


class DuplicateColumnAssignment(Rule):
    """## What it does
    Flags a column named twice in one `UPDATE ... SET`, `ON CONFLICT DO UPDATE SET` or
    `MERGE` (a whole column next to one of its fields, `SET a = ..., a.x = ...`, counts), an
    `INSERT` column list (`MERGE ... INSERT` too), `CREATE TABLE`, `CREATE FOREIGN TABLE`,
    `CREATE VIEW`, `CREATE TABLE ... AS` or `SELECT ... INTO` (the column list, or the output
    names of the query: two unnamed constants are both `?column?`). `"status"` and `STATUS`
    are the same column, and so are two names that share their first 63 bytes.

    ## Why is this bad
    PostgreSQL rejects the statement at run time (`multiple assignments to same column`,
    `column specified more than once`): a migration or a data backfill stops there.

    ## Example
    ```sql
    UPDATE invoices SET status = 'paid', amount = 10, status = 'open' WHERE id = 7;
    ```

    ## Use instead
    ```sql
    UPDATE invoices SET status = 'open', amount = 10 WHERE id = 7;
    ```
    """

    id = "duplicate-column-assignment"
    severity = Severity.ERROR
    message = "Name each column once: PostgreSQL rejects a statement that assigns or declares a column twice"
    hint = "keep the assignment (or definition) you mean and delete the other"
    family = "queries"
    node_types = (exp.Update, exp.OnConflict, exp.Insert, exp.Create, exp.Into)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if tree is None:
            return
        for node in find_all(stmt, exp.Update, exp.OnConflict, exp.Insert):
            if isinstance(node, exp.Update | exp.OnConflict):
                targets = [t for eq in node.expressions for t in _assigned(eq)]
                yield from self._report(stmt, "assigned", _clashes(targets))
            elif isinstance(node, exp.Insert) and isinstance(node.this, exp.Schema | exp.Tuple):
                # INSERT INTO t (a, b) and MERGE ... WHEN NOT MATCHED THEN INSERT (a, b)
                names = [(identifier_name(i), i) for i in node.this.expressions if isinstance(i, exp.Identifier | exp.Column)]
                yield from self._report(stmt, "listed", _twice(names))
        if isinstance(tree, exp.Create):
            yield from self._create(stmt, tree)
        elif isinstance(tree, exp.Select) and tree.args.get("into") is not None:
            yield from self._report(stmt, "named in the new table", _twice(_outputs(tree)))

    def _create(self, stmt: ParsedStatement, tree: exp.Create) -> Iterator[Diagnostic]:
        kind = str(tree.args.get("kind") or "").upper()
        if isinstance(tree.this, exp.Schema) and kind in {"TABLE", "VIEW", "MATERIALIZED VIEW"}:
            defs = [(identifier_name(d.this), d) if isinstance(d, exp.ColumnDef) else (identifier_name(d), d)
                    for d in tree.this.expressions if isinstance(d, exp.ColumnDef | exp.Identifier)]
            yield from self._report(stmt, "declared", _twice(defs))
        elif kind in {"VIEW", "MATERIALIZED VIEW"}:
            yield from self._report(stmt, "named in the view", _twice(_outputs(tree.expression)))
        elif kind == "TABLE":  # CREATE TABLE ... AS SELECT
            yield from self._report(stmt, "named in the new table", _twice(_outputs(tree.expression)))

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        """``CREATE FOREIGN TABLE``, which sqlglot cannot read: PostgreSQL's grammar can."""
        if not _ANY_FOREIGN_TABLE.search(ctx.script.text):
            return  # one pass over the text: most scripts have none
        for st, node in pg_statements(ctx.script.statements, _CREATE, _FOREIGN_TABLE):
            names = [getattr(c, "colname", None) for c in (getattr(getattr(node, "base", None), "tableElts", None) or ())]
            seen: set[str] = set()
            for name in names:
                if name and _key(name) in seen:
                    yield self.at(st, message=f"Name each column once: {name} is declared twice, and PostgreSQL rejects the statement")
                seen.add(_key(name or ""))

    def _report(self, stmt: ParsedStatement, verb: str, clashes: Iterable[tuple[str, exp.Expression]]) -> Iterator[Diagnostic]:
        for name, node in clashes:
            yield self.at(stmt, located(node), message=(
                f"Name each column once: {name} is {verb} twice, and PostgreSQL rejects the statement"
            ))


_CREATE = frozenset({"create"})
_FOREIGN_TABLE = leading("create foreign table")
_ANY_FOREIGN_TABLE = re.compile(r"\bforeign\s+table\b", re.I)


RULES: tuple[type[Rule], ...] = (DuplicateColumnAssignment,)
