"""evals/COVERAGE.md maps every rule of the role to scorers and cases: keep it true."""

from __future__ import annotations

import re
from pathlib import Path

from dbarch.evals.case import load_cases
from dbarch.evals.scorers import SCORER_NAMES

COVERAGE = Path(__file__).resolve().parents[2] / "evals" / "COVERAGE.md"


def test_every_case_and_scorer_named_exists_and_every_scorer_is_named() -> None:
    text = COVERAGE.read_text(encoding="utf-8")
    names = set(re.findall(r"`([a-z_]+(?:/[a-z0-9-]+)?)`", text))
    ids = {c.id for c in load_cases()}
    named_cases = {n for n in names if "/" in n}
    assert named_cases <= ids, sorted(named_cases - ids)
    categories = {"schema_design", "db_selection", "query_optimization", "migration", "backup_scale", "boundary"}
    named_scorers = {n for n in names if "/" not in n and n not in categories}
    assert set(SCORER_NAMES) <= named_scorers, sorted(set(SCORER_NAMES) - named_scorers)


def test_every_case_is_named_or_covered_by_its_category() -> None:
    text = COVERAGE.read_text(encoding="utf-8")
    for case in load_cases():
        assert case.id in text or f"`{case.category.value}`" in text, case.id
