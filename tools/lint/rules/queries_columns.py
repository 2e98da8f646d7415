"""A column named twice where PostgreSQL allows it once: the statement fails at run time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, find_all
from dbarch.tools.lint.rules.migration_state import identifier_name, located
from dbarch.tools.sql.parse import ParsedStatement


def _assigned(eq: exp.Expression) -> Iterator[exp.Expression]:
    """The columns an ``a = ...`` or ``(a, b) = ...`` assignment sets; a partial assignment
    (a composite field ``a.x`` or an array element ``a[1]``) is not the whole column."""
    target = eq.this if isinstance(eq, exp.EQ) else None
    items = target.expressions if isinstance(target, exp.Tuple) else [target]
    for item in items:
        if isinstance(item, exp.Column) and not item.table:
            yield item


def _twice(named: Iterable[tuple[str, exp.Expression]]) -> Iterator[tuple[str, exp.Expression]]:
    seen: set[str] = set()
    for name, node in named:
        if name in seen:
            yield name, node
        seen.add(name)


class DuplicateColumnAssignment(Rule):
    """## What it does
    Flags a column named twice in one `UPDATE ... SET`, `ON CONFLICT DO UPDATE SET`,
    `INSERT` column list, `CREATE TABLE` or `CREATE VIEW` (its column list, or the output
    names of its query). `"status"` and `STATUS` are the same column.

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
    node_types = (exp.Update, exp.OnConflict, exp.Insert, exp.Create)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if tree is None:
            return
        for node in find_all(stmt, exp.Update, exp.OnConflict):
            if isinstance(node, exp.Update | exp.OnConflict):
                cols = [c for eq in node.expressions for c in _assigned(eq)]
                yield from self._report(stmt, "assigned", ((identifier_name(c), c) for c in cols))
        if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Schema):
            names = [(identifier_name(i), i) for i in tree.this.expressions if isinstance(i, exp.Identifier | exp.Column)]
            yield from self._report(stmt, "listed", names)
        if isinstance(tree, exp.Create):
            yield from self._create(stmt, tree)

    def _create(self, stmt: ParsedStatement, tree: exp.Create) -> Iterator[Diagnostic]:
        kind = str(tree.args.get("kind") or "").upper()
        if isinstance(tree.this, exp.Schema) and kind in {"TABLE", "VIEW", "MATERIALIZED VIEW"}:
            defs = [(identifier_name(d.this), d) if isinstance(d, exp.ColumnDef) else (identifier_name(d), d)
                    for d in tree.this.expressions if isinstance(d, exp.ColumnDef | exp.Identifier)]
            yield from self._report(stmt, "declared", defs)
        elif kind in {"VIEW", "MATERIALIZED VIEW"} and isinstance(tree.expression, exp.Select):
            outputs: list[tuple[str, exp.Expression]] = []
            for item in tree.expression.expressions:
                if isinstance(item, exp.Alias):
                    outputs.append((identifier_name(item.args.get("alias")), item))
                elif isinstance(item, exp.Column) and not isinstance(item.this, exp.Star):
                    outputs.append((identifier_name(item.this), item))
            yield from self._report(stmt, "named in the view", outputs)

    def _report(self, stmt: ParsedStatement, verb: str, named: Iterable[tuple[str, exp.Expression]]) -> Iterator[Diagnostic]:
        for name, node in _twice(named):
            yield self.at(stmt, located(node), message=(
                f"Name each column once: {name} is {verb} twice, and PostgreSQL rejects the statement"
            ))


RULES: tuple[type[Rule], ...] = (DuplicateColumnAssignment,)
