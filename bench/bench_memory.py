"""Benchmark of workspace writes: ``python bench/bench_memory.py``.

1. One decision record, and one plan status update, in a workspace that already holds 50
   decisions and 50 plans, next to a bare write + fsync + rename of a file of the same size,
   all on tmpfs (/dev/shm) in the same run. Target: at most 10 ms per record or update.
2. 8 processes each appending 100 entries to one workspace: all 800 present afterwards.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dbarch.memory import Workspace, add_plan, read_notes, record_decision, update_plan  # noqa: E402

ROUNDS = 200
TARGET_MS = 10.0


def scratch_dir() -> Path:
    base = "/dev/shm" if Path("/dev/shm").is_dir() else None
    if base is None:
        print("note: /dev/shm not found; timing on the default temporary folder")
    return Path(tempfile.mkdtemp(prefix="dbarch-bench-", dir=base))


def timed(action: Callable[[int], object], rounds: int = ROUNDS) -> list[float]:
    out = []
    for i in range(rounds):
        start = time.perf_counter()
        action(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def describe(label: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
    print(f"  {label:<44} median {median:7.3f} ms   p95 {p95:7.3f} ms")
    return median


def bare_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def single_writes(root: Path) -> None:
    ws = Workspace(root / "ws")
    for i in range(50):
        record_decision(
            ws, decision=f"Seed decision {i}", why="benchmark seed", alternatives="none"
        )
        add_plan(ws, f"Seed plan {i}")
    soul = (root / "ws" / "00_soul.md").read_bytes()
    state_size = len((root / "ws" / "01_state.md").read_bytes())
    print(
        f"single writes ({ROUNDS} rounds each, 00_soul.md {len(soul)} bytes, 01_state.md {state_size} bytes)"
    )
    baseline = describe(
        "bare write+fsync+rename (same size)", timed(lambda i: bare_write(root / "bare.md", soul))
    )
    decision = describe(
        "record_decision",
        timed(
            lambda i: record_decision(
                ws, decision=f"Bench decision {i}", why="timing", alternatives="none"
            )
        ),
    )
    statuses = ("in progress", "planned")
    plan = describe(
        "update_plan (status change)",
        timed(lambda i: update_plan(ws, "P-001", status=statuses[i % 2])),
    )
    for label, value in (("decision", decision), ("state update", plan)):
        verdict = "within" if value <= TARGET_MS else "OVER"
        print(
            f"  {label}: {value / baseline:.1f}x the bare baseline; {verdict} the {TARGET_MS:.0f} ms target"
        )


WRITER = """
import sys
from dbarch.memory import Workspace, add_note
ws = Workspace(sys.argv[1])
for i in range(int(sys.argv[3])):
    add_note(ws, "lesson", f"entry {sys.argv[2]}-{i}")
"""


def many_processes(root: Path, processes: int = 8, entries: int = 100) -> None:
    folder = root / "shared"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), f"p{n}", str(entries)], cwd=REPO, env=env
        )
        for n in range(processes)
    ]
    codes = [child.wait() for child in children]
    elapsed = time.perf_counter() - start
    notes = read_notes(Workspace(folder))
    wanted = {f"entry p{n}-{i}" for n in range(processes) for i in range(entries)}
    found = {n.text for n in notes}
    ids = sorted(n.id for n in notes)
    complete = found == wanted and len(notes) == len(wanted) and len(set(ids)) == len(ids)
    journal = len(Workspace(folder).journal())
    print(f"{processes} processes x {entries} entries into one workspace")
    print(
        f"  exit codes {sorted(set(codes))}; {len(notes)} of {len(wanted)} entries present, "
        f"ids unique: {len(set(ids)) == len(ids)}, journal lines: {journal}"
    )
    print(
        f"  {elapsed:.2f} s wall clock including interpreter start-up "
        f"({elapsed / len(wanted) * 1000:.2f} ms per entry)"
    )
    if not complete or any(codes):
        raise SystemExit("FAILED: entries were lost or a writer failed")


def main() -> None:
    root = scratch_dir()
    try:
        single_writes(root)
        many_processes(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
