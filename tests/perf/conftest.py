"""Helpers for the performance tests: a scratch database with a schema applied."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest


@pytest.fixture
def schema_db(sandbox: Any) -> Callable[[str], AbstractContextManager[Any]]:
    """``with schema_db(sql) as db:`` a scratch database where ``sql`` has been applied."""
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    @contextmanager
    def make(sql: str) -> Iterator[Any]:
        with sandbox.scratch() as db:
            result = apply_scripts(sandbox, db, [parse_script(sql, source="schema.sql")])
            assert result.applied, result.error and result.error.one_line()
            yield db

    return make
