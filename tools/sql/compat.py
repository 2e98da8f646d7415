"""PostgreSQL 18 syntax sqlglot cannot read yet, made readable without moving a character.

``GENERATED ALWAYS AS (expr) VIRTUAL`` (PostgreSQL 18) fails in sqlglot, which knows only
``STORED``: :func:`readable` spells ``VIRTUAL`` as ``STORED `` (the same length, so every
position in the tree still points into the user's text), and :func:`mark_virtual` records on
the tree which generated columns are virtual, ``VIRTUAL`` written or not (PostgreSQL 18's
default when neither word is), so that rules never mistake them for stored ones (a virtual
column is computed when read: adding one rewrites nothing).

>>> readable("CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)")
'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED )'
>>> generated_kinds("b int GENERATED ALWAYS AS (f(a, ')')) STORED, c int GENERATED ALWAYS AS (a)")
['stored', 'virtual']
"""

from __future__ import annotations

import re

from sqlglot import exp

_VIRTUAL = re.compile(r"(\))(\s*)VIRTUAL\b", re.IGNORECASE)
_GENERATED = re.compile(r"\bGENERATED\s+ALWAYS\s+AS\s*\(", re.IGNORECASE)
_STORED = re.compile(r"\s*STORED\b", re.IGNORECASE)

VIRTUAL = "virtual"
"""The key :func:`mark_virtual` sets in a ``ComputedColumnConstraint``'s ``meta``."""


def readable(text: str) -> str | None:
    """``text`` with each ``) VIRTUAL`` spelled ``) STORED `` (same length), ``None`` if none."""
    if "virtual" not in text.lower():
        return None
    out = _VIRTUAL.sub(lambda m: f"{m.group(1)}{m.group(2)}STORED ", text)
    return out if out != text else None


def _close(text: str, start: int) -> int:
    """The offset just past the parenthesis that closes the one before ``start``."""
    depth, i, n = 1, start, len(text)
    while i < n and depth:
        ch = text[i]
        if ch == "'":
            i = text.find("'", i + 1)
            if i < 0:
                return n
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return i


def generated_kinds(text: str) -> list[str]:
    """``stored`` or ``virtual`` for each ``GENERATED ALWAYS AS (...)`` of ``text``, in order."""
    kinds = []
    for m in _GENERATED.finditer(text):
        end = _close(text, m.end())
        kinds.append("stored" if _STORED.match(text, end) else VIRTUAL)
    return kinds


def mark_virtual(tree: exp.Expression, text: str) -> None:
    """Set ``meta["virtual"]`` on the tree's generated columns that ``text`` leaves virtual
    (their constraint nodes, as :func:`is_generated` finds them)."""
    if "generated" not in text.lower():
        return
    nodes = [node for node in tree.find_all(exp.ComputedColumnConstraint, exp.GeneratedAsIdentityColumnConstraint)
             if is_generated(node)]
    kinds = generated_kinds(text)
    if len(nodes) != len(kinds):
        return  # not the shape expected: leave the tree as sqlglot read it
    for node, kind in zip(sorted(nodes, key=_start), kinds, strict=True):
        if kind == VIRTUAL:
            node.meta[VIRTUAL] = True


def _start(node: exp.Expression) -> int:
    from dbarch.tools.sql.parse import start_offset

    found = start_offset(node)
    return found if found is not None else 0


def is_generated(node: exp.Expr) -> bool:
    """A generated column's constraint: ``AS (expr) STORED`` sqlglot reads as computed, and
    ``AS (expr)`` alone as an "identity" with an expression."""
    if isinstance(node, exp.ComputedColumnConstraint):
        return True
    return isinstance(node, exp.GeneratedAsIdentityColumnConstraint) and node.args.get("expression") is not None


def is_virtual(node: exp.Expr) -> bool:
    """True for a generated column :func:`mark_virtual` found virtual."""
    return bool(node.meta.get(VIRTUAL)) if node._meta else False
