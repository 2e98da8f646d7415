"""Carrying a schema over to another SQL dialect, and saying plainly what did not carry over.

sqlglot does the translation. It stays quiet about much that the target cannot express
(arrays in MySQL, partial indexes, exclusion constraints...), so each statement's tree is also
walked for constructs the target lacks, and each one becomes a warning with its line. A few
are rewritten into the target's own form first (identity columns become MySQL's
``AUTO_INCREMENT``, ``jsonb`` becomes ``JSON``), with a warning saying what changed. Every
translated statement is then parsed again as the target dialect; one that does not parse is
named, never emitted silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel

from dbarch.tools.sql.parse import ParsedScript, ParsedStatement

DT = exp.DataType.Type


@dataclass(frozen=True, slots=True)
class TranspileWarning:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class TranspileResult:
    target: str
    sql: str
    warnings: tuple[TranspileWarning, ...]


_NO_ARRAYS = {"mysql", "sqlite", "tsql", "oracle"}
_TYPE_GAPS: dict[str, dict[Any, str]] = {
    "mysql": {
        DT.UUID: "MySQL has no uuid type: use BINARY(16) (UUID_TO_BIN) or CHAR(36)",
        DT.JSONB: "MySQL has JSON, not JSONB: no GIN indexing, different operators",
        DT.INET: "MySQL has no inet type: use VARBINARY(16) with INET6_ATON",
        DT.INTERVAL: "MySQL has no interval column type",
        DT.TIMESTAMPTZ: "MySQL TIMESTAMP converts to UTC but keeps no zone; DATETIME keeps none at all",
    },
    "sqlite": {
        DT.UUID: "SQLite has no uuid type: stored as TEXT or BLOB",
        DT.JSONB: "SQLite stores JSON as TEXT (or JSONB blobs in 3.45+) with no typing",
        DT.TIMESTAMPTZ: "SQLite has no timestamp types: stored as TEXT/REAL/INTEGER by convention",
        DT.DECIMAL: "SQLite has no exact decimal type: NUMERIC affinity may round",
    },
}


_NEEDS_INDEX_NAME = {"mysql", "sqlite", "tsql", "oracle", "bigquery", "snowflake"}
_SERIALS = (DT.SERIAL, DT.BIGSERIAL, DT.SMALLSERIAL)
_UNBOUNDED_TEXT = (DT.TEXT, DT.BLOB, DT.MEDIUMTEXT, DT.LONGTEXT, DT.VARBINARY)


def _rewrite(tree: exp.Expression, target: str) -> tuple[exp.Expression, list[tuple[exp.Expression, str]]]:
    """A copy of ``tree`` in the target's own forms, and what was changed."""
    changed: list[tuple[exp.Expression, str]] = []
    if target != "mysql":
        return tree, changed
    tree = tree.copy()
    for node in list(tree.find_all(exp.GeneratedAsIdentityColumnConstraint)):
        if node.args.get("expression") is not None:
            continue  # GENERATED ALWAYS AS (expr): a generated column, which MySQL has
        changed.append((node.find_ancestor(exp.ColumnDef) or node,
                        "GENERATED ... AS IDENTITY became AUTO_INCREMENT: MySQL does not refuse explicit "
                        "values (ALWAYS) and drops the sequence options"))
        node.replace(exp.AutoIncrementColumnConstraint())
    for json_type in list(tree.find_all(exp.DataType)):
        if json_type.is_type(DT.JSONB):
            json_type.replace(exp.DataType.build("JSON"))
    return tree, changed


def _text_columns(tree: exp.Expression) -> set[str]:
    return {
        col.name for col in tree.find_all(exp.ColumnDef)
        if isinstance(col.args.get("kind"), exp.DataType) and col.args["kind"].is_type(*_UNBOUNDED_TEXT)
    }


def _gaps(stmt: ParsedStatement, target: str) -> Iterator[tuple[exp.Expression | None, str]]:
    tree = stmt.expression
    if tree is None:
        yield None, "statement not analysed; copied unchanged"
        return
    if isinstance(tree, exp.Command):
        yield None, f"'{' '.join(stmt.text.split()[:4])} ...' is kept as opaque text, not translated"
        return
    for node in tree.walk():
        if isinstance(node, exp.DataType):
            if node.is_type(DT.ARRAY) and target in _NO_ARRAYS:
                yield node, f"array type {node.sql('postgres')} has no {target} equivalent: use a child table"
            elif node.this in _TYPE_GAPS.get(target, {}):
                yield node, _TYPE_GAPS[target][node.this]
        elif isinstance(node, exp.Create) and node.kind == "INDEX":
            params = node.find(exp.IndexParameters)
            if params is not None and params.args.get("where") is not None and target in ("mysql", "oracle"):
                yield node, f"partial index (WHERE ...) is not supported by {target}: the predicate is lost"
            if params is not None and params.args.get("include") and target in ("mysql", "sqlite", "oracle"):
                yield node, f"INCLUDE columns are not supported by {target}"
            using = params.args.get("using") if params is not None else None
            if using is not None and str(using.name).lower() in ("gin", "gist", "brin", "spgist"):
                yield node, f"index method {using.name} is PostgreSQL-only"
        elif isinstance(node, exp.ExcludeColumnConstraint):
            yield node, f"exclusion constraints are PostgreSQL-only: {target} drops the guarantee"
        elif isinstance(node, exp.GeneratedAsIdentityColumnConstraint) and target == "sqlite":
            yield node, "identity becomes a plain INTEGER: declare INTEGER PRIMARY KEY for a rowid alias"
        elif isinstance(node, exp.Create) and node.kind == "TYPE" and target != "postgres":
            yield node, f"named types (CREATE TYPE) do not exist in {target}: inline an ENUM or CHECK"
        if isinstance(node, exp.DataType) and node.is_type(*_SERIALS) and target != "postgres":
            if target == "mysql":
                yield node, "SERIAL in MySQL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE, not a sequence default"
            else:
                yield node, f"serial types do not exist in {target}: the column gets no generated values"
        if isinstance(node, exp.Create) and node.kind == "INDEX" and target in _NEEDS_INDEX_NAME:
            index = node.this
            if isinstance(index, exp.Index) and not index.name:
                yield node, f"an index needs a name in {target}: this one has none"
    if target == "mysql":
        yield from _mysql_text_keys(tree)


def _mysql_text_keys(tree: exp.Expression) -> Iterator[tuple[exp.Expression | None, str]]:
    """TEXT/BLOB columns in a key: MySQL needs a key length (error 1170)."""
    texts = _text_columns(tree)
    message = "MySQL cannot put TEXT/BLOB column {} in a UNIQUE/PRIMARY KEY without a key length: use VARCHAR(n)"
    for col in tree.find_all(exp.ColumnDef):
        if col.name in texts and any(
            isinstance(c.args.get("kind"), exp.UniqueColumnConstraint | exp.PrimaryKeyColumnConstraint)
            for c in col.args.get("constraints") or []
        ):
            yield col, message.format(col.name)
    for key in tree.find_all(exp.PrimaryKey, exp.UniqueColumnConstraint):
        if key.find_ancestor(exp.ColumnDef) is not None:
            continue
        for ref in key.find_all(exp.Identifier, exp.Column):
            if ref.name in texts:
                yield key, message.format(ref.name)


def _reparse(sql: str, target: str) -> str | None:
    """Why ``sql`` does not parse as ``target`` (``None`` when it does)."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        sqlglot.parse_one(sql, read=target)
    except (ParseError, TokenError) as exc:
        return str(exc).splitlines()[0] if str(exc) else "syntax error"
    except Exception as exc:  # sqlglot internals: still not a translation to trust silently
        return type(exc).__name__
    return None


def transpile_script(script: ParsedScript, target: str) -> TranspileResult:
    """Translate every statement of ``script`` to ``target`` and list what did not carry over."""
    generator_for: Callable[[], object] = lambda: Dialect.get_or_raise(target).generator(  # noqa: E731
        unsupported_level=ErrorLevel.IGNORE, pretty=True
    )
    out: list[str] = []
    warnings: list[TranspileWarning] = []
    for stmt in script.sql_statements:
        if stmt.expression is None or isinstance(stmt.expression, exp.Command):
            out.append(stmt.text + ";")
        else:
            tree, changed = _rewrite(stmt.expression, target)
            for node, message in changed:
                line, column = stmt.locate(node)
                warnings.append(TranspileWarning(line, column, message))
            gen = generator_for()
            text = gen.generate(tree)  # type: ignore[attr-defined]
            out.append(text + ";")
            for message in getattr(gen, "unsupported_messages", []):
                warnings.append(TranspileWarning(stmt.line, stmt.column, message))
            problem = _reparse(text, target)
            if problem is not None:
                warnings.append(TranspileWarning(
                    stmt.line, stmt.column, f"the translation does not parse as {target}: {problem}"
                ))
        for gap, message in _gaps(stmt, target):
            line, column = stmt.locate(gap)
            warnings.append(TranspileWarning(line, column, message))
    return TranspileResult(target, "\n\n".join(out) + "\n", tuple(warnings))
