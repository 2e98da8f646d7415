"""Command-line start-up: process CPU time of ``dbarch --help`` and ``dbarch lint`` on a small
file, next to ``python -c pass`` measured in the same run.

CPU time (user + system of the child, from ``os.wait4``) rather than wall time, so that other
work on the machine counts less. Target: each ``dbarch`` command at most 0.5 s.

Run: ``python bench/bench_cli_start.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SMALL = """\
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  placed_at timestamp NOT NULL
);
"""
TARGET_S = 0.5


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU seconds of one run of ``argv`` (output discarded)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime


def median_cpu(argv: list[str], rounds: int) -> float:
    cpu_seconds(argv)  # warm the file cache and the bytecode
    return statistics.median(cpu_seconds(argv) for _ in range(rounds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=9, help="runs per figure (median)")
    args = parser.parse_args(argv)
    dbarch = str(Path(sys.executable).with_name("dbarch"))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.sql"
        small.write_text(SMALL, encoding="utf-8")
        base = median_cpu([sys.executable, "-c", "pass"], args.rounds)
        print(f"{'python -c pass':28} {base * 1000:7.0f} ms CPU (baseline)")
        worst = 0.0
        for label, command in (
            ("dbarch --help", [dbarch, "--help"]),
            ("dbarch lint small.sql", [dbarch, "lint", "--no-config", str(small)]),
        ):
            took = median_cpu(command, args.rounds)
            worst = max(worst, took)
            print(f"{label:28} {took * 1000:7.0f} ms CPU   {took / base:5.1f}x baseline   "
                  f"(target <= {TARGET_S * 1000:.0f} ms: {'ok' if took <= TARGET_S else 'OVER'})")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
