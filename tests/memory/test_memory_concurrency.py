"""Writers in several processes lose nothing; a writer killed mid-write tears nothing."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

from memhelp import popen_python

from dbarch.memory import Workspace, read_decisions, read_notes
from dbarch.memory.sections import find_sections

WRITER = """
import sys
from dbarch.memory import Workspace, add_note, record_decision
print("ready", flush=True)
ws = Workspace(sys.argv[1])
who = sys.argv[2]
for i in range(int(sys.argv[3])):
    if i % 2:
        record_decision(ws, decision=f"decision {who}-{i}", why="load test")
    else:
        add_note(ws, "lesson", f"note {who}-{i}")
"""

KILLED_WRITER = """
import sys
from pathlib import Path
from dbarch.memory.atomic import atomic_write
target = Path(sys.argv[1])
print("ready", flush=True)
i = 0
while True:
    i += 1
    letter = "ab"[i % 2]
    atomic_write(target, f"{letter} {i}\\n".encode() + letter.encode() * 2_000_000 + b"\\nend\\n")
"""


def whole(data: bytes) -> bool:
    """A complete version as KILLED_WRITER writes it: header, 2 MB of one letter, trailer."""
    head, _, rest = data.partition(b"\n")
    return rest == head[:1] * 2_000_000 + b"\nend\n"


def start(script: str, *args: str) -> subprocess.Popen[str]:
    """Start a child running ``script`` and wait until it says it is ready."""
    child = popen_python(script, stdout=subprocess.PIPE, extra_args=args)
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    return child


def test_four_processes_writing_25_entries_each_lose_none(ws_dir: Path) -> None:
    children = [start(WRITER, str(ws_dir), f"w{n}", "25") for n in range(4)]
    assert [c.wait() for c in children] == [0, 0, 0, 0]
    ws = Workspace(ws_dir)
    decisions, notes = read_decisions(ws), read_notes(ws)
    assert {d.decision for d in decisions} == {
        f"decision w{n}-{i}" for n in range(4) for i in range(25) if i % 2
    }
    assert {n.text for n in notes} == {
        f"note w{n}-{i}" for n in range(4) for i in range(25) if not i % 2
    }
    assert [d.id for d in decisions] == [f"D-{k:03d}" for k in range(1, 49)]
    assert sorted(n.id for n in notes) == [f"M-{k:03d}" for k in range(1, 53)]
    assert len(ws.journal()) == 100


def test_a_writer_killed_mid_write_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    target = tmp_path / "00_soul.md"
    target.write_bytes(b"a 0\n" + b"a" * 2_000_000 + b"\nend\n")
    rng = random.Random(6)
    for _ in range(25):
        child = start(KILLED_WRITER, str(target))
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert whole(target.read_bytes())
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "00_soul.md"]
    assert all(name.endswith(".tmp") for name in leftovers)


def test_a_workspace_writer_killed_mid_update_leaves_readable_files(ws_dir: Path) -> None:
    rng = random.Random(7)
    for _ in range(10):
        child = start(WRITER, str(ws_dir), "k", "100000")
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait()
        ws = Workspace(ws_dir)
        soul = ws.read("00_soul.md")
        if soul is not None:
            assert set(find_sections(soul, file="00_soul.md")) == {"schema", "erd", "decisions"}
            ids = [d.id for d in read_decisions(ws)]
            assert ids == [f"D-{k:03d}" for k in range(1, len(ids) + 1)]
        read_notes(ws)
        ws.journal()
