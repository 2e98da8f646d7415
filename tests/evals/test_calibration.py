"""Calibration on the real sandbox: each reference passes, each flawed answer fails and scores
below its reference. pytest runs one or two cases per category (the scorers each category
uses); ``make eval-calibrate`` runs the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dbarch.evals.calibrate import calibrate_case
from dbarch.evals.case import Category, load_cases
from dbarch.evals.scoring import ScoringContext

SUBSET = (
    "schema/commerce",
    "schema/room-bookings",
    "schema/multitenant-saas",
    "selection/ecommerce-payments",
    "query/orders-by-customer",
    "migration/add-not-null-column",
    "ops/pitr-backup",
    "boundary/python-endpoint",
    "boundary/plpgsql-trigger",
)


@pytest.fixture(scope="module")
def ctx(sandbox: object) -> Iterator[ScoringContext]:
    with ScoringContext(sandbox) as context:  # type: ignore[arg-type]
        yield context


def test_the_subset_covers_every_category() -> None:
    by_id = {c.id: c for c in load_cases()}
    assert set(SUBSET) <= set(by_id)
    assert {by_id[i].category for i in SUBSET} == set(Category)


@pytest.mark.sandbox
@pytest.mark.parametrize("case_id", SUBSET)
def test_reference_passes_and_flawed_answers_fail(case_id: str, ctx: ScoringContext) -> None:
    (case,) = [c for c in load_cases() if c.id == case_id]
    result = calibrate_case(case, ctx)
    assert result.problems == []
    assert result.flawed and all(not s.passed for _, s in result.flawed)
