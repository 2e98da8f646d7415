"""Scoring every reference and flawed answer of the eval suite offline, on one shared sandbox.

Run: ``.venv/bin/python bench/bench_evals.py [--workers K] [--max-rows N]``. Target: the whole
suite (every answer, every scorer) in <= 60 s on a 2-core machine. Prints the wall time, the
time per scorer (summed over answers; the shared analysis — parse, model, apply, lint — is
timed apart as ``analysis:*``), per category, and, as a baseline measured in the same run, the
time of ``check_sources`` alone (parse + model + lint + apply) on the same answers.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: F401  (a private DBARCH_HOME)

BUDGET_S = 60.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-rows", type=int, default=20_000)
    ap.add_argument("--pattern-rows", type=int, default=10_000)
    args = ap.parse_args()
    logging.getLogger("sqlglot").setLevel(logging.ERROR)

    from dbarch.evals.calibrate import calibrate
    from dbarch.evals.case import load_cases
    from dbarch.evals.extract import extract
    from dbarch.evals.scoring import ScoringContext
    from dbarch.tools.check import check_sources
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.sql.source import SqlSource

    cases = load_cases()
    load_before = os.getloadavg()[0]
    answers = sum(1 + len(c.flawed) for c in cases)
    with Sandbox() as sandbox:
        sandbox.start()
        t0 = time.perf_counter()
        with ScoringContext(sandbox, max_rows=args.max_rows, pattern_rows=args.pattern_rows) as ctx:
            results = calibrate(cases, ctx, workers=args.workers)
            timings = dict(ctx.timings)
        wall = time.perf_counter() - t0

        t0 = time.perf_counter()
        for case in cases:
            for _, answer in case.answers():
                ddl = extract(answer.text).ddl
                if ddl.strip():
                    sources = [SqlSource("answer.sql", ddl)]
                    if case.schema_sql:
                        sources.insert(0, SqlSource("given.sql", case.schema_sql))
                    check_sources(sources, sandbox=sandbox)
        baseline = time.perf_counter() - t0

    load_after = os.getloadavg()[0]
    problems = [p for r in results for p in r.problems]
    by_cat: dict[str, float] = defaultdict(float)
    for r in results:
        by_cat[r.case.category.value] += r.seconds
    print(f"eval suite: {len(cases)} cases, {answers} answers (references + flawed), {args.workers} workers, "
          f"data capped at {args.max_rows:,} rows (given schemas) and {args.pattern_rows:,} (designed schemas)")
    print(f"  wall time            {wall:7.1f} s   (budget {BUDGET_S:.0f} s: {'OK' if wall <= BUDGET_S else 'OVER'})")
    print(f"  load average         {load_before:7.1f} before, {load_after:.1f} after ({os.cpu_count()} cores; "
          "other users of the machine slow every figure here)")
    print(f"  per answer           {wall / answers * 1000:7.0f} ms")
    print(f"  calibration problems {len(problems):7d}")
    for p in problems:
        print(f"    {p}")
    print("  time per scorer (summed over answers and workers):")
    for name, ms in sorted(timings.items(), key=lambda kv: -kv[1]):
        if ms >= 1:
            print(f"    {name:24} {ms / 1000:7.2f} s")
    print("  time per category (summed over workers):")
    for cat, s in sorted(by_cat.items(), key=lambda kv: -kv[1]):
        print(f"    {cat:24} {s:7.2f} s")
    print(f"  baseline: check_sources alone on the same answers, 1 worker: {baseline:.1f} s "
          f"(full scoring / baseline = {wall / baseline:.2f}x)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
