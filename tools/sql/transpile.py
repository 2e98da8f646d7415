"""Carrying a schema over to another SQL dialect, and saying plainly what did not carry over.

sqlglot does the translation. It stays quiet about much that the target cannot express
(arrays in MySQL, partial indexes, exclusion constraints...), so each statement's tree is also
walked for constructs the target lacks, and each one becomes a warning with its line.
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
            gen = generator_for()
            out.append(gen.generate(stmt.expression) + ";")  # type: ignore[attr-defined]
            for message in getattr(gen, "unsupported_messages", []):
                warnings.append(TranspileWarning(stmt.line, stmt.column, message))
        for node, message in _gaps(stmt, target):
            line, column = stmt.locate(node)
            warnings.append(TranspileWarning(line, column, message))
    return TranspileResult(target, "\n\n".join(out) + "\n", tuple(warnings))
