"""Identifiers as PostgreSQL reads them: folding, ``search_path``, table keys, display names.

The one place these rules live; the model builder (:mod:`~dbarch.tools.schema.build`), the
lint rules and every renderer use them, so a table is the same key everywhere:

- an unquoted name folds to lower case, a quoted one is kept (:func:`fold`);
- a table is keyed ``schema.name`` (:func:`~dbarch.tools.schema.model.qualify`);
- an unqualified name being *created* goes to the first schema of the ``search_path``
  (:func:`create_key`); an unqualified name being *used* is looked up along it
  (:func:`resolve_key`);
- ``SET search_path = app, public`` and pg_dump's ``set_config('search_path', '', false)``
  change it (:func:`search_path_setting`);
- people read ``orders`` for ``public.orders`` and ``billing.invoices`` otherwise
  (:func:`display_key`).

>>> resolve_key(None, "t", ["app"], {"app.t"}), create_key(None, "t", ["app"]), display_key("public.t")
('app.t', 'app.t', 't')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from sqlglot import exp

DEFAULT_SCHEMA = "public"

DEFAULT_PATH: tuple[str, ...] = (DEFAULT_SCHEMA,)
"""The ``search_path`` a script starts with, as far as tables go (``"$user", public``)."""


def qualify(name: str, schema: str | None = None) -> str:
    """``schema.name`` key for a table (``public`` when no schema is given)."""
    return f"{schema or DEFAULT_SCHEMA}.{name}"


def fold(node: exp.Expression | str | None) -> str:
    """A name folded like PostgreSQL folds it: unquoted lower-cased, quoted kept."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.lower()
    if isinstance(node, exp.Identifier):
        return node.name if node.args.get("quoted") else node.name.lower()
    if isinstance(node, exp.Column | exp.Table) and isinstance(node.this, exp.Identifier):
        return fold(node.this)
    if isinstance(node, exp.Ordered):
        return fold(node.this)
    return node.name.lower()


def table_ref(table: exp.Table) -> tuple[str | None, str]:
    """``(schema, name)`` of a table reference, ``schema`` ``None`` when unqualified."""
    db = table.args.get("db")
    return (fold(db) if db is not None else None), fold(table.this)


def default_schema(search_path: Sequence[str]) -> str:
    """Where an unqualified ``CREATE`` puts its object: the first real schema of the path."""
    for name in search_path:
        if not name.startswith("$"):
            return name
    return DEFAULT_SCHEMA


def create_key(schema: str | None, name: str, search_path: Sequence[str] = DEFAULT_PATH) -> str:
    """Key of an object being created."""
    return qualify(name, schema or default_schema(search_path))


def resolve_key(
    schema: str | None, name: str, search_path: Sequence[str], existing: Collection[str]
) -> str:
    """Key of an existing object: unqualified names are looked up along ``search_path`` (then
    ``public``, as an unknown schema may not be in ``existing``); the first schema of the path
    when the object is nowhere."""
    if schema is not None:
        return qualify(name, schema)
    for candidate in [*search_path, DEFAULT_SCHEMA]:
        key = qualify(name, candidate)
        if key in existing:
            return key
    return qualify(name, default_schema(search_path))


def parse_search_path(parts: Sequence[str]) -> list[str]:
    """The schemas of a ``search_path`` value's parts (quotes stripped, names folded);
    ``DEFAULT`` is the default path."""
    raw = [p.strip().rstrip(";").strip().strip("'") for p in parts]
    if [n.lower() for n in raw] == ["default"]:
        return list(DEFAULT_PATH)
    return [n[1:-1] if n.startswith('"') and n.endswith('"') and len(n) > 1 else n.lower() for n in raw if n]


_SET_TEXT = re.compile(r"\s*(?:session\s+|local\s+)?search_path\s*(?:=|\bto\b)\s*(.*)", re.I | re.S)


def search_path_setting(tree: exp.Expression | None) -> list[str] | None:
    """The ``search_path`` a statement sets (``SET search_path = a, b``; ``SELECT
    set_config('search_path', 'a', false)`` as pg_dump writes it), ``None`` if it sets none."""
    if isinstance(tree, exp.Set):
        for item in tree.expressions:
            eq = item.this if isinstance(item, exp.SetItem) else None
            if isinstance(eq, exp.EQ) and eq.this.name.lower() == "search_path":
                value = eq.expression
                parts = value.expressions if isinstance(value, exp.Tuple) else [value]
                return parse_search_path([p.sql(dialect="postgres") for p in parts])
    elif isinstance(tree, exp.Command) and tree.name.upper() == "SET":  # SET search_path TO a, b
        m = _SET_TEXT.match(tree.text("expression"))
        if m:
            return parse_search_path(m.group(1).split(","))
    elif isinstance(tree, exp.Select):
        for call in tree.find_all(exp.Anonymous):
            args = call.expressions
            literals = len(args) >= 2 and all(isinstance(a, exp.Literal) for a in args[:2])
            if call.name.lower() == "set_config" and literals and args[0].name.lower() == "search_path":
                return parse_search_path(args[1].name.split(","))
    return None


def display_key(key: str) -> str:
    """A table key as people read it: ``orders`` for ``public.orders``, else ``schema.name``."""
    schema, _, name = key.partition(".")
    return name if schema == DEFAULT_SCHEMA else key
