"""Rules that a rule module lists in its ``RULES`` tuple but the registry does not list yet.

``tools/lint/registry.py`` names its schema rules class by class; a rule added to a module's
``RULES`` tuple runs only once the registry lists it. Until then its docstring contract
(sections present, Example fires, Use instead silent) is checked here, with the rule added to
the engine's rule list for the test only. Once every module rule is registered this file
tests nothing and can go.
"""

from __future__ import annotations

import pytest

from tools.lint import engine
from tools.lint.base import Rule
from tools.lint.docs import SECTIONS, rule_doc
from tools.lint.registry import RULES
from tools.lint.rules import indexes, integrity, migration, naming, normalization, queries, types
from tools.parse import parse_script

MODULE_RULES: tuple[type[Rule], ...] = (
    integrity.RULES + types.RULES + normalization.RULES + indexes.RULES + naming.RULES + queries.RULES + migration.RULES
)
PENDING = [r for r in MODULE_RULES if r not in RULES]


def test_module_tuples_keep_registry_order() -> None:
    """The registry can be rebuilt from the module tuples without reordering a rule."""
    assert [r for r in MODULE_RULES if r in RULES] == list(RULES)


def _fired(rule: type[Rule], section: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(engine, "RULES", (*RULES, rule))
    doc = rule_doc(rule)
    existing_sql = doc.existing_sql(section)
    existing = engine.build_schema(parse_script(existing_sql), None) if existing_sql else None
    report = engine.lint_script(parse_script(doc.sql(section), source=f"{rule.id}.md"), existing=existing, select=[rule.id])
    assert not [d for d in report.diagnostics if d.rule == "parse-error"], f"{rule.id}: {section} does not parse"
    return [d.rule for d in report.diagnostics if d.rule == rule.id]


@pytest.mark.parametrize("rule", PENDING, ids=[r.id for r in PENDING])
def test_pending_rule_documents_itself(rule: type[Rule], monkeypatch: pytest.MonkeyPatch) -> None:
    doc = rule_doc(rule)
    assert not [s for s in SECTIONS if not doc.sections.get(s, "").strip()]
    assert _fired(rule, "Example", monkeypatch), f"{rule.id}: its Example does not fire"
    assert not _fired(rule, "Use instead", monkeypatch), f"{rule.id}: its Use instead fires"
