"""SQL dialect names: the ones ``--dialect`` and ``--to`` accept, and their aliases.

Naming a tested dialect (or an alias of one) imports no parser, so a command whose work comes
from a cache starts fast; only another name asks sqlglot for its list.

>>> normalize_dialect("PostgreSQL")
'postgres'
"""

from __future__ import annotations

DIALECTS = ("postgres", "mysql", "sqlite", "bigquery", "duckdb", "snowflake", "tsql", "oracle")
"""Dialects ``--dialect`` and ``--to`` accept (any sqlglot dialect works; these are tested)."""


ALIASES = {"postgresql": "postgres", "pg": "postgres", "mariadb": "mysql", "sqlite3": "sqlite", "mssql": "tsql",
           "sqlserver": "tsql"}


def known_dialects() -> tuple[str, ...]:
    """Every dialect name accepted: the tested ones first, then sqlglot's others."""
    from sqlglot.dialects.dialect import Dialects

    others = sorted(d.value for d in Dialects if d.value and d.value not in DIALECTS)
    return (*DIALECTS, *others)


def normalize_dialect(name: str) -> str:
    """The canonical name of dialect ``name``, or :class:`~dbarch.tools.errors.UsageError`
    listing the accepted names (an unknown dialect must never parse as "nothing to check")."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key in DIALECTS:
        return key
    if key not in known_dialects():
        from dbarch.tools.errors import UsageError

        raise UsageError(
            f"unknown SQL dialect {name!r}",
            hint=f"accepted: {', '.join(DIALECTS)} (tested), or another sqlglot dialect: "
            f"{', '.join(known_dialects()[len(DIALECTS):])}; aliases: {', '.join(sorted(ALIASES))}",
        )
    return key
