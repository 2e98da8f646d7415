"""The squawk -> dbarch rule table the fidelity bench reads names real rules, once each."""

from __future__ import annotations

from dbarch.tools.lint.registry import BY_ID
from dbarch.tools.lint.squawk_map import COUNTERPARTS, DISAGREEMENTS, NO_COUNTERPART


def test_every_counterpart_is_a_dbarch_rule() -> None:
    missing = {r for rules in COUNTERPARTS.values() for r in rules if r not in BY_ID}
    assert not missing


def test_a_squawk_rule_is_mapped_or_excluded_never_both() -> None:
    assert not set(COUNTERPARTS) & set(NO_COUNTERPART)
    assert all(reason.strip() for reason in NO_COUNTERPART.values())


def test_disagreements_name_mapped_rules() -> None:
    assert all(rule in COUNTERPARTS and reason.strip() for (rule, _), reason in DISAGREEMENTS.items())
