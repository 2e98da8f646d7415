"""Replaying ``ALTER TABLE`` on a :class:`~tools.model_build.Builder`, and the statements sqlglot
keeps as opaque text, read from their tokens.

sqlglot turns ``ALTER TABLE ... ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY``,
``ALTER TABLE ... ADD CHECK (...)``, ``ATTACH PARTITION``, ``ALTER TYPE ... ADD VALUE``,
``CREATE EXTENSION``, ``SET search_path = a, b`` and ``CREATE INDEX ... ON ONLY`` into a
``Command`` (or fails on them); :func:`command` reads those few shapes from the tokens and
re-parses the rest of an ``ALTER TABLE`` action by action.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlglot
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from dbarch.tools.schema import ddl as ddl
from dbarch.tools.schema.build import Builder
from dbarch.tools.schema.idents import fold, parse_search_path, table_ref
from dbarch.tools.schema.model import qualify


def _drop_column(b: Builder, key: str, name: str) -> None:
    """Drop a column with the indexes and constraints that involve it, as PostgreSQL does."""
    t = b.tables[key]
    pk = t.primary_key if t.primary_key and name not in t.primary_key.columns else None
    b.update(
        key,
        columns=tuple(c for c in t.columns if c.name != name),
        primary_key=pk,
        foreign_keys=tuple(f for f in t.foreign_keys if name not in f.columns),
        uniques=tuple(u for u in t.uniques if name not in u.columns),
        checks=tuple(c for c in t.checks if name not in c.columns),
        indexes=tuple(i for i in t.indexes if name not in i.columns and name not in i.include),
    )


def _drop_constraint(b: Builder, key: str, name: str) -> None:
    t = b.tables[key]
    b.update(
        key,
        primary_key=None if t.primary_key and t.primary_key.name == name else t.primary_key,
        foreign_keys=tuple(f for f in t.foreign_keys if f.name != name),
        uniques=tuple(u for u in t.uniques if u.name != name),
        checks=tuple(c for c in t.checks if c.name != name),
    )


def _rename_column(b: Builder, key: str, old: str, new: str) -> None:
    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if n == old else n for n in names)

    t = b.tables[key]
    b.update(
        key,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in t.columns),
        primary_key=replace(t.primary_key, columns=cols(t.primary_key.columns)) if t.primary_key else None,
        foreign_keys=tuple(replace(f, columns=cols(f.columns)) for f in t.foreign_keys),
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in t.uniques),
        checks=tuple(replace(c, columns=cols(c.columns)) for c in t.checks),
        indexes=tuple(replace(i, columns=cols(i.columns), include=cols(i.include)) for i in t.indexes),
    )
    for other_key, other in list(b.tables.items()):
        if any(f.ref_table == key for f in other.foreign_keys):  # only the referencing tables change
            fks = tuple(replace(f, ref_columns=cols(f.ref_columns)) if f.ref_table == key else f for f in other.foreign_keys)
            b.update(other_key, foreign_keys=fks)


def _rename_table(b: Builder, key: str, new_name: str) -> None:
    table = b.pop_table(key)
    if table is None:
        return
    new_key = qualify(new_name, table.schema)
    indexes = tuple(replace(i, table=new_key) for i in table.indexes)
    b.put_table(new_key, replace(table, name=new_name, indexes=indexes))
    for other_key, other in list(b.tables.items()):
        if any(f.ref_table == key for f in other.foreign_keys):  # only the referencing tables change
            fks = tuple(replace(f, ref_table=new_key) if f.ref_table == key else f for f in other.foreign_keys)
            b.update(other_key, foreign_keys=fks)


def _alter_column(b: Builder, key: str, action: exp.AlterColumn) -> None:
    name = fold(action.this)
    t = b.tables[key]
    col = t.column(name)
    if col is None:
        return
    dtype = action.args.get("dtype")
    if dtype is not None:
        written = ddl.type_text(b, action.this) or ddl.postgres_text(dtype)
        col_type, declared = b.column_type(written)
        col = replace(col, type=col_type, declared_type=declared)
    if action.args.get("default") is not None:
        col = replace(col, default=ddl.sql(action.args["default"]))
    allow_null = action.args.get("allow_null")
    if allow_null is not None:
        col = replace(col, nullable=bool(allow_null) and bool(action.args.get("drop")))
    elif action.args.get("drop"):
        col = replace(col, default=None)
    b.update(key, columns=tuple(col if c.name == name else c for c in t.columns))


def _renamed_column_to(node: exp.Alter) -> str | None:
    """The new name in ``ALTER TABLE t RENAME c TO d`` (no COLUMN keyword), which sqlglot reads
    as a table rename to ``c`` with a ``TO d`` property; ``None`` for ``RENAME TO d``."""
    for option in node.args.get("options") or []:
        if isinstance(option, exp.ToTableProperty) and isinstance(option.this, exp.Table):
            return fold(option.this.this)
    return None


def alter_table(b: Builder, node: exp.Alter) -> None:
    if not isinstance(node.this, exp.Table):
        return
    key = b.table_key(node.this)
    validated = not node.args.get("not_valid")
    for action in node.args.get("actions") or []:
        if key not in b.tables:
            return
        if isinstance(action, exp.ColumnDef):
            ddl.add_column(b, key, action, validated)
        elif isinstance(action, exp.AlterColumn):
            _alter_column(b, key, action)
        elif isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                ddl.add_constraint(b, key, item, None, validated)
        elif isinstance(action, exp.Drop) and str(action.args.get("kind")).upper() in ("COLUMN", "CONSTRAINT"):
            drop = _drop_column if str(action.args.get("kind")).upper() == "COLUMN" else _drop_constraint
            for target in action.args.get("tables") or []:
                drop(b, key, fold(target))
        elif isinstance(action, exp.RenameColumn):
            _rename_column(b, key, fold(action.this), fold(action.args.get("to")))
        elif isinstance(action, exp.AlterRename) and isinstance(action.this, exp.Table):
            to = _renamed_column_to(node)
            if to is not None:  # RENAME c TO d: COLUMN is optional in PostgreSQL
                _rename_column(b, key, fold(action.this.this), to)
                continue
            _rename_table(b, key, table_ref(action.this)[1])
            return


# Statements sqlglot keeps as text


def _word(tok: Token) -> str:
    return "" if tok.token_type == TokenType.IDENTIFIER else tok.text.upper()


def _name_at(tokens: list[Token], i: int) -> tuple[str | None, str, int]:
    """A possibly qualified name starting at ``tokens[i]``: ``(schema, name, next index)``."""
    parts: list[str] = []
    while i < len(tokens):
        tok = tokens[i]
        parts.append(tok.text if tok.token_type == TokenType.IDENTIFIER else tok.text.lower())
        if i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.DOT:
            i += 2
            continue
        i += 1
        break
    name = parts[-1] if parts else ""
    return (parts[-2] if len(parts) > 1 else None), name, i


def _skip(tokens: list[Token], i: int, *words: str) -> int:
    """Index after the optional ``words`` (each skipped when present, in order)."""
    for word in words:
        if i < len(tokens) and _word(tokens[i]) == word:
            i += 1
    return i


def _split_actions(tokens: list[Token], start: int) -> list[list[Token]]:
    actions: list[list[Token]] = [[]]
    depth = 0
    for j in range(start, len(tokens)):
        tok = tokens[j]
        kind = tok.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
        elif kind == TokenType.COMMA and depth == 0:
            actions.append([])
            continue
        actions[-1].append(tok)
    return [a for a in actions if a]


def _identity_action(b: Builder, key: str, action: list[Token], words: list[str]) -> None:
    """``ALTER [COLUMN] c ADD GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY`` / ``DROP IDENTITY``."""
    _, col, i = _name_at(action, _skip(action, 1, "COLUMN"))
    identity: str | None = None
    if words[i : i + 2] == ["ADD", "GENERATED"]:
        identity = "always" if words[i + 2 : i + 3] == ["ALWAYS"] else "by default"
    elif words[i : i + 2] != ["DROP", "IDENTITY"]:
        return
    changes = {"identity": identity, "nullable": False} if identity else {"identity": None}
    cols = tuple(replace(c, **changes) if c.name == col else c for c in b.tables[key].columns)  # type: ignore[arg-type]
    b.update(key, columns=cols)


def _check_action(b: Builder, key: str, text: str, action: list[Token], words: list[str]) -> None:
    """``ADD [CONSTRAINT name] CHECK (expression) [NOT VALID]``."""
    i = _skip(action, 1, "CONSTRAINT")
    constraint: str | None = None
    if _word(action[i - 1]) == "CONSTRAINT":
        _, constraint, i = _name_at(action, i)
    close = max(j for j, t in enumerate(action) if t.token_type == TokenType.R_PAREN)
    expression = sqlglot.parse_one(text[action[i + 1].end + 1 : action[close].start], read=b.dialect)
    ddl.add_check(b, key, expression, constraint, "VALID" not in words[close:])


def _alter_table_action(b: Builder, key: str, head: str, text: str, action: list[Token]) -> None:
    words = [_word(t) for t in action]
    if words[:1] == ["OWNER"]:
        return  # ownership is not modelled (sqlglot would keep it as a Command: nothing to replay)
    if words[:2] == ["ATTACH", "PARTITION"]:
        schema, name, _ = _name_at(action, 2)
        b.drop_table(b.find_key(schema, name, b.tables))
    elif words[:1] == ["ALTER"] and "IDENTITY" in words:
        _identity_action(b, key, action, words)
    elif words[:1] == ["ADD"] and "CHECK" in words[:4]:
        _check_action(b, key, text, action, words)
    else:  # re-parse the action alone: sqlglot may read it once separated from the others
        node = sqlglot.parse_one(f"{head} {text[action[0].start : action[-1].end + 1]}", read=b.dialect)
        if isinstance(node, exp.Alter):
            alter_table(b, node)


_READ_COMMANDS = re.compile(
    r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*"
    r"(?:create\s+(?:extension|(?:unique\s+)?index)|set|alter\s+(?:type|table))\b",
    re.IGNORECASE | re.DOTALL,
)
"""How the statements :func:`command` reads begin: the others (function bodies, DO blocks,
grants...) are never tokenized."""


def command(b: Builder, text: str) -> None:
    """Read the few statements sqlglot keeps as opaque text (see the module docstring)."""
    if not _READ_COMMANDS.match(text):
        return
    tokens = b.tokens()
    words = [_word(t) for t in tokens]
    if words[:2] == ["CREATE", "EXTENSION"]:
        _, name, _ = _name_at(tokens, _skip(tokens, 2, "IF", "NOT", "EXISTS"))
        if name and name not in b.extensions:
            b.extensions.append(name)
    elif words[:1] == ["SET"] and "SEARCH_PATH" in words[:3]:
        start = words.index("SEARCH_PATH") + 2
        b.set_search_path(parse_search_path([t.text for t in tokens[start:] if t.token_type != TokenType.COMMA]))
    elif words[:2] == ["ALTER", "TYPE"] and "VALUE" in words and "ADD" in words:
        schema, name, i = _name_at(tokens, 2)
        key = b.find_key(schema, name, b.enums)
        values = [t.text for t in tokens[i:] if t.token_type == TokenType.STRING]
        labels = list(b.enums.get(key, ()))
        if key in b.enums and values and values[0] not in labels:
            at = len(labels)
            if len(values) > 1 and values[1] in labels:
                at = labels.index(values[1]) + (1 if "AFTER" in words else 0)
            labels.insert(at, values[0])
            b.enums[key] = tuple(labels)
    elif words[:2] == ["ALTER", "TABLE"]:
        i = _skip(tokens, 2, "IF", "EXISTS", "ONLY")
        schema, name, i = _name_at(tokens, i)
        key = b.find_key(schema, name, b.tables)
        head = text[: tokens[i - 1].end + 1]
        for action in _split_actions(tokens, i):
            if key in b.tables:
                _alter_table_action(b, key, head, text, action)
    elif words[:1] == ["CREATE"] and "INDEX" in words[:4] and "ONLY" in words:
        only = next(t for t in tokens if _word(t) == "ONLY")
        node = sqlglot.parse_one(text[: only.start] + text[only.end + 1 :], read=b.dialect)
        if isinstance(node, exp.Create):
            ddl.create_index(b, node)
