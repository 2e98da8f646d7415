"""How many rows each table gets: ``--rows orders=1000000,customers=50k`` or a YAML/JSON file.

A volume file is a mapping ``table: rows`` (optionally under a ``rows:`` key, with a
``default:`` for tables not named, and a ``columns:`` section of stated value distributions that
:mod:`dbarch.tools.perf.workload_data` applies after the load). Counts accept ``k``/``m`` suffixes and ``_`` separators.
Tables nobody named get :data:`DEFAULT_ROWS` and a notice says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbarch.tools.errors import UsageError

DEFAULT_ROWS = 10_000
"""Rows per table when the user states no volume for it."""

MAX_ROWS = 100_000_000

_SUFFIXES = {"k": 1_000, "m": 1_000_000}


@dataclass(frozen=True, slots=True)
class Volumes:
    """Requested rows per table (keys as the user wrote them, lower-cased)."""

    rows: Mapping[str, int] = field(default_factory=dict)
    default: int = DEFAULT_ROWS
    explicit_default: bool = False
    """True when the user stated the default (no notice then)."""
    columns: Mapping[str, Any] = field(default_factory=dict)
    """The volume file's ``columns:`` section, ``table.column: {values|range|...}`` (raw)."""

    def for_table(self, schema: str, name: str) -> int | None:
        """Rows asked for ``schema.name`` (``None`` when the table was not named)."""
        for key in (f"{schema}.{name}".lower(), name.lower()):
            if key in self.rows:
                return self.rows[key]
        return None

    def unknown(self, tables: set[tuple[str, str]]) -> list[str]:
        """Names in the request that match no table of the schema."""
        known = {n.lower() for _, n in tables} | {f"{s}.{n}".lower() for s, n in tables}
        return sorted(k for k in self.rows if k not in known)


def parse_count(text: str, *, what: str = "row count") -> int:
    """``1000000``, ``1_000_000``, ``50k``, ``1.5m`` → an int, or :class:`UsageError`."""
    raw = text.strip().lower().replace("_", "").replace(",", "")
    mult = 1
    if raw and raw[-1] in _SUFFIXES:
        mult, raw = _SUFFIXES[raw[-1]], raw[:-1]
    try:
        value = float(raw) * mult
    except ValueError:
        raise UsageError(f"bad {what} {text!r}", hint="write a whole number such as 50000 or 50k") from None
    if value < 0 or value != int(value) or value > MAX_ROWS:
        raise UsageError(f"bad {what} {text!r}", hint=f"use a whole number between 0 and {MAX_ROWS:,}")
    return int(value)


def parse_rows(spec: str | None, *, default: int | None = None) -> Volumes:
    """Parse ``orders=1000000,customers=50k`` (``*=N`` or ``default=N`` sets the default)."""
    rows: dict[str, int] = {}
    dflt = default
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, count = part.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"bad --rows entry {part!r}", hint="write table=rows pairs: orders=1000000,customers=50k"
            )
        key = name.strip().strip('"').lower()
        value = parse_count(count, what=f"row count for {key}")
        if key in ("*", "default"):
            dflt = value
        else:
            rows[key] = value
    return Volumes(rows, DEFAULT_ROWS if dflt is None else dflt, explicit_default=dflt is not None)


def load_volume_file(path: str) -> Volumes:
    """Read a YAML or JSON volume file (see the module docstring)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the volume file: {exc.strerror or exc}", file=path) from None
    data: Any
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, ImportError) as exc:
        raise UsageError(f"the volume file does not parse: {str(exc).splitlines()[0]}", file=path) from None
    except Exception as exc:  # yaml.YAMLError and friends
        raise UsageError(f"the volume file does not parse: {str(exc).splitlines()[0]}", file=path) from None
    if not isinstance(data, dict):
        raise UsageError("a volume file is a mapping of table: rows", file=path)
    default = data.get("default")
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise UsageError("'columns' must be a mapping of table.column: distribution", file=path)
    table_rows = data.get("rows", {k: v for k, v in data.items() if k != "columns"})
    if not isinstance(table_rows, dict):
        raise UsageError("'rows' must be a mapping of table: rows", file=path)
    rows: dict[str, int] = {}
    for key, value in table_rows.items():
        if key == "default":
            continue
        rows[str(key).lower()] = parse_count(str(value), what=f"row count for {key}")
    dflt = parse_count(str(default), what="default row count") if default is not None else None
    return Volumes(rows, DEFAULT_ROWS if dflt is None else dflt, explicit_default=dflt is not None,
                   columns=columns)


def resolve_volumes(spec: str | None) -> Volumes:
    """``--rows`` value: a file path (``.yaml``, ``.yml``, ``.json``) or ``table=rows`` pairs."""
    if spec and spec.strip().lower().endswith((".yaml", ".yml", ".json")):
        return load_volume_file(spec.strip())
    return parse_rows(spec)
