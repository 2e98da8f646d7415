"""The schema model: one typed model from SQL text and from a live catalog, diffed and rendered.

``from dbarch.tools.schema import Schema, schema_from_sql`` (names imported on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dbarch.tools._lazy import lazy_exports

_EXPORTS = {
    **dict.fromkeys(
        ("Check", "Column", "ForeignKey", "Index", "PrimaryKey", "Schema", "Table", "Unique", "qualify"),
        "dbarch.tools.schema.model",
    ),
    "display_key": "dbarch.tools.schema.idents",
    "SchemaDifference": "dbarch.tools.schema.diff",
    "diff_schemas": "dbarch.tools.schema.diff",
    "schema_from_catalog": "dbarch.tools.schema.from_catalog",
    "schema_from_script": "dbarch.tools.schema.from_sql",
    "schema_from_sql": "dbarch.tools.schema.from_sql",
    "schema_to_sql": "dbarch.tools.schema.to_sql",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from dbarch.tools.schema.diff import (
        SchemaDifference as SchemaDifference,
        diff_schemas as diff_schemas,
    )
    from dbarch.tools.schema.from_catalog import (
        schema_from_catalog as schema_from_catalog,
    )
    from dbarch.tools.schema.from_sql import (
        schema_from_script as schema_from_script,
        schema_from_sql as schema_from_sql,
    )
    from dbarch.tools.schema.idents import (
        display_key as display_key,
    )
    from dbarch.tools.schema.model import (
        Check as Check,
        Column as Column,
        ForeignKey as ForeignKey,
        Index as Index,
        PrimaryKey as PrimaryKey,
        Schema as Schema,
        Table as Table,
        Unique as Unique,
        qualify as qualify,
    )
    from dbarch.tools.schema.to_sql import (
        schema_to_sql as schema_to_sql,
    )
