"""Golden files: every ``tests/fixtures/lint/*.sql`` gives exactly its ``*.expected.json``."""

from __future__ import annotations

import pytest

from tests.lint.golden import check_golden, golden_cases


@pytest.mark.parametrize("name", golden_cases())
def test_golden(name: str) -> None:
    check_golden(name)
