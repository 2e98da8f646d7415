"""Every registered rule documents itself, and its documented examples are true.

For each rule: the docstring has *What it does*, *Why is this bad*, *Example* and *Use instead*;
the Example makes the rule fire; Use instead does not. ``-- existing: SQL`` lines in a block give
the schema that exists before it (migration rules). The generated docs/rules/ are up to date.
"""

from __future__ import annotations

import pytest

from dbarch.tools.lint.base import Rule
from dbarch.tools.lint.docs import SECTIONS, expected_files, rule_doc
from dbarch.tools.lint.engine import build_schema, lint_script
from dbarch.tools.lint.registry import RULES
from dbarch.tools.sql.parse import parse_script

IDS = [r.id for r in RULES]


def _fired(rule: type[Rule], section: str) -> list[str]:
    doc = rule_doc(rule)
    sql = doc.sql(section)
    assert sql, f"{rule.id}: the {section} section has no SQL block"
    existing_sql = doc.existing_sql(section)
    existing = build_schema(parse_script(existing_sql), None) if existing_sql else None
    report = lint_script(parse_script(sql, source=f"{rule.id}.md"), existing=existing, select=[rule.id])
    assert not [d for d in report.diagnostics if d.rule == "parse-error"], f"{rule.id}: {section} does not parse"
    return [d.rule for d in report.diagnostics if d.rule == rule.id]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_docstring_has_every_section(rule: type[Rule]) -> None:
    doc = rule_doc(rule)
    missing = [s for s in SECTIONS if not doc.sections.get(s, "").strip()]
    assert not missing, f"{rule.id} lacks {missing}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_example_fires(rule: type[Rule]) -> None:
    assert _fired(rule, "Example"), f"{rule.id}: its Example does not fire"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_use_instead_does_not_fire(rule: type[Rule]) -> None:
    assert not _fired(rule, "Use instead"), f"{rule.id}: its Use instead fires"


def test_generated_docs_are_up_to_date() -> None:
    stale = [p.name for p, text in expected_files(RULES).items() if not p.exists() or p.read_text() != text]
    assert not stale, f"run `python -m dbarch.tools.lint.docs` ({len(stale)} stale: {stale[:5]})"
