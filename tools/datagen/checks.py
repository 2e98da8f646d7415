"""Simple CHECK constraints turned into per-column value domains (read from sqlglot trees).

Ranges (``x >= 0``, ``x BETWEEN 1 AND 10``, ``0 < x``) and IN lists (``status IN ('a','b')``,
which the server prints as ``status = ANY (ARRAY['a'::text, 'b'::text])``) become a
:class:`Domain` the value generator draws from, so such rows satisfy the check by
construction. Whatever is not understood here is still honoured: the generator filters each
row through the full CHECK expression before it is inserted.

Example::

    >>> column_domains(["(qty > 0) AND (qty <= 100)"])["qty"]
    Domain(low=0.0, high=100.0, low_inclusive=False, high_inclusive=True, values=None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import sqlglot
from sqlglot import exp


@dataclass(frozen=True, slots=True)
class Domain:
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    values: tuple[str | float, ...] | None = None
    """Allowed values of an IN list (strings or numbers)."""
    low_text: str | None = None
    """A date/time lower bound as SQL (``'2007-01-01'::timestamp``), inclusive unless
    ``low_text_strict``."""
    high_text: str | None = None
    """A date/time upper bound as SQL, exclusive unless ``high_text_inclusive``."""
    low_text_strict: bool = False
    """``low_text`` came from ``>`` (the random generators draw from it anyway: the row filter
    decides); enumerating a key's values starts one day later."""
    high_text_inclusive: bool = False
    """``high_text`` came from ``<=`` or ``BETWEEN``: the bound itself is allowed."""


def column_domains(checks: Iterable[str]) -> dict[str, Domain]:
    """Per-column domains implied by the conjunctive parts of ``checks``."""
    domains: dict[str, Domain] = {}
    for text in checks:
        try:
            tree = sqlglot.parse_one(f"SELECT {text}", read="postgres")
        except Exception:  # not understood: the row filter still honours it
            continue
        if not isinstance(tree, exp.Select) or not tree.expressions:
            continue
        for part in _conjuncts(tree.expressions[0]):
            found = _domain_of(part)
            if found is not None:
                name, dom = found
                domains[name] = _merge(domains.get(name), dom)
    return domains


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    node = _unparen(node)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren | exp.Cast) and node.this is not None:
        if isinstance(node, exp.Cast) and not isinstance(node.this, exp.Column | exp.Paren):
            break
        node = node.this
    return node


def _column(node: exp.Expression, *, cased: bool = False) -> str | None:
    """The column ``node`` is (``cased``: also under ``upper()``/``lower()``, whose IN lists
    are already in that case)."""
    node = _unparen(node)
    if cased and isinstance(node, exp.Upper | exp.Lower):
        node = _unparen(node.this)
    return node.name if isinstance(node, exp.Column) else None


def _bound(node: exp.Expression) -> str | None:
    """A date/time bound as SQL: a string literal cast to a date/time type, or an expression
    over no column (``now() - interval '18 years'``), parenthesised."""
    moment = _temporal(node)
    if moment is not None:
        return moment
    if isinstance(_constant(node), float):  # ``'-40'::integer``, as the server prints a negative bound
        return None
    inner = _unparen(node)
    if inner.find(exp.Column) is not None or isinstance(inner, exp.Literal | exp.Null | exp.Neg):
        return None
    if inner.find(exp.Anonymous, exp.CurrentTimestamp, exp.CurrentDate, exp.Interval, exp.Cast) is None:
        return None
    return f"({node.sql('postgres')})"


def _constant(node: exp.Expression) -> str | float | None:
    node = _unparen(node)
    numeric_cast = False
    if isinstance(node, exp.Cast):
        numeric_cast = node.to.is_type(*exp.DataType.NUMERIC_TYPES)
        node = _unparen(node.this)
    neg = False
    if isinstance(node, exp.Neg):
        neg, node = True, _unparen(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string and not numeric_cast:
            return None if neg else node.this
        try:
            value = float(node.this)
        except ValueError:
            return None
        return -value if neg else value
    return None


_FLIP: dict[type[exp.Expression], type[exp.Expression]] = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE, exp.EQ: exp.EQ}


def _domain_of(node: exp.Expression) -> tuple[str, Domain] | None:
    node = _unparen(node)
    if isinstance(node, exp.Or):  # ``x IS NULL OR <domain of x>``: NULLs come from the null fraction
        sides = [_unparen(node.this), _unparen(node.expression)]
        nulls = [_column(side.this) for side in sides if isinstance(side, exp.Is) and isinstance(side.expression, exp.Null)]
        others = [side for side in sides if not (isinstance(side, exp.Is) and isinstance(side.expression, exp.Null))]
        if len(nulls) == 1 and len(others) == 1:  # the other side may be a conjunction (x > 1 AND x < 9)
            parts = [_domain_of(part) for part in _conjuncts(others[0])]
            column = nulls[0]
            if column is not None and parts and all(p is not None and p[0] == column for p in parts):
                merged: Domain | None = None
                for part in parts:
                    assert part is not None
                    merged = _merge(merged, part[1])
                assert merged is not None
                return column, merged
        return None
    if isinstance(node, exp.Between):
        name, lo, hi = _column(node.this), _constant(node.args["low"]), _constant(node.args["high"])
        if name and isinstance(lo, float) and isinstance(hi, float):
            return name, Domain(lo, hi)
        low_text, high_text = _bound(node.args["low"]), _bound(node.args["high"])
        if name and (low_text or high_text):
            return name, Domain(low_text=low_text, high_text=high_text, high_text_inclusive=high_text is not None)
        return None
    if isinstance(node, exp.In):
        name = _column(node.this, cased=True)
        values = [_constant(v) for v in node.expressions]
        if name and values and all(v is not None for v in values):
            return name, Domain(values=tuple(v for v in values if v is not None))
        return None
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        name = _column(node.this, cased=True)
        arr = _unparen(node.expression.this)
        if name and isinstance(arr, exp.Array):
            values = [_constant(v) for v in arr.expressions]
            if values and all(v is not None for v in values):
                return name, Domain(values=tuple(v for v in values if v is not None))
        return None
    kind: type[exp.Expression] = type(node)
    if kind not in _FLIP:
        return None
    assert isinstance(node, exp.Binary)
    name, value, other = _column(node.this), _constant(node.expression), node.expression
    if name is None:
        name, value, kind, other = _column(node.expression), _constant(node.this), _FLIP[kind], node.this
    if name is None:
        return None
    moment = _bound(other)
    if moment is not None and kind in (exp.GT, exp.GTE):
        # a strict bound is one tick off: the row filter decides
        return name, Domain(low_text=moment, low_text_strict=kind is exp.GT)
    if moment is not None and kind in (exp.LT, exp.LTE):
        return name, Domain(high_text=moment, high_text_inclusive=kind is exp.LTE)
    if value is None:
        return None
    if kind is exp.EQ:
        return name, Domain(values=(value,))
    if not isinstance(value, float):
        return None
    if kind in (exp.GT, exp.GTE):
        return name, Domain(low=value, low_inclusive=kind is exp.GTE)
    return name, Domain(high=value, high_inclusive=kind is exp.LTE)


_TEMPORAL = (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ,
             exp.DataType.Type.DATETIME)


def _temporal(node: exp.Expression) -> str | None:
    """``'2007-01-01'::timestamp`` (a string literal cast to a date/time type) as SQL."""
    node = _unparen(node)
    if (isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string
            and node.to.is_type(*_TEMPORAL)):
        return node.sql("postgres")
    return None


def _merge(old: Domain | None, new: Domain) -> Domain:
    if old is None:
        return new
    merged = old
    if new.low_text is not None:
        merged = replace(merged, low_text=new.low_text, low_text_strict=new.low_text_strict)
    if new.high_text is not None:
        merged = replace(merged, high_text=new.high_text, high_text_inclusive=new.high_text_inclusive)
    if new.values is not None:
        keep = new.values if old.values is None else tuple(v for v in old.values if v in new.values)
        merged = replace(merged, values=keep)
    if new.low is not None and (merged.low is None or new.low >= merged.low):
        merged = replace(merged, low=new.low, low_inclusive=new.low_inclusive)
    if new.high is not None and (merged.high is None or new.high <= merged.high):
        merged = replace(merged, high=new.high, high_inclusive=new.high_inclusive)
    return merged
