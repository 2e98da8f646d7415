"""The paired corpus (tests/fixtures/lint/pairs/*.sql, written here): each dangerous migration
is flagged at warning or above, and its safe rewrite comes back clean, given the schema that
exists before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.tools.lint.base import Severity
from dbarch.tools.lint.corpus import Pair, load_pairs, read_pairs
from dbarch.tools.lint.engine import lint_script
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

PAIRS = load_pairs(Path(__file__).resolve().parents[1] / "fixtures" / "lint" / "pairs")


def flagged(sql: str, pair: Pair) -> list[str]:
    report = lint_script(parse_script(sql), existing=schema_from_sql(pair.existing),
                         assume_in_transaction=pair.assume_in_transaction, min_severity=Severity.WARNING)
    return sorted({d.rule for d in report.diagnostics})


def test_the_corpus_has_thirty_pairs_with_a_schema_each() -> None:
    assert len(PAIRS) >= 30
    assert all(p.existing for p in PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_bad_is_flagged_and_safe_is_clean(pair: Pair) -> None:
    assert flagged(pair.bad, pair), f"{pair.where}: dangerous migration not flagged"
    assert flagged(pair.safe, pair) == [], f"{pair.where}: safe rewrite flagged"


def test_reader_splits_sections() -> None:
    text = "-- pair: p\n-- assume-in-transaction\n-- existing:\nCREATE TABLE t (a int);\n-- bad:\nDROP TABLE t;\n-- safe:\nSELECT 1;\n"
    [p] = read_pairs(text)
    assert (p.existing, p.bad, p.safe, p.assume_in_transaction) == ("CREATE TABLE t (a int);", "DROP TABLE t;\n", "SELECT 1;\n", True)
