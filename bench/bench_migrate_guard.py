"""The requirement-test guard of ``memory migrate``: what running the saved tests costs.

A workspace holds the 20-table schema of ``bench_reqtest.py`` as migration 001 and its 50
requirement tests saved in ``tests/``. Each round writes migration 002 (an index) into a fresh copy
of that workspace three ways, median of the rounds:

- ``check only``: parse, lint and apply after migration 001 (the check before this guard existed);
- ``guard, empty tables``: the same, then the 50 saved tests on the migrations (no data): most of
  them pick existing rows, so they fail and the migration is refused (the failing tests then run
  once more on migration 001 alone, to tell whether this migration broke them);
- ``guard, 100k rows``: the same on synthetic data at ``tests/volumes.yaml`` (5,000 rows per table).

The guard's cost is printed as a ratio to the check alone, measured in the same run.
Run: ``.venv/bin/python bench/bench_migrate_guard.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: F401  (a private DBARCH_HOME)
from bench_reqtest import CHILDREN, PARENTS, ROWS_PER_TABLE, schema, tests

ROUNDS = 3
MIGRATION = "CREATE INDEX c01_amount ON c01 (amount);\n"


def workspace(volumes: bool) -> object:
    from dbarch.memory import Workspace, save_requirement_tests, save_test_volumes, write_migration

    ws = Workspace(tempfile.mkdtemp(prefix="dbarch-bench-ws-"))
    write_migration(ws, "twenty tables", schema())
    save_requirement_tests(ws, "rules", json.dumps(tests()))
    if volumes:
        save_test_volumes(ws, f"default={ROWS_PER_TABLE}")
    return ws


def timed(run: Callable[[object], object], volumes: bool) -> float:
    ws = workspace(volumes)
    started = time.perf_counter()
    run(ws)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    from dbarch.memory import write_checked_migration, write_migration
    from dbarch.memory.verify import sandbox_verifier
    from dbarch.tools import Sandbox

    with Sandbox() as sandbox:
        sandbox.start()

        def check_only(ws: object) -> object:
            return write_migration(ws, "index", MIGRATION, verify=sandbox_verifier(ws, sandbox, requirement_tests=False))  # type: ignore[arg-type]

        verdicts: dict[bool, str] = {}

        def guarded(ws: object) -> object:
            from dbarch.memory import RequirementTestsFailed

            loaded = (Path(ws.root) / "tests/volumes.yaml").exists()  # type: ignore[attr-defined]
            try:
                done = write_checked_migration(ws, "index", MIGRATION, sandbox=sandbox)  # type: ignore[arg-type]
            except RequirementTestsFailed as refused:
                assert refused.guard is not None
                verdicts[loaded] = f"refused: {refused.guard.headline().split(', on ')[0]}"
                return None
            verdicts[loaded] = f"written: {done.tests.headline().split(', on ')[0]}"
            return done

        timed(check_only, False)  # warm the server and the imports
        results = {
            "check only": [timed(check_only, False) for _ in range(ROUNDS)],
            "guard, empty tables": [timed(guarded, False) for _ in range(ROUNDS)],
            f"guard, {(PARENTS + CHILDREN) * ROWS_PER_TABLE:,} rows": [timed(guarded, True) for _ in range(ROUNDS)],
        }
    base = statistics.median(results["check only"])
    print(f"memory migrate on a {PARENTS + CHILDREN}-table workspace with {len(tests())} saved tests, "
          f"median of {ROUNDS}:")
    notes = ["", verdicts.get(False, ""), verdicts.get(True, "")]
    for (name, times), note in zip(results.items(), notes, strict=True):
        median = statistics.median(times)
        print(f"  {name:<24} {median:8.0f} ms   ({median / base:.1f}x the check alone)  {note}")


if __name__ == "__main__":
    main()
