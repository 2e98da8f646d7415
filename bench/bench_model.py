"""Schema-model build time: ``python bench/bench_model.py``.

For a generated 200-table pg_dump-style schema, a ~600 KB one (the size of a large soul file)
and the 5,000-statement lint mix (1,000 tables whose keys PostgreSQL must name), prints the
median time of

- the baseline: sqlglot's parse alone of the same statements (``sqlglot.parse_one`` each);
- ``parse_script`` (split, PostgreSQL validation, sqlglot trees);
- ``schema_from_script`` (replaying the DDL on the model), as a ratio of the baseline;

and the model's cost per table at each size next to the smallest one's (1.0x means linear).
Target: the 600 KB schema's model in well under 1 s, linear in the number of tables.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlglot  # noqa: E402

from bench.bench_lint import generate  # noqa: E402
from bench.gen_schema import pg_dump_schema  # noqa: E402
from dbarch.tools.schema.from_sql import schema_from_script  # noqa: E402
from dbarch.tools.sql.parse import parse_script  # noqa: E402
from dbarch.tools.sql.statements import StatementKind, split_statements  # noqa: E402

TARGET_BYTES = 600_000


def median_s(action: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def sqlglot_alone(text: str) -> None:
    for stmt in split_statements(text):
        if stmt.kind == StatementKind.SQL:
            with contextlib.suppress(Exception):  # what parse_script treats as "not analysed"
                sqlglot.parse_one(stmt.text, read="postgres")


def schema_of_size(nbytes: int) -> tuple[int, str]:
    """The smallest generated pg_dump schema of at least ``nbytes`` characters, and its tables."""
    tables = max(1, nbytes * 200 // len(pg_dump_schema(200)))
    text = pg_dump_schema(tables)
    while len(text) < nbytes:
        tables += 10
        text = pg_dump_schema(tables)
    return tables, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per figure (median)")
    args = parser.parse_args(argv)
    big_tables, big = schema_of_size(TARGET_BYTES)
    cases = [
        ("pg_dump 200 tables", 200, pg_dump_schema(200)),
        (f"pg_dump {len(big) // 1000} KB", big_tables, big),
        ("lint mix 5,000 statements", 1000, generate(5000)),
    ]
    print(f"{'schema':<28} {'size':>7} {'sqlglot alone':>14} {'parse_script':>13} {'model':>9} "
          f"{'model/sqlglot':>14} {'model per table':>16}")
    per_table: dict[str, float] = {}
    for label, tables, text in cases:
        baseline = median_s(lambda: sqlglot_alone(text), args.rounds)  # noqa: B023
        parse = median_s(lambda: parse_script(text), args.rounds)  # noqa: B023
        script = parse_script(text)
        model = median_s(lambda: schema_from_script(script), args.rounds)  # noqa: B023
        assert len(schema_from_script(script)) == tables, label
        kind = label.split()[0]
        per_table.setdefault(kind, model / tables)
        growth = (model / tables) / per_table[kind]
        print(f"{label:<28} {len(text) // 1000:>5}KB {baseline * 1000:>11.0f} ms {parse * 1000:>10.0f} ms "
              f"{model * 1000:>6.0f} ms {model / baseline:>13.2f}x {model / tables * 1e6:>9.0f} us "
              f"({growth:.2f}x)")
    print("target: the ~600 KB model in well under 1 s; per-table cost flat (about 1.0x) as tables grow")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
