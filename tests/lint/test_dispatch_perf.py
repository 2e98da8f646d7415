"""Dispatch by node type: a rule is given only the statements whose tree holds a node it needs,
and skipping the others never loses a finding.

For every rule whose class declares ``node_types`` (``tools.lint.registry.NODE_TYPES`` lists
them), its ``check_statement`` runs over every statement of the golden fixtures, the
docstring examples and the benchmark mix; a statement the engine would skip must give nothing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbarch.tools.lint.base import LintContext, Rule, split_example
from dbarch.tools.lint.engine import _Dispatch, node_types, tree_types
from dbarch.tools.lint.registry import BY_ID, NODE_TYPES, RULES
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import ParsedScript, parse_script

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def scripts() -> Iterator[tuple[str, str, str]]:
    """``(name, sql, existing_sql)`` of every SQL text the rules are tested on."""
    for path in sorted(FIXTURES.glob("**/*.sql")):
        yield path.name, path.read_text(encoding="utf-8"), ""
    for rule in RULES:
        for i, block in enumerate(re.findall(r"```sql\n(.*?)```", rule.__doc__ or "", re.S)):
            existing, body = split_example(block)
            yield f"{rule.id} example {i}", body, existing
    sys.path.insert(0, str(ROOT))
    from bench.bench_lint import CURRENT, MIGRATIONS, generate

    yield "bench mix", generate(500), ""
    yield "bench mix on a live schema", generate(500), CURRENT
    for name, sql in MIGRATIONS.items():
        yield name, sql, CURRENT


def context(sql: str, existing: str) -> tuple[ParsedScript, LintContext]:
    script = parse_script(sql)
    base = schema_from_sql(existing) if existing else Schema()
    return script, LintContext(script, schema_from_sql(sql, base=base), base, frozenset())


def test_every_declared_rule_is_registered() -> None:
    assert set(NODE_TYPES) <= set(BY_ID), set(NODE_TYPES) - set(BY_ID)


@pytest.mark.parametrize("name, sql, existing", list(scripts()), ids=lambda v: str(v)[:40])
def test_skipped_statements_give_no_finding(name: str, sql: str, existing: str) -> None:
    _, ctx = context(sql, existing)
    statements = list(ctx.statements())
    dispatch = _Dispatch(statements)
    for cls in RULES:
        if node_types(cls) is None or cls.check_statement is Rule.check_statement:
            continue
        rule = cls(None)
        given = {id(st) for st in dispatch.for_rule(cls)}
        for st in statements:
            if id(st) not in given:
                assert list(rule.check_statement(st, ctx)) == [], (cls.id, st.text)


def test_tree_types_are_those_of_every_node() -> None:
    script = parse_script("SELECT a FROM t WHERE b LIKE '%x' ORDER BY random() LIMIT 1 OFFSET 5000")
    st = script.statements[0]
    assert st.expression is not None
    types = tree_types(st)
    assert {type(n) for n in st.expression.walk()} == types
    wanted = NODE_TYPES["leading-wildcard-like"]
    assert any(issubclass(t, wanted) for t in types)
    assert _Dispatch([st]).for_rule(BY_ID["leading-wildcard-like"]) == [st]
    assert _Dispatch([st]).for_rule(BY_ID["insert-without-columns"]) == []
