"""The agent's input guard and the eval cases agree on what each request is.

Every case states its scope (in_scope, app_code, mixed, off_topic) as the role sees it; the
guard must classify the prompt the architect receives the same way, on the suite and on the
held-out cases. A disagreement is either a guard rule or a case label to fix (the Express,
Go, CSS, Django and JPA cases were once such disagreements; see docs/agent.md, "The guards").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.agent.guards import classify_request
from dbarch.evals.case import Case, load_cases
from dbarch.evals.solver import request_text

HELDOUT = Path(__file__).resolve().parents[2] / "evals" / "heldout"
CASES = [*load_cases(), *load_cases(root=HELDOUT)]


def test_every_scope_is_represented() -> None:
    assert {c.expect.scope.value for c in CASES} == {"in_scope", "app_code", "mixed", "off_topic"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_guard_agrees_with_the_case_label(case: Case) -> None:
    verdict = classify_request(request_text(case))
    assert verdict.verdict == case.expect.scope.value, verdict.reasons
