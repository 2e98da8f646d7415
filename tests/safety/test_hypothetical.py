"""The hypothetical-index advice's selection (pure: trials as hypopg would measure them)."""

from __future__ import annotations

import pytest

from dbarch.tools.perf.candidates import IndexSpec
from dbarch.tools.perf.hypothetical import _index_statement
from dbarch.tools.perf.trials import Trial, choose_alone


def trial(columns: tuple[str, ...], size: int, **costs: float) -> Trial:
    return Trial(IndexSpec("orders", columns), size, {int(k[1:]): v for k, v in costs.items()})


def test_a_better_index_for_the_same_query_replaces_the_first_pick() -> None:
    base = {1: 3774.0, 2: 4540.0, 3: 3774.0}
    customer = trial(("customer",), 5_000_000, q1=143.0, q3=3774.0)
    status = trial(("status",), 5_200_000, q2=1000.0)
    covering = trial(("status", "placed"), 14_000_000, q2=279.0)
    useless = trial(("placed",), 5_000_000, q2=4500.0)
    chosen = choose_alone([customer, status, covering, useless], base, 1024 * 1024 * 1024)
    assert [t.spec.columns for t in chosen] == [("customer",), ("status", "placed")]


def test_the_budget_is_respected() -> None:
    base = {1: 1000.0}
    assert choose_alone([trial(("a",), 10_000_000, q1=10.0)], base, 1_000_000) == []


@pytest.mark.parametrize("body", ["orders (a); DROP TABLE orders", "orders (a) WHERE 1 = 1; SELECT 1"])
def test_only_a_single_index_definition_reaches_hypopg(body: str) -> None:
    from dbarch.tools.errors import DbarchError

    with pytest.raises(DbarchError):
        _index_statement(body)
