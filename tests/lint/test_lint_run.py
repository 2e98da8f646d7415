"""What one lint run shares between rules, and what it never computes.

Facts about a statement (its nodes, column definitions, the lock it takes) are computed once per
run and forgotten after it; ``find_all`` over the shared nodes answers exactly what sqlglot's
``find_all`` does; fixes are computed only when asked for; PostgreSQL trees are built only for the
opaque statements a rule can use.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from dbarch.tools.lint import engine
from dbarch.tools.lint.base import Rule, find_all, lint_run, memoized, statement_nodes
from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.registry import RULES
from dbarch.tools.lint.rules import migration_state
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

ROOT = Path(__file__).resolve().parents[2]


def test_memoized_computes_once_per_run_and_forgets_after() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with lint_run():
        assert memoized("k", compute) == 1
        assert memoized("k", compute) == 1
    assert memoized("k", compute) == 2  # outside a run: computed every time
    with lint_run():
        assert memoized("k", compute) == 3  # a new run starts empty


def _texts() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from bench.bench_lint import generate

    fixtures = sorted((ROOT / "tests" / "fixtures").glob("**/*.sql"))
    return [generate(50), *(p.read_text(encoding="utf-8") for p in fixtures)]


@pytest.mark.parametrize("types", [(exp.Select,), (exp.Column,), (exp.Where, exp.Join), (exp.Predicate,), (exp.Reference,)])
def test_find_all_answers_as_sqlglot_does(types: tuple[type[exp.Expression], ...]) -> None:
    for text in _texts():
        for st in parse_script(text).statements:
            if st.expression is None:
                continue
            expected = list(st.expression.find_all(*types))
            assert find_all(st, *types) == expected
            with lint_run():
                assert find_all(st, *types) == expected
                assert statement_nodes(st) is statement_nodes(st)  # walked once


def test_fixes_are_computed_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = engine._run_fix

    def spy(rule: Rule, st: Any) -> list[Any]:
        asked.append(rule.id)
        return real(rule, st)

    monkeypatch.setattr(engine, "_run_fix", spy)
    report = lint_script(parse_script("CREATE TABLE t (id bigint PRIMARY KEY, seen_at timestamp);"))
    assert "prefer-timestamptz" in {d.rule for d in report.diagnostics}
    assert asked == []
    assert [e.text for e in report.edits] == ["timestamptz"]
    assert asked == ["prefer-timestamptz"]
    assert report.edits is report.edits  # computed once


@pytest.mark.parametrize("rule", [r for r in RULES if r.node_types is not None], ids=lambda r: r.id)
def test_declared_node_types_reach_the_rules_own_example(rule: type[Rule]) -> None:
    """The engine gives a rule only statements holding one of its ``node_types``: the
    statement its documented Example fires on must hold one, or the rule could never fire."""
    from dbarch.tools.lint.docs import rule_doc

    wanted = engine.node_types(rule)
    assert wanted and all(issubclass(t, exp.Expression) for t in wanted), rule.id
    trees = [st for st in parse_script(rule_doc(rule).sql("Example")).statements if st.expression is not None]
    assert any(issubclass(t, wanted) for st in trees for t in engine.tree_types(st)), rule.id


OPAQUE = """\
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
DO $$ BEGIN PERFORM 1; END $$;
ALTER TYPE mood ADD VALUE 'meh';
"""


def test_only_the_opaque_statements_a_rule_reads_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = migration_state._pg_tree

    def spy(text: str) -> Any:
        parsed.append(text.split()[0] + " " + text.split()[1])
        return real(text)

    monkeypatch.setattr(migration_state, "_pg_tree", spy)
    existing = schema_from_sql("CREATE TYPE mood AS ENUM ('sad', 'ok');")
    report = lint_script(parse_script(OPAQUE), existing=existing)
    assert "enum-add-value-without-position" in {d.rule for d in report.diagnostics}
    assert parsed == ["ALTER TYPE"]  # neither the function nor the DO block was parsed
