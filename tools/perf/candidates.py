"""Index candidates read from query trees (sqlglot), one pure pass per query.

For each table a query touches: equality predicates (``=``, ``IN``, ``IS NULL``), range
predicates (``<``, ``BETWEEN``, ``LIKE 'prefix%'``), join keys, ORDER BY and GROUP BY columns.
From them: single-column indexes, multi-column ones (equality columns first, then one range
or the ORDER BY; all the join keys of one table together, then its range), covering variants
(``INCLUDE`` the other columns the query reads from the table) and partial indexes for
predicates on constants (``WHERE status = 'pending'``).

A constant in a workload query is almost always a parameter someone typed in: an index tied to
``account_id = 4242`` serves account 4242 only. So a partial index on a constant is proposed
only for the columns the caller names as *fixed* (the advisor passes the columns with few
distinct values in the data, a status or a flag, and those the user marks); every other
constant is treated as a parameter, and its column leads a plain index instead.

Example: ``SELECT id FROM orders WHERE customer_id = $1 AND status = 'open' ORDER BY placed_at``
gives ``orders(customer_id)``, ``orders(customer_id, placed_at)`` and
``orders(customer_id, placed_at) INCLUDE (id)``, among others, and, when ``orders.status`` is
fixed, ``orders(customer_id, placed_at) WHERE status = 'open'``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

Columns = Mapping[str, set[str]]
"""Table name → its column names (from the catalog)."""

Fixed = Collection[tuple[str, str]]
"""``(table, column)`` pairs whose constants are really fixed (partial indexes allowed)."""


@dataclass(frozen=True, slots=True, order=True)
class IndexSpec:
    table: str
    columns: tuple[str, ...]
    include: tuple[str, ...] = ()
    where: str | None = None
    """Predicate of a partial index, as PostgreSQL SQL."""

    def body(self) -> str:
        """``table (a, b) INCLUDE (c) WHERE ...`` with identifiers quoted as needed."""
        def q(n: str) -> str:
            return exp.to_identifier(n).sql(dialect="postgres")

        text = f"{q(self.table)} ({', '.join(q(c) for c in self.columns)})"
        if self.include:
            text += f" INCLUDE ({', '.join(q(c) for c in self.include)})"
        if self.where:
            text += f" WHERE {self.where}"
        return text


@dataclass(slots=True)
class _Usage:
    eq: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    constants: list[tuple[str, str, bool]] = field(default_factory=list)
    """``(column, predicate SQL, is a NULL test)`` of predicates on constants."""
    read: list[str] = field(default_factory=list)


def _add(seq: list[str], name: str) -> None:
    if name not in seq:
        seq.append(name)


class _Resolver:
    """Maps a column reference to its table name through the query's aliases."""

    def __init__(self, tree: exp.Expression, columns: Columns | None) -> None:
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        self.aliases: dict[str, str] = {}
        for t in tree.find_all(exp.Table):
            if t.name and t.name not in ctes:
                self.aliases[t.alias_or_name] = t.name
                self.aliases.setdefault(t.name, t.name)
        self.tables = sorted(set(self.aliases.values()))
        self.columns = columns

    def table_of(self, col: exp.Column) -> str | None:
        if col.table:
            return self.aliases.get(col.table)
        if len(self.tables) == 1:
            return self.tables[0]
        if self.columns is not None:
            owners = [t for t in self.tables if col.name in self.columns.get(t, set())]
            return owners[0] if len(owners) == 1 else None
        return None


def resolver(tree: exp.Expression, columns: Columns | None = None) -> _Resolver:
    """The query's alias → table resolver (``.table_of(column)``)."""
    return _Resolver(tree, columns)


def conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    """``a AND (b AND c)`` → ``[a, b, c]``."""
    return _conjuncts(node)


def _col(node: exp.Expression | None) -> exp.Column | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return node if isinstance(node, exp.Column) else None


def _is_constant(node: exp.Expression | None) -> bool:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return isinstance(node, exp.Literal | exp.Boolean | exp.Null)


def _is_value(node: exp.Expression | None) -> bool:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return isinstance(node, exp.Literal | exp.Boolean | exp.Parameter | exp.Placeholder | exp.Null)


def _conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def parameter_columns(tree: exp.Expression | None, columns: Columns | None = None) -> dict[int, tuple[str, str]]:
    """``{n: (table, column)}`` for parameters ``$n`` compared with a column."""
    if tree is None:
        return {}
    res = _Resolver(tree, columns)
    found: dict[int, tuple[str, str]] = {}
    for param in tree.find_all(exp.Parameter):
        if not (isinstance(param.this, exp.Literal) and str(param.this.this).isdigit()):
            continue
        parent = param.parent
        while isinstance(parent, exp.Paren | exp.Cast | exp.Tuple):
            parent = parent.parent
        if isinstance(parent, exp.Binary | exp.In | exp.Between):
            col = _col(parent.this)
            if col is None and isinstance(parent, exp.Binary):
                col = _col(parent.expression)
            table = res.table_of(col) if col is not None else None
            if col is not None and table:
                found[int(param.this.this)] = (table, col.name)
    return found


def _usage(tree: exp.Expression, columns: Columns | None) -> dict[str, _Usage]:
    res = _Resolver(tree, columns)
    use: dict[str, _Usage] = {t: _Usage() for t in res.tables}
    preds: list[exp.Expression] = []
    for where in tree.find_all(exp.Where):
        preds.extend(_conjuncts(where.this))
    for join in tree.find_all(exp.Join):
        preds.extend(_conjuncts(join.args.get("on")))
    for p in preds:
        _predicate(p, res, use)
    for order in tree.find_all(exp.Order):
        for o in order.expressions:
            col = _col(o.this)
            table = res.table_of(col) if col is not None else None
            if col is not None and table:
                _add(use[table].order, col.name)
    for group in tree.find_all(exp.Group):
        for g in group.expressions:
            col = _col(g)
            table = res.table_of(col) if col is not None else None
            if col is not None and table:
                _add(use[table].group, col.name)
    for col in tree.find_all(exp.Column):
        table = res.table_of(col)
        if table:
            _add(use[table].read, col.name)
    return use


def _predicate(p: exp.Expression, res: _Resolver, use: dict[str, _Usage]) -> None:
    if isinstance(p, exp.EQ):
        left, right = _col(p.this), _col(p.expression)
        if left is not None and right is not None:
            for c in (left, right):
                t = res.table_of(c)
                if t:
                    _add(use[t].joins, c.name)
            return
        col, other = (left, p.expression) if left is not None else (right, p.this)
        t = res.table_of(col) if col is not None else None
        if col is not None and t and _is_value(other):
            _add(use[t].eq, col.name)
            if _is_constant(other):
                use[t].constants.append((col.name, _unqualified(p), False))
        return
    if isinstance(p, exp.In | exp.Is):
        col = _col(p.this)
        t = res.table_of(col) if col is not None else None
        if col is not None and t:
            _add(use[t].eq, col.name)
            if isinstance(p, exp.Is) or (p.expressions and not p.args.get("query")
                                         and all(_is_constant(e) for e in p.expressions)):
                use[t].constants.append((col.name, _unqualified(p), isinstance(p, exp.Is)))
        return
    if isinstance(p, exp.GT | exp.GTE | exp.LT | exp.LTE | exp.Between | exp.Like):
        col = _col(p.this) or (_col(p.expression) if isinstance(p, exp.Binary) else None)
        t = res.table_of(col) if col is not None else None
        if col is not None and t:
            if isinstance(p, exp.Like) and not _prefix_pattern(p.expression):
                return
            _add(use[t].ranges, col.name)


def _unqualified(p: exp.Expression) -> str:
    """The predicate as a partial index's WHERE: columns without their table alias."""
    copy = p.copy()
    for c in copy.find_all(exp.Column):
        c.set("table", None)
    return copy.sql(dialect="postgres")


def _prefix_pattern(node: exp.Expression | None) -> bool:
    if isinstance(node, exp.Literal) and node.is_string:
        return bool(node.this) and node.this[0] not in "%_"
    return isinstance(node, exp.Parameter | exp.Placeholder)


@dataclass(frozen=True, slots=True)
class ConstantPredicate:
    """A predicate comparing a column with a constant, e.g. ``account_id = 4242``."""

    table: str
    column: str
    predicate: str
    """The predicate as PostgreSQL SQL, without table aliases."""
    null_test: bool = False
    """``IS NULL`` / ``IS NOT NULL``: never a parameter (``WHERE deleted_at IS NULL``)."""


def constant_predicates(tree: exp.Expression, columns: Columns | None = None) -> list[ConstantPredicate]:
    """Every ``column <op> constant`` predicate of the query, resolved to its table."""
    found: list[ConstantPredicate] = []
    for table, u in _usage(tree, columns).items():
        for col, pred, null_test in u.constants:
            item = ConstantPredicate(table, col, pred, null_test)
            if item not in found:
                found.append(item)
    return found


def candidates(
    tree: exp.Expression, columns: Columns | None = None, *, covering_max: int = 4, fixed: Fixed = (),
) -> list[IndexSpec]:
    """Index candidates for one query (see the module docstring), without duplicates.

    ``fixed`` names the ``(table, column)`` pairs whose constants may get a partial index.
    """
    found: list[IndexSpec] = []

    def add(spec: IndexSpec) -> None:
        if spec.columns and spec not in found:
            found.append(spec)

    for table, u in _usage(tree, columns).items():
        if columns is not None and table not in columns:
            continue
        eq = u.eq[:3]
        for c in [*u.eq, *u.ranges, *u.joins]:
            add(IndexSpec(table, (c,)))
        keys: list[tuple[str, ...]] = []
        if eq:
            keys.append(tuple(eq))
        if u.ranges:
            keys.append(tuple(dict.fromkeys([*eq, u.ranges[0]])))
        if u.order:
            keys.append(tuple(dict.fromkeys([*eq, *u.order])))
        if u.group:
            keys.append(tuple(u.group))
        for j in u.joins:
            # the inner side of a nested loop: probed by the join key, then narrowed by the
            # table's own equality and range predicates (covering variants below)
            keys.append(tuple(dict.fromkeys([j, *eq])))
            if u.ranges:
                keys.append(tuple(dict.fromkeys([j, *eq, u.ranges[0]])))
        if len(u.joins) > 1:
            # a composite join key (``l_partkey = ps_partkey AND l_suppkey = ps_suppkey``)
            keys.append(tuple(dict.fromkeys([*u.joins[:3], *eq])))
            if u.ranges:
                keys.append(tuple(dict.fromkeys([*u.joins[:3], *eq, u.ranges[0]])))
        for key in keys:
            add(IndexSpec(table, key))
            extra = tuple(c for c in u.read if c not in key)
            if 0 < len(extra) <= covering_max:
                add(IndexSpec(table, key, include=extra))
        for col, pred, null_test in u.constants:
            if not null_test and (table, col) not in fixed:
                continue  # a parameter in disguise: its column leads the keys above instead
            rest = [tuple(c for c in k if c != col) for k in keys]
            rest.extend((c,) for c in [*u.joins, *u.order[:1]] if c != col)
            for key in dict.fromkeys(rest):
                if key:
                    add(IndexSpec(table, key, where=pred))
    return found
