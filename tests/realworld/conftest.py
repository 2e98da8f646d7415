"""Public schemas (bench/schemas, see its README) and a loader over the real sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

SCHEMAS = Path(__file__).resolve().parents[2] / "bench" / "schemas"


def public_schema(name: str) -> str:
    return (SCHEMAS / name).read_text(encoding="utf-8")


@pytest.fixture
def applied(sandbox: Any) -> Callable[[str], AbstractContextManager[Any]]:
    """``with applied(sql) as db:`` a scratch database where ``sql`` was applied cleanly."""
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    @contextmanager
    def make(sql: str, name: str = "schema.sql") -> Iterator[Any]:
        with sandbox.scratch() as db:
            result = apply_scripts(sandbox, db, [parse_script(sql, source=name)])
            assert result.applied, result.error and result.error.one_line()
            yield db

    return make


def count(db: Any, table: str) -> int:
    row = db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0])
